"""Closing a round while its respondents submit: `netmap serve` (waitress) on loopback, N respondents each open
their form by their link, then submit at moments spread evenly over `spread_s`; once a tenth of them have been
acknowledged (so the close falls among the submissions, on a fast machine or a slow one), the round is closed
(netmap.survey.service.close_round, in this process, on the same store). Every submission must either be
acknowledged (the form's redirect) and be in the closed round's snapshot, or be refused with "this survey round
has closed": acknowledged == respondents in the snapshot, none lost, none added. Closing again must give the
same snapshot ("unchanged", the same content hash). Also the latencies seen and how long closing took."""

from __future__ import annotations

import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks.serving import NoRedirect, start_server, wait_until_up
from netmap.config import read_settings
from netmap.store import GraphStore, open_store
from netmap.survey.questions import QUESTION_BANK
from netmap.survey.rounds import RoundSpec
from netmap.survey.service import close_round, create_round, open_round, roster_of

NOTICE = "Purpose: research. Who sees: leads. Kept for a year, then deleted. Contact: dpo@trust.example"
CLOSES_ON = "2099-07-20"  # the date the round's snapshot takes: never one a trust's own snapshots have


def _respond(base: str, token: str, names: list[str], ready: threading.Barrier, delay_s: float
             ) -> tuple[str, float, float, str]:
    """Open the form, wait for everyone, wait `delay_s`, submit; (outcome, sent, answered, detail) with outcome
    acknowledged, closed (refused as closed) or error; times from time.perf_counter()."""
    opener = urllib.request.build_opener(NoRedirect())  # no cookie jar: the link alone is the key
    html = opener.open(f"{base}/survey/{token}", timeout=120).read().decode()
    version = re.search(r'name="version" value="(\d+)"', html)
    form = urllib.parse.urlencode([("version", version.group(1) if version else ""), ("action", "submit"),
                                   *(("add-planning", n) for n in names)]).encode()
    ready.wait(timeout=300)
    time.sleep(delay_s)
    sent = time.perf_counter()
    try:
        opener.open(f"{base}/survey/{token}", data=form, timeout=120).read()
        return "error", sent, time.perf_counter(), "answered without a redirect"
    except urllib.error.HTTPError as answer:
        body = answer.read().decode(errors="replace")
        done = time.perf_counter()
        if answer.code == 302:
            return "acknowledged", sent, done, ""
        if answer.code == 410 and "This survey round has closed" in body:
            return "closed", sent, done, ""
        return "error", sent, done, f"HTTP {answer.code}"


def bench_close_race(db: Path, users_db: Path, respondents: int = 200, *, spread_s: float = 2.0,
                     neo4j_uri: str | None = None) -> dict[str, Any]:
    """Run the race on the latest snapshot of the store at `db` (or the Neo4j at `neo4j_uri`); the round and its
    snapshot are removed after."""
    def opened() -> GraphStore:
        return open_store(read_settings(), db=db, store_uri=neo4j_uri)

    with opened() as store:
        as_of = store.list_snapshots()[-1].as_of
        spec = RoundSpec("Close race", as_of, (QUESTION_BANK["planning"],), opens_on=as_of, closes_on=CLOSES_ON,
                         privacy_notice=NOTICE)
        round_id = create_round(store, spec)
        tokens = open_round(store, round_id)[:respondents]
        labels = list(roster_of(store, spec).labels.items())
    base, server = start_server(db, users_db, neo4j_uri)
    outcomes: dict[str, tuple[str, float, float, str]] = {}
    try:
        wait_until_up(base)
        ready = threading.Barrier(len(tokens) + 1)
        close_now, enough = threading.Event(), max(1, len(tokens) // 10)

        def run(k: int, staff_id: str, token: str) -> None:
            names = [label for person, label in labels[k % len(labels):][:3] if person != staff_id][:2]
            try:
                outcomes[staff_id] = _respond(base, token, names, ready, spread_s * k / len(tokens))
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                outcomes[staff_id] = ("error", 0.0, 0.0, f"{type(exc).__name__}: {exc}")
            if sum(1 for outcome, *_rest in list(outcomes.values()) if outcome == "acknowledged") >= enough:
                close_now.set()

        threads = [threading.Thread(target=run, args=(k, p, t)) for k, (p, t) in enumerate(tokens)]
        for thread in threads:
            thread.start()
        ready.wait(timeout=300)
        started = time.perf_counter()
        close_now.wait(timeout=300)
        closing = time.perf_counter()
        with opened() as store:
            first = close_round(store, round_id)
            closed = time.perf_counter()
            for thread in threads:
                thread.join(timeout=300)
            again = close_round(store, round_id)
            snapshot = store.read_dataset(CLOSES_ON)
            store.delete_round(round_id)
            store.delete_snapshot(CLOSES_ON)
    finally:
        server.terminate()
        server.wait(timeout=30)
    responded = set(snapshot.respondents.loc[snapshot.respondents["responded_on"].notna(), "staff_id"])
    acknowledged = {p for p, (outcome, *_rest) in outcomes.items() if outcome == "acknowledged"}
    refused = {p for p, (outcome, *_rest) in outcomes.items() if outcome == "closed"}
    errors = [detail for outcome, _s, _d, detail in outcomes.values() if outcome == "error"]
    latencies = sorted(done - sent for outcome, sent, done, _d in outcomes.values() if outcome != "error")
    return {
        "respondents": len(tokens), "acknowledged": len(acknowledged), "refused_closed": len(refused),
        "errors": len(errors), "first_errors": errors[:3],
        "acknowledged_not_in_snapshot": sorted(acknowledged - responded),
        "in_snapshot_not_acknowledged": sorted(responded - acknowledged),
        "acknowledged_after_close_began": sum(1 for p in acknowledged if outcomes[p][2] > closing),
        "sent_after_close_began": sum(1 for _o, sent, _d, _x in outcomes.values() if sent > closing),
        "close_began_s": closing - started, "close_s": closed - closing,
        "first_close": first.status, "second_close": again.status,
        "same_snapshot": first.snapshot.content_hash == again.snapshot.content_hash,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else None,
        "max_ms": 1000 * latencies[-1] if latencies else None,
    }


def main(argv: list[str] | None = None) -> None:
    """python -m benchmarks.survey_close_race [--size XS|S|L] [--runs 3] [--neo4j]: a generated trust (seed 7, as
    the runner's), the race run `--runs` times on SQLite (or a live Neo4j, benchmarks/neo4j_server.py), results
    to benchmarks/results/DATE-SIZE-close-race[-neo4j].json."""
    import argparse
    import contextlib
    import datetime as dt
    import json
    import tempfile

    from benchmarks.neo4j_server import neo4j_server
    from benchmarks.runner import SEED, SIZES, _machine
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=list(SIZES), default="XS")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--neo4j", action="store_true", help="on a live Neo4j instead of SQLite")
    args = parser.parse_args(argv)
    schools, staff = SIZES[args.size]
    with tempfile.TemporaryDirectory() as folder, (neo4j_server() if args.neo4j else contextlib.nullcontext()
                                                   ) as uri:
        work = Path(folder)
        generate_sample(work / "trust", schools=schools, staff=staff, seed=SEED)
        with open_store(read_settings(), db=work / "bench.db", store_uri=uri) as store:
            store.write_snapshot(read_trust(work / "trust")[0], "2026-09-01", source="generated")
        try:
            runs = [bench_close_race(work / "bench.db", work / "users.db", neo4j_uri=uri) for _run in range(args.runs)]
        finally:
            with open_store(read_settings(), db=work / "bench.db", store_uri=uri) as store:
                store.delete_snapshot("2026-09-01")
    store_name = "neo4j" if args.neo4j else "sqlite"
    results = {"size": args.size, "schools": schools, "staff": staff, "seed": SEED,
               "date": dt.date.today().isoformat(), "machine": _machine(), "store": store_name, "runs": runs}
    suffix = "-neo4j" if args.neo4j else ""
    out = Path(__file__).parent / "results" / f"{results['date']}-{args.size}-close-race{suffix}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(runs, indent=2))


if __name__ == "__main__":
    main()
