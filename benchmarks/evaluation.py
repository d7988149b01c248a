"""Intervention evaluation and the sensitivity of named lists (issue 31 items 6 and 5) on the sample trust:
seconds for each, best of three, with the machine's core count and load since the machine may be shared.

python -m benchmarks.evaluation [--out RESULT.json]

Evaluation: joining ORACY (24 members joined on 2026-01-12) between the sample as of 2025-11-01 and 2026-07-01,
with 2,000 permutations and bootstrap resamples. Sensitivity: 20 draws, each dropping 10 % of those who named
a colleague, on the sample as of 2026-07-01, against one whole analysis of the same snapshot.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from benchmarks.measures import best
from netmap.analysis import analyse
from netmap.analysis.evaluation import Intervention, evaluate
from netmap.analysis.sensitivity import list_stability
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust

REPO = Path(__file__).resolve().parent.parent
BEFORE, AFTER = "2025-11-01", "2026-07-01"


def run() -> dict[str, Any]:
    """Every measurement, as the result file holds it."""
    dataset, _ = read_trust(REPO / "data" / "samples" / "trust")
    before, after = build_graphs(dataset, BEFORE), build_graphs(dataset, AFTER)
    seconds: dict[str, float] = {}
    seconds["evaluate_2000"], result = best(lambda: evaluate(before, after, Intervention("group", "ORACY"),
                                                             permutations=2000))
    seconds["list_stability_20_draws"], stability = best(lambda: list_stability(after, draws=20))
    seconds["analyse_whole"], _ = best(lambda: analyse(after))
    return {"trust": {"staff_in_post": len(after.undirected), "ties": after.undirected.number_of_edges()},
            "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()}, "seconds": seconds,
            "evaluation": {k: v for k, v in result.table().iloc[0].items()},
            "stability": {name: {"people": len(people), "mean_share_named": stability.list_share(name)}
                          for name, people in stability.named.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None)
    found = json.dumps(run(), indent=2, default=str)
    args = parser.parse_args()
    if args.out:
        args.out.write_text(found + "\n", encoding="utf-8")
    print(found)


if __name__ == "__main__":
    main()
