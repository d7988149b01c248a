"""Names at fit for a page's box (issue 29, item 1): on generated trusts of 5, 25, 60 and 150 schools (20 staff a
school, seed = schools, as tests/test_browser_labels.py makes them), the school map's names placed for a desktop
box and a phone's, with the map as laid out and turned a quarter turn (netmap.layout.screen), to measure which
draws more names at fit on a phone; and the server's CPU time to place the names for a box
(netmap.layout.labels.screen_places), on the school map and the largest school's staff map.

    python -m benchmarks.names_at_fit --out benchmarks/results/DATE-names-at-fit.json

CPU time (time.process_time), not wall time: the benchmark machine is shared; the load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.runner import _machine, bench_app

BOXES = {"desktop": (1233, 598), "phone": (343, 598)}  # the map's box in Chromium at 1280x800 and 390x844


def _client(work: Path, schools: int) -> Any:
    """A logged-in test client over a generated trust of `schools` schools, analysed."""
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample
    from netmap.store import SQLiteStore

    generate_sample(work / "trust", schools=schools, staff=20 * schools, seed=schools)
    with SQLiteStore(work / "store.db") as store:
        store.write_snapshot(read_trust(work / "trust")[0], "2026-07-01", source="bench")
    _, client = bench_app(work / "store.db", work / "users.db")
    while client.get("/map/data").status_code == 503:  # analysed in the background
        time.sleep(0.5)
    return client


def _at_fit(nodes: list[dict], box: tuple[int, int]) -> dict[str, Any]:
    """The names a fit on `box` shows when placed for it, and the CPU seconds placing them took."""
    from netmap.layout.labels import screen_places
    from netmap.layout.screen import guaranteed_names

    started = time.process_time()
    places, fit = screen_places(nodes, *box)
    cpu = time.process_time() - started
    shown = [p for p in places.values() if p["at"] is not None and p["at"] <= fit.scale]
    best = [p for p in places.values() if p.get("rank", len(places)) < guaranteed_names(box[0])]
    return {"scale at fit": round(fit.scale, 4), "names at fit": len(shown),
            "guaranteed named": sum(1 for p in best if p["at"] is not None and p["at"] <= fit.scale),
            "guaranteed": len(best), "set apart": sum(1 for p in shown if "leader" in p), "cpu_s": round(cpu, 3)}


def run(out: Path | None) -> dict:
    """Every trust, map, box and orientation."""
    from netmap.layout.screen import quarter_turned

    results: dict[str, Any] = {"what": __doc__.split("\n\n")[0], "machine": _machine(),
                               "load_before": os.getloadavg()[0], "trusts": {}}
    for schools in (5, 25, 60, 150):
        with tempfile.TemporaryDirectory() as work:
            client = _client(Path(work), schools)
            school_map = client.get("/map/data?view=schools").get_json()
            biggest = max((n for n in school_map["nodes"] if n.get("shape") != "text"),
                          key=lambda n: (n["size"], n["id"]))["id"]
            staff_map = client.get(f"/map/data?view=staff&school={biggest}").get_json()
            found: dict[str, Any] = {}
            maps = {"school map": school_map["nodes"], "biggest school's staff map": staff_map["nodes"]}
            for name, nodes in maps.items():
                for screen, box in BOXES.items():
                    found[f"{name}, {screen}"] = {"as laid": _at_fit(nodes, box),
                                                  "turned": _at_fit(quarter_turned(nodes), box)}
            results["trusts"][f"{schools} schools"] = found
    results["load_after"] = os.getloadavg()[0]
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path)
    print(json.dumps(run(parser.parse_args().out), indent=2))


if __name__ == "__main__":
    main()
