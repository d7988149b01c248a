"""The benchmark runner works (on a tiny trust). Timings are never asserted here: see benchmarks/README.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.runner import run

pytestmark = pytest.mark.slow  # benchmark runs (a server, concurrent users, igraph): tens of seconds of CPU each


def test_runner_measures_each_step_next_to_its_reference(tmp_path: Path) -> None:
    out = tmp_path / "tiny.json"
    results = run("tiny", {"load", "analyse", "recommend", "compare", "survey"}, out)
    assert json.loads(out.read_text()) == json.loads(json.dumps(results, default=str))
    load, analysis = results["load"], results["analyse"]
    assert load["rows"] == sum(results["counts"].values()) and load["raw_rows_per_s"] > 0
    assert 0 < load["share_of_raw"]
    assert set(analysis["igraph_s"]) == {"betweenness", "constraint", "components", "core numbers", "louvain"}
    assert analysis["staff"] > 250 and analysis["ratio_to_igraph"] > 0
    assert analysis["command_s"] > 0 and analysis["command_peak_rss_mb"] > 0
    check = analysis["path_sampling_check"]
    assert check["sample_size"] == min(500, check["nodes"]) and check["standard_error"] is not None
    assert results["recommend"]["candidates"] == 10
    assert results["machine"]["cpus"] >= 1
    comparison = results["compare"]
    assert comparison["command_s"] > 0 and comparison["command_peak_rss_mb"] > 0 and comparison["compare_only_s"] > 0
    assert sum(comparison["summary"]["ties"].values()) > 0
    survey = results["survey"]
    assert survey["staff_on_roster"] > 250 and survey["searches"] == 300
    assert 0 < survey["function"]["p50_ms"] <= survey["function"]["p95_ms"] <= survey["function"]["max_ms"]
    assert survey["web_request"]["p95_ms"] > 0
    load = results["survey_submissions"]
    assert load["errors"] == 0 and load["submitted_ok"] == load["respondents"] == 200
    assert load["nominations_stored"] == load["nominations_submitted"] > 0  # no answer lost


def test_serving_under_concurrent_users_and_the_honest_references(tmp_path: Path) -> None:
    results = run("tiny", {"load", "analyse", "serve"}, tmp_path / "tiny.json")
    analysis, serve, load = results["analyse"], results["serve"], results["load"]
    assert analysis["igraph_edges"] == analysis["netmap_edges"]  # igraph times the same simplified graph
    assert load["pandas_reference_s"] > 0 and load["share_of_pandas_reference"] > 0
    assert serve["first_request_status"] == 200 and (serve["errors"], serve["failed"]) == (0, [])
    assert serve["requests"] == 50 * 12 and serve["p95_s"] >= serve["p50_s"] > 0
    assert serve["server_peak_rss_mb"] > 0
