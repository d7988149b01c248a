"""The growth benchmark's power-law fits recover hand-made laws (no timing measured or asserted here)."""

from __future__ import annotations

import math

import pytest

from benchmarks.growth import MILLION, RECORDED_ISLANDS, fit_power_law, fits


def test_an_exact_power_law_gives_its_exponent_and_no_residual() -> None:
    sizes = [3_000, 6_000, 12_000, 24_000]
    law = fit_power_law(sizes, [3e-8 * n ** 2.05 for n in sizes])
    assert law.exponent == pytest.approx(2.05, abs=1e-9)
    assert law.coefficient == pytest.approx(3e-8, rel=1e-6)
    assert law.residual == pytest.approx(0.0, abs=1e-9) and law.points == 4
    assert law.at(MILLION) == pytest.approx(3e-8 * MILLION ** 2.05, rel=1e-6)


def test_the_residual_is_the_root_mean_square_of_the_log_residuals() -> None:
    """Points off a line n^1 by factors e^0.1, e^-0.1, e^0.1, e^-0.1 at sizes 1, 2, 4, 8 (log2 steps): the
    best line's slope changes by the fit of those offsets, worked here by hand with polyfit's formula."""
    sizes = [1.0, 2.0, 4.0, 8.0]
    offsets = [0.1, -0.1, 0.1, -0.1]
    law = fit_power_law(sizes, [n * math.exp(e) for n, e in zip(sizes, offsets, strict=True)])
    x = [math.log(n) for n in sizes]
    mean_x = sum(x) / 4
    spread = sum((xi - mean_x) ** 2 for xi in x)
    slope_change = sum((xi - mean_x) * e for xi, e in zip(x, offsets, strict=True)) / spread
    assert law.exponent == pytest.approx(1 + slope_change, abs=1e-12)
    fitted = [math.log(law.coefficient) + law.exponent * xi for xi in x]
    expected = math.sqrt(sum((math.log(n) + e - f) ** 2 for n, e, f in zip(sizes, offsets, fitted, strict=True)) / 4)
    assert law.residual == pytest.approx(expected, abs=1e-12) and 0.05 < law.residual < 0.1


@pytest.mark.parametrize(("sizes", "values"), [([1_000], [1.0]), ([1_000, 2_000], [1.0, 0.0]),
                                               ([0, 2_000], [1.0, 2.0])])
def test_one_point_or_a_zero_is_refused(sizes: list[float], values: list[float]) -> None:
    with pytest.raises(ValueError, match="two or more positive points"):
        fit_power_law(sizes, values)


def test_fits_read_each_series_from_the_results() -> None:
    """Connected trusts whose betweenness grows as n^2 and memory as n^1, with the recorded islands."""
    def row(n: int, analysed: bool) -> dict:
        result = {"trust": {"staff_in_post": n}, "igraph": {"cpu_s": 1e-8 * n ** 2},
                  "two_core_limit": {"netmap_cpu_s": 1.1e-8 * n ** 2}, "netmap": {"peak_rss_mb": 0.01 * n}}
        if analysed:
            result["analyse"] = {"process_cpu_s": 2e-8 * n ** 2, "peak_rss_mb": 0.02 * n}
        return result

    results = {"connected": {str(n): row(n, n <= 12_000) for n in (3_000, 6_000, 12_000, 24_000)}}
    fitted = fits(results)
    assert fitted["igraph_betweenness_cpu_s"]["exponent"] == pytest.approx(2.0)
    assert fitted["netmap_betweenness_cpu_s"]["at_1m"] == pytest.approx(1.1e-8 * MILLION ** 2, rel=1e-6)
    assert fitted["netmap_betweenness_peak_rss_mb"]["exponent"] == pytest.approx(1.0)
    affine = fitted["analyse_peak_rss_mb"]["affine"]
    assert affine["base_mb"] == pytest.approx(0.0, abs=1e-6) and affine["per_1000_staff_mb"] == pytest.approx(20.0)
    assert affine["at_1m"] == pytest.approx(20_000.0)
    assert fitted["analyse_cpu_s"]["points"] == 3
    assert fitted["islands_analyse_cpu_s"]["points"] == len(RECORDED_ISLANDS)
