"""The web app's first pages on a store already loaded (its analysis kept), in a fresh process: how long a
person waits after `netmap serve` starts, then the first staff map of one school (the store's last), that school's
page, one of its people's page and map, then a key-person-risk school's and an isolated school's pages (their
secondment planner) and the secondments page for that school.
python -m benchmarks.first_request --db STORE --out RESULT.json"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.runner import _machine, bench_app

PAGES = ("/", "/", "/schools/", "/groups/", "/staff/?sort=betweenness")
AROUND = ("/map/data?view=staff&school={school}", "/map/data?view=staff&school={school}", "/schools/{school}",
          "/staff/{person}", "/map/data?view=staff&person={person}")  # a school's staff map first, then again


def measure(db: Path) -> dict[str, Any]:
    _, client = bench_app(db, Path(tempfile.mkdtemp()) / "users.db")
    from netmap.graphs import staff_in_post
    from netmap.store import SQLiteStore

    with SQLiteStore(db) as store:
        info = store.snapshot(None)
        staff = staff_in_post(store.read_table(info.snapshot_id, "staff"), info.as_of)
    school, person = str(staff["school_id"].iloc[-1]), str(staff["staff_id"].iloc[-1])  # the last one in post
    timings: list[dict[str, Any]] = []

    def timed_get(path: str) -> str:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append({"page": path, "status": response.status_code, "seconds": time.perf_counter() - start,
                        "cpu_seconds": time.process_time() - cpu})
        return response.get_data(as_text=True)

    for path in [*PAGES, *(page.format(school=school, person=person) for page in AROUND)]:
        timed_get(path)
    schools = list(csv.DictReader(io.StringIO(timed_get("/schools/?format=csv"))))
    for flag in ("is_key_person_risk", "is_isolated"):  # the pages that use the secondment planner
        chosen = [r["school_id"] for r in schools if r[flag] == "True" and r["school_id"] != school]
        if chosen:
            timed_get(f"/schools/{chosen[-1]}")
    if chosen:  # the secondments page's candidates for the isolated school (its own and the central team's list)
        timed_get(f"/secondments/?school={chosen[-1]}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent, check=False).stdout.strip()
    return {"db": str(db), "commit": commit, "machine": _machine(), "pages": timings,
            "first_request_s": timings[0]["seconds"],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "load_average": os.getloadavg()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = measure(args.db)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
