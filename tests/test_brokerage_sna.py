"""netmap's five Gould-Fernandez counts equal R's sna::brokerage on the flow graph of the sample trust.

R is an independent implementation (Butts' sna); the test is skipped, with the reason, where R or sna is
missing. .ci/run installs r-cran-sna from Debian, so in CI it runs.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from netmap.analysis import analyse
from netmap.analysis.brokerage import ROLES
from netmap.graphs import build_graphs
from netmap.ingest.validate import read_trust
from tests.conftest import REPO

# sna's raw.nli columns, in the order of netmap's ROLES (coordinator, consultant = itinerant, representative,
# gatekeeper, liaison).
SNA_COLUMNS = ("w_I", "w_O", "b_IO", "b_OI", "b_O")
R_SCRIPT = """
suppressPackageStartupMessages(library(sna))
args <- commandArgs(trailingOnly = TRUE)
nodes <- read.csv(args[1], stringsAsFactors = FALSE, colClasses = "character")
edges <- read.csv(args[2], stringsAsFactors = FALSE, colClasses = "character")
n <- nrow(nodes)
g <- matrix(0, n, n)
g[cbind(match(edges$source, nodes$staff_id), match(edges$target, nodes$staff_id))] <- 1
b <- brokerage(g, as.integer(factor(nodes$school_id)))
write.csv(data.frame(staff_id = nodes$staff_id, b$raw.nli[, c("w_I", "w_O", "b_IO", "b_OI", "b_O")]), args[3],
          row.names = FALSE)
"""


def _have_sna() -> str | None:
    if shutil.which("Rscript") is None:
        return "R is not installed (apt-get install r-cran-sna; .ci/run does)"
    found = subprocess.run(["Rscript", "-e", "library(sna)"], capture_output=True, text=True)
    return None if found.returncode == 0 else "R's sna package is not installed (apt-get install r-cran-sna)"


@pytest.mark.slow
@pytest.mark.skipif(_have_sna() is not None, reason=_have_sna() or "")
def test_brokerage_equals_r_sna_on_the_flow_graph_of_the_sample(tmp_path: Path) -> None:
    dataset, _ = read_trust(REPO / "data" / "samples" / "trust")
    graphs = build_graphs(dataset, "2026-07-01")
    flow = graphs.flow
    nodes = pd.DataFrame({"staff_id": list(flow), "school_id": [flow.nodes[v]["school_id"] for v in flow]})
    edges = pd.DataFrame(list(flow.edges()), columns=["source", "target"])
    nodes.to_csv(tmp_path / "nodes.csv", index=False)
    edges.to_csv(tmp_path / "edges.csv", index=False)
    (tmp_path / "brokerage.R").write_text(R_SCRIPT, encoding="utf-8")
    subprocess.run(["Rscript", str(tmp_path / "brokerage.R"), str(tmp_path / "nodes.csv"),
                    str(tmp_path / "edges.csv"), str(tmp_path / "sna.csv")], check=True, timeout=600)
    sna = pd.read_csv(tmp_path / "sna.csv", dtype={"staff_id": str}).set_index("staff_id")
    ours = analyse(graphs).staff.set_index("staff_id")
    assert len(sna) == len(ours) == 2000 - int((dataset.staff["left_on"].fillna("9999") <= "2026-07-01").sum())
    for role, column in zip(ROLES, SNA_COLUMNS, strict=True):
        assert (ours.loc[sna.index, f"broker_{role}"].to_numpy() == sna[column].to_numpy()).all(), role
    assert ours["broker_representative"].sum() > 0 and ours["broker_gatekeeper"].sum() > 0
