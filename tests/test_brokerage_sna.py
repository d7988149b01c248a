"""netmap's five Gould-Fernandez counts equal R's sna::brokerage on the flow graph of the sample trust, which R
builds itself from the trust's CSV files.

R is an independent implementation (Butts' sna), and so is its reading of the files: the R script below takes
staff in post, schools in the trust, secondments under way, the tie window and each kind's direction from the
CSV files and docs/data-format.md, using nothing of netmap's. So a wrong direction in netmap (advice read as
flowing from the asker) makes the counts differ; a test proves it by flipping netmap's directions. The tests
are skipped, with the reason, where R or sna is missing. .ci/run installs r-cran-sna from Debian, so in CI
they run.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping

import pandas as pd
import pytest

import netmap.graphs
from netmap.analysis import analyse
from netmap.analysis.brokerage import ROLES, brokerage_roles
from netmap.dataset import Dataset
from netmap.graphs import DEFAULT_TIE_WINDOW_DAYS, build_graphs
from netmap.ingest.validate import read_trust
from tests.trusts import SAMPLE

AS_OF = "2026-07-01"
# sna's raw.nli columns, in the order of netmap's ROLES (coordinator, consultant = itinerant, representative,
# gatekeeper, liaison).
SNA_COLUMNS = ("w_I", "w_O", "b_IO", "b_OI", "b_O")
R_SCRIPT = """
suppressPackageStartupMessages(library(sna))
args <- commandArgs(trailingOnly = TRUE)  # the trust's folder, the snapshot date, the tie window in days, output
as_of <- as.Date(args[2])
window <- as.integer(args[3])
read <- function(name) read.csv(file.path(args[1], paste0(name, ".csv")), stringsAsFactors = FALSE,
                                colClasses = "character", na.strings = "")
by_then <- function(x) is.na(x) | as.Date(x) <= as_of  # blank or on/before the date
after <- function(x) is.na(x) | as.Date(x) > as_of  # blank or after the date
schools <- read("schools")
staff <- read("staff")
ties <- read("collaborations")
seconded <- read("secondments")
joined <- schools$school_id[by_then(schools$joined_on)]
staff <- staff[by_then(staff$started_on) & after(staff$left_on) & staff$school_id %in% joined, ]
ids <- staff$staff_id
works_at <- setNames(staff$school_id, ids)
seconded <- seconded[by_then(seconded$starts_on) & after(seconded$ends_on) & seconded$staff_id %in% ids &
                     seconded$to_school_id %in% joined, ]
seconded <- seconded[order(seconded$starts_on), ]  # the latest started secondment wins
works_at[seconded$staff_id] <- seconded$to_school_id
seen <- as.Date(ifelse(is.na(ties$observed_on), as.character(as_of), ties$observed_on))
ties <- ties[seen <= as_of & seen >= as_of - window & ties$source_staff_id %in% ids &
             ties$target_staff_id %in% ids, ]
# docs/data-format.md: advice, information and expertise flow from the person named to the one who named them;
# every other built-in kind flows both ways.
asks <- ties$kind %in% c("advice", "information", "expertise")
from <- c(ties$target_staff_id[asks], ties$source_staff_id[!asks], ties$target_staff_id[!asks])
to <- c(ties$source_staff_id[asks], ties$target_staff_id[!asks], ties$source_staff_id[!asks])
g <- matrix(0, length(ids), length(ids))
g[cbind(match(from, ids), match(to, ids))] <- 1
b <- brokerage(g, as.integer(factor(works_at[ids])))
write.csv(data.frame(staff_id = ids, b$raw.nli[, c("w_I", "w_O", "b_IO", "b_OI", "b_O")]), args[4],
          row.names = FALSE)
"""


def _have_sna() -> str | None:
    if shutil.which("Rscript") is None:
        return "R is not installed (apt-get install r-cran-sna; .ci/run does)"
    found = subprocess.run(["Rscript", "-e", "library(sna)"], capture_output=True, text=True)
    return None if found.returncode == 0 else "R's sna package is not installed (apt-get install r-cran-sna)"


pytestmark = [pytest.mark.slow, pytest.mark.skipif(_have_sna() is not None, reason=_have_sna() or "")]


@pytest.fixture(scope="module")
def sna(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """R's counts per person, from R's own reading of the sample trust's files."""
    folder = tmp_path_factory.mktemp("sna")
    (folder / "brokerage.R").write_text(R_SCRIPT, encoding="utf-8")
    subprocess.run(["Rscript", str(folder / "brokerage.R"), str(SAMPLE), AS_OF, str(DEFAULT_TIE_WINDOW_DAYS),
                    str(folder / "sna.csv")], check=True, timeout=600)
    return pd.read_csv(folder / "sna.csv", dtype={"staff_id": str}).set_index("staff_id")


def _differing_roles(ours: pd.DataFrame, sna: pd.DataFrame) -> list[str]:
    """The roles whose counts differ between netmap's staff table and R's, for the same people."""
    assert sorted(ours.index) == sorted(sna.index)
    return [role for role, column in zip(ROLES, SNA_COLUMNS, strict=True)
            if (ours.loc[sna.index, f"broker_{role}"].to_numpy() != sna[column].to_numpy()).any()]


def test_brokerage_equals_r_sna_on_the_flow_graph_of_the_sample(sna: pd.DataFrame) -> None:
    dataset, _ = read_trust(SAMPLE)
    ours = analyse(build_graphs(dataset, AS_OF)).staff.set_index("staff_id")
    assert len(sna) == len(ours) == 2000 - int((dataset.staff["left_on"].fillna("9999") <= AS_OF).sum())
    assert _differing_roles(ours, sna) == []
    assert ours["broker_representative"].sum() > 0 and ours["broker_gatekeeper"].sum() > 0


def test_r_catches_advice_read_the_wrong_way(sna: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """netmap with every direction flipped (advice flowing from the asker) no longer matches R: the comparison
    above can fail."""
    flipped = {"target-to-source": "source-to-target", "source-to-target": "target-to-source"}
    right = netmap.graphs.flows_from

    def wrong(dataset: Dataset) -> Mapping[str, str]:
        return {kind: flipped.get(flow, flow) for kind, flow in right(dataset).items()}

    monkeypatch.setattr(netmap.graphs, "flows_from", wrong)
    graphs = build_graphs(read_trust(SAMPLE)[0], AS_OF)
    roles = brokerage_roles(graphs.flow, graphs.school_of)
    ours = pd.DataFrame.from_dict(roles, orient="index").add_prefix("broker_")
    assert _differing_roles(ours, sna) == ["representative", "gatekeeper"]
