"""The research measures (issue 31) on the sample trust: seconds for each, and for the whole analysis with and
without the permutation tests, so the cost of the stated number of permutations is on record.

python -m benchmarks.measures [--out RESULT.json]

Best of three runs each, on the sample trust (data/samples/trust) as of 2026-07-01; every result carries the
machine's core count and load, since the machine may be shared.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netmap.analysis import AnalysisOptions, analyse
from netmap.analysis.cohesion import school_cohesion
from netmap.analysis.key_players import fragmenting_players, reaching_players
from netmap.analysis.mixing import ei_index_tests
from netmap.analysis.qap import person_qap, school_qap
from netmap.analysis.wiring import wiring_table
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-07-01"
REPEATS = 3


def best(work: Callable[[], Any]) -> tuple[float, Any]:
    """The shortest of REPEATS runs of `work`, in seconds, and its result."""
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def run() -> dict[str, Any]:
    """Every measurement, as the result file holds it."""
    dataset, _ = read_trust(REPO / "data" / "samples" / "trust")
    graphs = build_graphs(dataset, AS_OF)
    U, school_of = graphs.undirected, graphs.school_of
    wiring = wiring_table(U, graphs.hard, school_of)
    staffed = sorted(set(school_of.values()))
    out: dict[str, Any] = {"trust": {"staff_in_post": len(U), "ties": U.number_of_edges(), "schools": len(staffed)},
                           "as_of": AS_OF, "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()},
                           "seconds": {}}
    seconds = out["seconds"]
    seconds["school_cohesion"], _ = best(lambda: school_cohesion(graphs.soft, U, school_of))
    for permutations in (99, 999, 4999):
        seconds[f"ei_index_tests_{permutations}"], _ = best(lambda p=permutations: ei_index_tests(U, school_of, p))
        seconds[f"person_qap_{permutations}"], people = best(lambda p=permutations: person_qap(U, graphs.hard, p))
        seconds[f"school_qap_{permutations}"], schools = best(lambda p=permutations: school_qap(wiring, staffed, p))
        out[f"qap_{permutations}"] = {"people": dataclasses.asdict(people), "schools": dataclasses.asdict(schools)}
    seconds["key_players_fragmenting_k3"], leave = best(lambda: fragmenting_players(U, 3))
    seconds["key_players_reaching_k3"], reach = best(lambda: reaching_players(U, 3))
    out["key_players_k3"] = {"fragmenting": {"exact": leave.exact, "score": leave.score, "baseline": leave.baseline},
                             "reaching": {"exact": reach.exact, "reached": reach.score}}
    seconds["analyse_permutations_999"], _ = best(lambda: analyse(graphs, AnalysisOptions()))
    seconds["analyse_permutations_1"], _ = best(lambda: analyse(graphs, AnalysisOptions(permutations=1)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" /
                        f"{time.strftime('%Y-%m-%d')}-sample-measures.json")
    args = parser.parse_args()
    results = run()
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results["seconds"], indent=2))


if __name__ == "__main__":
    main()
