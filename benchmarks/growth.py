"""Growth: time and memory against staff count, fitted as power laws, and what 1,000,000 staff would need.

    python -m benchmarks.growth --sizes 3000,6000,12000,24000 --analyse-up-to 12000 --reference /work/main
    python -m benchmarks.growth --sizes 50000 --analyse-up-to 0        # adds a size to the same results
    python -m benchmarks.growth --islands                               # W1 and W2 (separate trusts) analysed
    python -m benchmarks.growth --interleaved 6000 --rounds 3 --reference /work/main  # runs taking turns

One connected trust per size (the generator's one-hub shape, as `--size L1`: 80 staff a school, every school
in one hub, seed 7). On its graph U, each measure runs in a process of its own, its CPU (user + system, its
workers included) and peak RSS read by `os.wait4`: igraph's exact betweenness on one core, netmap's
(`netmap.analysis.centrality.betweenness` on two processes), optionally netmap's from another checkout
(`--reference`, the code before a change), and `netmap analyse` (without the named lists' stability draws,
as the XL runs were measured) at the smaller sizes. The answers are compared (max difference, normalised).
Islands (many trusts side by side) take the recorded W1/W2/XL10/XL results and, with `--islands`, W1 and W2
analysed afresh. Each series is fitted as c * staff^k by least squares on log-log, and projected to 1,000,000
staff. The machine is shared: read the CPU seconds; the load average is kept beside every measure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_OUT = RESULTS / f"{dt.date.today().isoformat()}-growth.json"
STAFF_PER_SCHOOL = 80  # as L1: 12,000 staff in 150 schools
SEED = 7
AS_OF = "2026-07-01"
MILLION = 1_000_000
# Islands recorded earlier (staff in post, CPU seconds of the analysis, peak RSS), each with its file
RECORDED_ISLANDS = [
    {"name": "XL10", "staff": 49_015, "cpu_s": 30.3, "peak_rss_mb": 588.0,
     "source": "results/2026-12-08-XL10-scale.json: analysis.after_b9c05af (read, analyse, write; no stability)"},
    {"name": "XL", "staff": 490_094, "cpu_s": 399.8, "peak_rss_mb": 2792.0,
     "source": "results/2026-12-08-XL-scale.json: netmap_analyse_without_stability.final (d7fb2ca)"},
]


@dataclass(frozen=True)
class PowerLaw:
    """value = coefficient * staff ** exponent, fitted on log-log; `residual` is the root mean square of the
    natural-log residuals (0.1: points lie within about 10 % of the line)."""

    exponent: float
    coefficient: float
    residual: float
    points: int

    def at(self, staff: float) -> float:
        return float(self.coefficient * staff ** self.exponent)


def fit_power_law(sizes: Sequence[float], values: Sequence[float]) -> PowerLaw:
    """Least-squares line through (log size, log value): numpy.polyfit of degree 1. Needs two points or more,
    all positive."""
    size, value = np.asarray(sizes, dtype=float), np.asarray(values, dtype=float)
    if len(size) < 2 or len(size) != len(value) or not (np.all(size > 0) and np.all(value > 0)):
        raise ValueError("a power law needs two or more positive points")
    x, y = np.log(size), np.log(value)
    slope, intercept = np.polyfit(x, y, 1)
    residual = float(np.sqrt(np.mean((y - (slope * x + intercept)) ** 2)))
    return PowerLaw(float(slope), float(np.exp(intercept)), residual, len(x))


def _load() -> str:
    return ", ".join(f"{v:.2f}" for v in os.getloadavg())


def _run(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT, *,
         prints_json: bool = True) -> dict[str, Any]:
    """Run `command` to its end: its CPU (user + system, children it waited for included), wall time, the load
    average before and after, and the JSON it printed (else its output's last line). Not its ru_maxrss: Linux
    carries the spawning process's peak across exec, so each process reports its own (`_peak_mb`)."""
    load_before, start = _load(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=cwd)
    assert process.stdout is not None
    output = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[:4]} failed (exit status {process.returncode})")
    result = json.loads(output) if prints_json else {"output": output.decode().strip().splitlines()[-1:]}
    return {**result, "process_cpu_s": usage.ru_utime + usage.ru_stime, "process_wall_s": time.perf_counter() - start,
            "load_before": load_before, "load_after": _load()}


def _peak_mb() -> float:
    """This process's peak resident memory since it started its program (VmHWM, reset by exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


# `netmap analyse` as a user runs it, writing its peak (VmHWM) to the file named by PEAK_FILE as it exits
ANALYSE = ("import atexit, os, pathlib\n"
           "from benchmarks.growth import _peak_mb\n"
           "atexit.register(lambda: pathlib.Path(os.environ['PEAK_FILE']).write_text(str(_peak_mb())))\n"
           "from netmap.cli import main\n"
           "main()\n")


def _measure(kind: str, edges_file: Path, values_file: Path) -> dict[str, Any]:
    """In a process of its own: one betweenness of the graph in `edges_file` (vertices 0..n-1), its values
    (normalised) saved to `values_file`."""
    import resource

    edges = np.load(edges_file)
    n = int(np.load(edges_file.with_suffix(".n.npy")))

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    if kind == "igraph":
        import igraph as ig

        graph = ig.Graph(n=n, edges=edges.tolist())
        cpu, wall = time.process_time(), time.perf_counter()
        raw = np.asarray(graph.betweenness(directed=False))
        values = raw * 2.0 / ((n - 1) * (n - 2))
    else:
        import networkx as nx

        from netmap.analysis.centrality import betweenness

        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(edges.tolist())
        cpu, wall = time.process_time(), time.perf_counter()
        found = betweenness(G, jobs=2)
        values = np.asarray([found[v] for v in range(n)])
    result = {"cpu_s": time.process_time() - cpu, "workers_cpu_s": children_cpu(), "wall_s": time.perf_counter() - wall,
              "peak_rss_mb": _peak_mb()}
    np.save(values_file, values)
    return result


def _connected_trust(staff: int, work: Path) -> dict[str, Any]:
    """Generate one connected trust of `staff`, load it into a store, and write U's edges (vertex numbers)."""
    import networkx as nx

    from netmap.graphs import build_graphs
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample
    from netmap.store import SQLiteStore

    schools = staff // STAFF_PER_SCHOOL
    generate_sample(work / "trust", schools=schools, staff=staff, seed=SEED, hub_schools=schools)
    dataset = read_trust(work / "trust")[0]
    with SQLiteStore(work / "store.db") as store:
        store.write_snapshot(dataset, AS_OF, source="benchmark")
    U = build_graphs(dataset, AS_OF).undirected
    index = {node: i for i, node in enumerate(U)}
    np.save(work / "edges.npy", np.asarray([(index[a], index[b]) for a, b in U.edges()], dtype=np.int64))
    np.save(work / "edges.n.npy", np.asarray(U.number_of_nodes()))
    largest = max(nx.connected_components(U), key=len)
    return {"schools": schools, "staff_generated": staff, "staff_in_post": U.number_of_nodes(),
            "edges_of_U": U.number_of_edges(), "components": nx.number_connected_components(U),
            "largest_component": len(largest)}


def _betweenness_child(kind: str, work: Path, checkout: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", kind, "--edges", str(work / "edges.npy"),
               "--values", str(work / f"{kind}-{checkout.name}.npy")]
    return _run(command, env, cwd=checkout)  # the working folder comes first on a worker's path (python -m)


def _analyse_child(store: Path, work: Path) -> dict[str, Any]:
    """`netmap analyse` as a user runs it, without the named lists' stability draws (as XL was measured)."""
    home = Path(tempfile.mkdtemp(prefix="growth-home-", dir=work))
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"), "PYTHONPATH": str(ROOT),
           "PEAK_FILE": str(home / "peak")}
    result = _run([sys.executable, "-c", ANALYSE, "analyse", "--db", str(store), "--out", str(work / "analysis"),
                   "--set", "stability_draws=0"], env, prints_json=False)
    return {**result, "peak_rss_mb": float((home / "peak").read_text())}


def measure_connected(staff: int, analyse: bool, reference: Path | None) -> dict[str, Any]:
    """Every measure of one connected trust of `staff`, each in its own process."""
    with tempfile.TemporaryDirectory(prefix="netmap-growth-") as tmp:
        work = Path(tmp)
        result: dict[str, Any] = {"trust": _connected_trust(staff, work)}
        result["igraph"] = _betweenness_child("igraph", work, ROOT)
        result["netmap"] = _betweenness_child("netmap", work, ROOT)
        if reference is not None:
            result["netmap_reference"] = {**_betweenness_child("netmap", work, reference), "checkout": str(reference)}
        ours = np.load(work / f"netmap-{ROOT.name}.npy")
        result["max_difference_netmap_igraph"] = float(np.max(np.abs(ours - np.load(work / f"igraph-{ROOT.name}.npy"))))
        if reference is not None:
            theirs = np.load(work / f"netmap-{reference.name}.npy")
            result["max_difference_netmap_reference"] = float(np.max(np.abs(ours - theirs)))
        if analyse:
            result["analyse"] = _analyse_child(work / "store.db", work)
    split = result["netmap"]
    half = result["igraph"]["cpu_s"] / 2
    result["two_core_limit"] = {
        "igraph_cpu_half_s": half,
        "netmap_cpu_s": split["cpu_s"] + split["workers_cpu_s"],
        "busiest_process_cpu_s": max(split["cpu_s"], split["workers_cpu_s"]),
        "busiest_process_over_limit": max(split["cpu_s"], split["workers_cpu_s"]) / half,
        "wall_over_igraph_wall": split["wall_s"] / result["igraph"]["wall_s"]}
    return result


def measure_interleaved(staff: int, rounds: int, reference: Path | None) -> dict[str, Any]:
    """igraph's betweenness, netmap's and (with `reference`) the other checkout's taking turns `rounds` times on
    one trust: under a changing load, turns side by side compare better than one run each."""
    with tempfile.TemporaryDirectory(prefix="netmap-growth-") as tmp:
        work = Path(tmp)
        trust = _connected_trust(staff, work)
        kinds = [("igraph", "igraph", ROOT), ("netmap", "netmap", ROOT)]
        if reference is not None:
            kinds.append(("netmap_reference", "netmap", reference))
        turns = [{"measure": name, **_betweenness_child(kind, work, checkout)}
                 for _ in range(rounds) for name, kind, checkout in kinds]
    return {"trust": trust, "rounds": rounds, "reference": str(reference), "turns": turns}


def measure_islands(name: str, schools: int, staff: int) -> dict[str, Any]:
    """W1 (one 25-school trust) or W2 (six side by side), loaded and analysed as `_analyse_child` does."""
    from netmap.ingest.validate import read_trust
    from netmap.sample.generator import generate_sample
    from netmap.store import SQLiteStore

    with tempfile.TemporaryDirectory(prefix="netmap-growth-") as tmp:
        work = Path(tmp)
        generate_sample(work / "trust", schools=schools, staff=staff, seed=SEED)
        dataset = read_trust(work / "trust")[0]
        with SQLiteStore(work / "store.db") as store:
            store.write_snapshot(dataset, AS_OF, source="benchmark")
        from netmap.graphs import active_staff

        in_post = len(active_staff(dataset, AS_OF))
        analysed = _analyse_child(work / "store.db", work)
    return {"name": name, "staff": in_post, "cpu_s": analysed["process_cpu_s"],
            "peak_rss_mb": analysed["peak_rss_mb"], "analyse": analysed,
            "source": "this file, `netmap analyse --set stability_draws=0` on a fresh store"}


def fits(results: dict[str, Any]) -> dict[str, Any]:
    """Power laws of each series against staff in post, and their values at 1,000,000 staff."""
    rows = sorted(results["connected"].values(), key=lambda r: r["trust"]["staff_in_post"])
    series: dict[str, list[tuple[float, float]]] = {
        "igraph_betweenness_cpu_s": [(r["trust"]["staff_in_post"], r["igraph"]["cpu_s"]) for r in rows],
        "netmap_betweenness_cpu_s": [(r["trust"]["staff_in_post"], r["two_core_limit"]["netmap_cpu_s"]) for r in rows],
        "netmap_betweenness_peak_rss_mb": [(r["trust"]["staff_in_post"], r["netmap"]["peak_rss_mb"])
                                           for r in rows],
        "analyse_cpu_s": [(r["trust"]["staff_in_post"], r["analyse"]["process_cpu_s"]) for r in rows if "analyse" in r],
        "analyse_peak_rss_mb": [(r["trust"]["staff_in_post"], r["analyse"]["peak_rss_mb"])
                                for r in rows if "analyse" in r]}
    islands = sorted(results.get("islands", []) + RECORDED_ISLANDS, key=lambda r: r["staff"])
    series["islands_analyse_cpu_s"] = [(r["staff"], r["cpu_s"]) for r in islands]
    series["islands_analyse_peak_rss_mb"] = [(r["staff"], r["peak_rss_mb"]) for r in islands]
    fitted = {}
    for name, points in series.items():
        if len(points) >= 2:
            sizes, values = zip(*points, strict=True)
            law = fit_power_law(sizes, values)
            fitted[name] = {**asdict(law), "sizes": list(sizes), "values": list(values), "at_1m": law.at(MILLION)}
            if name.endswith("_mb"):  # memory is a fixed base (interpreter, imports) plus a share per person
                per_staff, base = np.polyfit(sizes, values, 1)
                fitted[name]["affine"] = {"base_mb": float(base), "per_1000_staff_mb": float(per_staff * 1000),
                                          "at_1m": float(base + per_staff * MILLION)}
    return fitted


def _machine() -> dict[str, Any]:
    import igraph

    return {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
            "igraph": igraph.__version__, "nice": os.nice(0),
            "commit": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                     text=True, check=False).stdout.strip()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.growth", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="staff counts of the connected trusts, comma-separated")
    parser.add_argument("--analyse-up-to", type=int, default=12_000, help="run `netmap analyse` up to this size")
    parser.add_argument("--reference", type=Path, help="another checkout whose betweenness to measure beside")
    parser.add_argument("--islands", action="store_true", help="analyse W1 and W2 afresh for the islands' fit")
    parser.add_argument("--interleaved", type=int, help="a size whose betweenness runs take turns (--rounds)")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each betweenness with --interleaved")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON, added to if it exists")
    parser.add_argument("--measure", choices=("igraph", "netmap"), help=argparse.SUPPRESS)
    parser.add_argument("--edges", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--values", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:  # a child: one measure, its JSON on stdout
        print(json.dumps(_measure(args.measure, args.edges, args.values)))
        return
    results: dict[str, Any] = json.loads(args.out.read_text()) if args.out.exists() else {"connected": {}}
    results.setdefault("runs", []).append({"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                                           "machine": _machine(), "argv": sys.argv[1:]})
    for staff in [int(s) for s in args.sizes.split(",") if s]:
        results["connected"][str(staff)] = {**measure_connected(staff, staff <= args.analyse_up_to, args.reference),
                                            "commit": _machine()["commit"]}
        print(json.dumps({staff: results["connected"][str(staff)]["two_core_limit"]}), file=sys.stderr)
        results["fits"] = fits(results)
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    if args.interleaved:
        turns = measure_interleaved(args.interleaved, args.rounds, args.reference)
        results.setdefault("interleaved", {})[str(args.interleaved)] = turns
    if args.islands:
        results["islands"] = [measure_islands("W1", 24, 2_000), measure_islands("W2", 150, 12_000)]
    results["fits"] = fits(results)
    args.out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
