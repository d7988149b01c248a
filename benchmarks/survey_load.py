"""200 respondents submitting at once against `netmap serve` (waitress) on loopback: each opens their form by
their link (getting the version the form quotes) and submits two names at the same moment as the others; the
latency of the submissions (p50, p95, slowest), errors, and whether every answer was kept (the nominations
stored equal the nominations submitted)."""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.serving import NoRedirect, start_server, wait_until_up
from netmap.store import SQLiteStore
from netmap.survey.questions import QUESTION_BANK
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import create_round, open_round, roster_of

NOTICE = "Purpose: research. Who sees: leads. Kept for a year, then deleted. Contact: dpo@trust.example"


def bench_survey_load(db: Path, users_db: Path, respondents: int = 200) -> dict[str, Any]:
    with SQLiteStore(db) as store:
        as_of = store.list_snapshots()[-1].as_of
        spec = RoundSpec("Load", as_of, (QUESTION_BANK["planning"],), opens_on="2026-07-02", closes_on="2099-07-20",
                         privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        tokens = open_round(store, round_id)[:respondents]
        roster = roster_of(store, spec)
    labels = list(roster.labels.items())
    base, server = start_server(db, users_db)
    try:
        wait_until_up(base)
        ready = threading.Barrier(len(tokens))
        latencies: list[float] = []
        errors: list[str] = []
        submitted = [0]
        lock = threading.Lock()

        def respond(k: int, staff_id: str, token: str) -> None:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(), NoRedirect())
            try:
                html = opener.open(f"{base}/survey/{token}", timeout=60).read().decode()
                version = re.search(r'name="version" value="(\d+)"', html)
                names = [label for person, label in labels[k % len(labels):][:3] if person != staff_id][:2]
                form = urllib.parse.urlencode([("version", version.group(1) if version else ""), ("action", "submit"),
                                               *(("add-planning", n) for n in names)]).encode()
                ready.wait(timeout=120)
                started = time.perf_counter()
                try:
                    opener.open(f"{base}/survey/{token}", data=form, timeout=120).read()
                    raise RuntimeError("the submission was not answered with a redirect")
                except urllib.error.HTTPError as answer:
                    if answer.code != 302:
                        raise
                with lock:
                    latencies.append(time.perf_counter() - started)
                    submitted[0] += len(names)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=respond, args=(k, p, t)) for k, (p, t) in enumerate(tokens)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.terminate()
        server.wait(timeout=30)
    with SQLiteStore(db) as store:
        answers, done = store.read_answers(round_id)
        store.delete_round(round_id)
    ordered = sorted(latencies)
    return {"respondents": len(tokens), "submitted_ok": len(latencies), "errors": len(errors),
            "first_errors": errors[:3], "nominations_submitted": submitted[0], "nominations_stored": len(answers),
            "respondents_stored": len(done),
            "p50_ms": 1000 * statistics.median(ordered) if ordered else None,
            "p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))] if ordered else None,
            "max_ms": 1000 * ordered[-1] if ordered else None}
