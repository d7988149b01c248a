"""Analyse a store's latest snapshot in this process and write every output (the five CSVs, summary.json and,
with --stability, stability.csv), printing the CPU seconds, peak memory and the netmap it ran: run it from the
root of two checkouts (copied into an older one) and `diff -r` the two folders to check a change keeps every
number. python -m benchmarks.analysis_outputs --db STORE --out DIR [--stability] [--batch-staff N] [--workers N]"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--stability", action="store_true", help="Add the named lists' stability, as netmap keeps it.")
    parser.add_argument("--batch-staff", type=int, default=None,
                        help="Staff per batch (default BATCH_STAFF, shared by the workers).")
    parser.add_argument("--workers", type=int, default=None,
                        help="Worker processes for the batches (default: this process's cores; 1: none).")
    args = parser.parse_args()
    import netmap
    from netmap.analysis import analyse_snapshot, sensitivity
    from netmap.analysis.engine import write_analysis
    from netmap.analysis.options import AnalysisOptions
    from netmap.graphs import in_trust
    from netmap.store import SQLiteStore

    with SQLiteStore(args.db) as store:
        info = store.snapshot(None)
        dataset = in_trust(store.read_dataset(info.snapshot_id), info.as_of)
    options = AnalysisOptions()
    start = time.process_time()
    chosen = {"batch_staff": args.batch_staff} if args.batch_staff else {}
    chosen |= {"workers": args.workers} if args.workers else {}  # a checkout before 2026-12-08's third steps: none
    analysis = analyse_snapshot(dataset, info.as_of, options, **chosen)
    if args.stability and hasattr(sensitivity, "with_stability_of"):
        analysis = sensitivity.with_stability_of(analysis, dataset, info.as_of, options)
    elif args.stability:  # a checkout from before 2026-12-08: over the whole snapshot's graphs
        from netmap.graphs import build_graphs

        graphs = build_graphs(dataset, info.as_of, options.tie_window_days)
        analysis = sensitivity.with_stability(analysis, graphs, options)
    cpu = time.process_time() - start
    write_analysis(analysis, args.out)
    if analysis.stability is not None:
        analysis.stability.to_csv(args.out / "stability.csv", index=False, lineterminator="\n")
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"snapshot": info.snapshot_id, "netmap": str(Path(netmap.__file__).parent), "cpu_s": cpu,
                      "workers_cpu_s": workers.ru_utime + workers.ru_stime,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "workers_peak_rss_mb": workers.ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
