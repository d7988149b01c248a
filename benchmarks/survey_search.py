"""The survey form's type-ahead: building a round's roster, then the server time of searches as respondents type
(two to four letters of real names; every other search within one school, which reads the whole roster), both
as the function and as the web request (`/survey/TOKEN/people`, through Flask with the link looked up each
time)."""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from netmap.store import SQLiteStore
from netmap.survey.questions import QUESTION_BANK
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import create_round, open_round, roster_of

NOTICE = "Purpose: research. Who sees: leads. Kept for a year, then deleted. Contact: dpo@trust.example"
SEARCHES = 300


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"p50_ms": 1000 * statistics.median(ordered), "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
            "max_ms": 1000 * ordered[-1]}


def bench_survey_search(db: Path) -> dict:
    rng = random.Random(7)
    with SQLiteStore(db) as store:
        as_of = store.list_snapshots()[-1].as_of
        spec = RoundSpec("Benchmark", as_of, (QUESTION_BANK["planning"],), opens_on="2026-07-02",
                         closes_on="2099-07-20", privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        token = open_round(store, round_id)[0][1]
        started = time.perf_counter()
        roster = roster_of(store, spec)
        build_s = time.perf_counter() - started
    names = [e.name for e in roster.entries]
    queries = []
    for _ in range(SEARCHES):
        word = rng.choice(rng.choice(names).split())
        queries.append(word[: rng.randint(2, 4)])
    schools = sorted({e.school_id for e in roster.entries})
    direct = []
    for k, q in enumerate(queries):
        started = time.perf_counter()
        roster.search(q, schools[k % len(schools)] if k % 2 else "", 20)
        direct.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as users:
        from webapp import create_app

        app = create_app({"NETMAP_DB": db, "NETMAP_USERS_DB": Path(users) / "users.db", "SECRET_KEY": "bench",
                          "TESTING": True})
        client = app.test_client()
        client.get(f"/survey/{token}/people?q=ab")  # the round's roster is built on first use
        web = []
        for k, q in enumerate(queries):
            school = f"&school={schools[k % len(schools)]}" if k % 2 else ""
            started = time.perf_counter()
            response = client.get(f"/survey/{token}/people?q={q}{school}")
            web.append(time.perf_counter() - started)
            assert response.status_code == 200
    with SQLiteStore(db) as store:
        store.delete_round(round_id)
    return {"staff_on_roster": len(roster.entries), "roster_build_s": build_s, "searches": SEARCHES,
            "function": _stats(direct), "web_request": _stats(web)}
