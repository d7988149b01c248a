"""The survey form's type-ahead: building a round's roster, then the server time of searches as respondents type
(two to four letters of real names; every other search within one school), both as the function and as the web
request (`/survey/TOKEN/people`, through Flask with the link looked up and its search limits counted each
time, a different respondent's link each search); then whether everyone is found by their full name (typed as
the roster shows it, and surname first) and how fast; and how many distinct people one link could list before
its search budget stops it."""

from __future__ import annotations

import heapq
import random
import statistics
import tempfile
import time
from pathlib import Path

from netmap.naming import typed_words
from netmap.store import SQLiteStore
from netmap.survey.questions import QUESTION_BANK
from netmap.survey.roster import SHOWN, Roster
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import create_round, open_round, roster_of
from webapp.accounts.survey_guard import search_budget

NOTICE = "Purpose: research. Who sees: leads. Kept for a year, then deleted. Contact: dpo@trust.example"
SEARCHES = 300


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"p50_ms": 1000 * statistics.median(ordered), "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
            "max_ms": 1000 * ordered[-1]}


def bench_full_names(roster: Roster) -> dict:
    """Everyone searched by their whole name as shown, and surname first: how many are among the people offered
    (never excluding anyone), and the time of each search."""
    missed = {"as_shown": 0, "surname_first": 0}
    times = []
    for entry in roster.entries:
        words = entry.name.split()
        for kind, typed in (("as_shown", entry.name), ("surname_first", " ".join(words[-1:] + words[:-1]))):
            started = time.perf_counter()
            found = roster.search(typed)
            times.append(time.perf_counter() - started)
            missed[kind] += entry not in found
    most = max(len(roster.search(e.name)) for e in roster.entries)
    return {"people": len(roster.entries), "searches": len(times), "not_found": missed,
            "most_offered": most, **_stats(times)}


def bench_enumeration(roster: Roster) -> dict:
    """How many distinct people one link can list within its budget (a round of one question of ten names, and
    of three), for an attacker who knows in advance what every search would return (an upper bound for any real
    one): greedy maximum coverage over every two- and three-letter search, with and without the school filter,
    each search taking the most people not yet listed."""
    schools = sorted({e.school_id for e in roster.entries})
    starts = sorted({w[:n] for e in roster.entries for w in typed_words(e.name) for n in (2, 3) if len(w) >= n})
    queries = [(s, "") for s in starts] + [(s, school) for s in starts if len(s) == 2 for school in schools]
    offered = {q: frozenset(e.staff_id for e in roster.search(q[0], q[1])) for q in queries}
    return {"shown": SHOWN, "candidate_searches": len(queries), "of": len(roster.entries),
            **{f"{names}_names": _covered(offered, search_budget(names), len(roster.entries)) for names in (10, 30)}}


def _covered(offered: dict[tuple[str, str], frozenset[str]], budget: int, people: int) -> dict:
    """Greedy maximum coverage of `offered` in `budget` searches (lazily updated gains)."""
    listed: set[str] = set()
    heap = [(-len(people), q) for q, people in offered.items()]
    heapq.heapify(heap)
    used = 0
    while heap and used < budget:
        _gain, q = heapq.heappop(heap)
        gain = len(offered[q] - listed)
        if heap and gain < -heap[0][0]:  # lazy greedy: its gain fell, put it back
            heapq.heappush(heap, (-gain, q))
            continue
        listed |= offered[q]
        used += 1
    return {"budget": budget, "bound": budget * SHOWN, "listed": len(listed), "share": len(listed) / people}


def bench_survey_search(db: Path) -> dict:
    rng = random.Random(7)
    with SQLiteStore(db) as store:
        as_of = store.list_snapshots()[-1].as_of
        spec = RoundSpec("Benchmark", as_of, (QUESTION_BANK["planning"],), opens_on="2026-07-02",
                         closes_on="2099-07-20", privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        tokens = [t for _p, t in open_round(store, round_id)]
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
        roster.search(q, schools[k % len(schools)] if k % 2 else "")
        direct.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as users:
        from webapp import create_app

        app = create_app({"NETMAP_DB": db, "NETMAP_USERS_DB": Path(users) / "users.db", "SECRET_KEY": "bench",
                          "TESTING": True})
        client = app.test_client()
        client.get(f"/survey/{tokens[0]}/people?q=ab")  # the round's roster is built on first use
        web = []
        for k, q in enumerate(queries):
            school = f"&school={schools[k % len(schools)]}" if k % 2 else ""
            started = time.perf_counter()
            response = client.get(f"/survey/{tokens[k % len(tokens)]}/people?q={q}{school}")
            web.append(time.perf_counter() - started)
            assert response.status_code == 200
    with SQLiteStore(db) as store:
        store.delete_round(round_id)
    return {"staff_on_roster": len(roster.entries), "roster_build_s": build_s, "searches": SEARCHES,
            "function": _stats(direct), "web_request": _stats(web), "full_names": bench_full_names(roster),
            "enumeration": bench_enumeration(roster)}
