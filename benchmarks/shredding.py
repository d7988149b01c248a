"""What crypto-shredding costs a Neo4j load and read: sealing and opening every person row of the sample trust
(netmap.store.shredding), without a server.

    python -m benchmarks.shredding --out benchmarks/results/DATE-shredding.json [--runs 5]

The best CPU time of `--runs` is kept for each of: sealing with the keys made (a first load), sealing again (a
later load), and opening (a read). The Neo4j load itself is measured by the suite (benchmarks/runner.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from netmap.contract import table_spec
from netmap.ingest.validate import read_trust
from netmap.store.keyfile import KeyFile
from netmap.store.records import table_rows
from netmap.store.shredding import TABLE_RULES, Shredder

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "trust"


def _timed(shredder: Shredder, tables: dict[str, list[dict[str, Any]]], *, opening: bool
           ) -> tuple[float, dict[str, list[dict[str, Any]]]]:
    """CPU seconds to seal (or open) every table, and the tables sealed (or opened)."""
    start = time.process_time()
    done = {n: (shredder.open_rows if opening else shredder.seal_rows)(TABLE_RULES[n], rows)
            for n, rows in tables.items()}
    return time.process_time() - start, done


def measure(runs: int) -> dict[str, Any]:
    """The best CPU seconds of each step over `runs` runs, with the rows and people they covered."""
    dataset = read_trust(SAMPLE)[0]
    tables = {name: [dict(zip(("row_no", *table_spec(name).column_names, "attributes"), row, strict=True))
                     for row in table_rows(name, dataset.table(name), dataset.extra_columns(name))]
              for name in TABLE_RULES}
    best: dict[str, float] = {}
    for _run in range(runs):
        with tempfile.TemporaryDirectory() as folder:
            shredder = Shredder(KeyFile.create(Path(folder) / "keys.db"))
            steps = {}
            steps["seal_first_s"], sealed = _timed(shredder, tables, opening=False)
            steps["seal_again_s"], sealed = _timed(shredder, tables, opening=False)
            steps["open_s"], opened = _timed(shredder, sealed, opening=True)
            assert opened == tables
            shredder.keys.close()
        best = {k: round(min(v, best.get(k, v)), 3) for k, v in steps.items()}
    return {"machine": {"platform": platform.platform(), "python": platform.python_version(),
                        "cpus": os.cpu_count(), "load_average": list(os.getloadavg())},
            "runs": runs, "rows": sum(map(len, tables.values())), "people": len(dataset.staff), "best_cpu": best}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    results = measure(args.runs)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
