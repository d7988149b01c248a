"""ONA roles from thresholds, and options set by name."""

from __future__ import annotations

import pandas as pd
import pytest

from netmap.analysis.options import AnalysisOptions
from netmap.analysis.roles import ona_roles
from netmap.errors import AnalysisError


def _staff(rows: list[tuple[int, float, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["soft_degree", "betweenness", "schools_reached"])
    return frame.assign(school_id="S", seconded_to="", response="unknown")


def test_roles_follow_thresholds_and_precedence() -> None:
    # 20 people with ties; percentiles are over these, the isolate does not count
    rows = [(3, 0.0, 0)] * 15 + [(1, 0.0, 0), (2, 0.001, 1), (9, 0.002, 1), (4, 0.001, 3), (9, 0.5, 4), (0, 0.0, 0)]
    roles = ona_roles(_staff(rows), AnalysisOptions())
    assert roles.tolist()[15:] == ["peripheral", "none", "central connector", "boundary spanner", "broker",
                                   "isolate"]
    assert set(roles.tolist()[:15]) == {"none"}


def test_changing_a_threshold_changes_the_label() -> None:
    rows = [(3, 0.0, 0)] * 15 + [(4, 0.0, 2)]
    assert ona_roles(_staff(rows), AnalysisOptions()).iloc[-1] != "boundary spanner"
    assert ona_roles(_staff(rows), AnalysisOptions(spanner_schools=2)).iloc[-1] == "boundary spanner"


def test_everyone_isolated() -> None:
    assert ona_roles(_staff([(0, 0.0, 0)] * 3), AnalysisOptions()).tolist() == ["isolate"] * 3


def test_options_from_strings() -> None:
    options = AnalysisOptions.from_strings(["dormant_share=0.3", "spanner-schools=4"])
    assert (options.dormant_share, options.spanner_schools) == (0.3, 4)


@pytest.mark.parametrize(("pairs", "message"), [
    (["dormant=0.3"], "Unknown or empty option 'dormant=0.3'"),
    (["dormant_share="], "Unknown or empty option"),
    (["spanner_schools=three"], "Option spanner_schools needs a int, not 'three'"),
    (["dormant_share=1.5"], "dormant_share must be above 0 and at most 1, not 1.5"),
    (["broker_percentile=101"], "broker_percentile must be between 0 and 100"),
])
def test_bad_options_are_clear(pairs: list[str], message: str) -> None:
    with pytest.raises(AnalysisError, match=message):
        AnalysisOptions.from_strings(pairs)


def test_profiles_change_only_resampling() -> None:
    """"full" is every default; "quick" only draws fewer relabellings and leaves out the lists' stability, and
    takes changes on top; an unknown profile names the ones there are."""
    assert AnalysisOptions.profile("full") == AnalysisOptions()
    assert AnalysisOptions.profile("quick") == AnalysisOptions(permutations=99, stability_draws=0)
    assert AnalysisOptions.profile("quick", permutations=999).permutations == 999
    with pytest.raises(AnalysisError, match="^Unknown analysis profile 'fast'; use one of full, quick.$"):
        AnalysisOptions.profile("fast")


def test_every_option_is_documented() -> None:
    import dataclasses

    from tests.conftest import REPO

    metrics = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(AnalysisOptions):
        assert f"`{field.name}`" in metrics, field.name
