"""Line charts of a figure over snapshots, drawn on the server by matplotlib as SVG images: the page shows them
with <img>, so no script runs and nothing is fetched from elsewhere; the same numbers sit in a table beside."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # no display: images only

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from webapp.drawing_lock import DRAWING  # noqa: E402

__all__ = ["line_chart"]

INK, ACCENT = "#1d2733", "#2f5d8a"
TITLE_WIDTH = 40  # characters on one line of a title: the chart is 420 px wide, its title starts ~80 px in


def line_chart(dates: Sequence[str], values: Sequence[float | None], title: str, share: bool = False) -> bytes:
    """`values` over `dates` (missing values leave a gap) as an SVG image, `title` above; shares as percentages."""
    with DRAWING:
        return _line_chart(dates, values, title, share)


def _line_chart(dates: Sequence[str], values: Sequence[float | None], title: str, share: bool) -> bytes:
    """line_chart, drawn while holding the drawing lock."""
    figure, axes = plt.subplots(figsize=(4.2, 2.3), dpi=100)
    try:
        points = [(d, float(v) * (100 if share else 1)) for d, v in zip(dates, values, strict=True) if v is not None]
        axes.plot([d for d, _ in points], [v for _, v in points], marker="o", color=ACCENT, linewidth=2)
        # wrapped to the width beside the axis labels: a long title is never cut at the edge
        axes.set_title(textwrap.fill(title, TITLE_WIDTH), fontsize=10, color=INK, loc="left")
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} %" if share else f"{v:,.0f}"))
        if not share:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if any(v > 0 for _, v in points):
            axes.set_ylim(bottom=0)
        else:  # all zero: a scale to 1 (10 %), not ticks all labelled 0 around an empty range
            axes.set_ylim(0, 10 if share else 1)
        axes.tick_params(labelsize=8, colors=INK)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.autofmt_xdate(rotation=30)
        figure.tight_layout()
        out = io.BytesIO()
        with plt.rc_context({"svg.hashsalt": "netmap"}):  # ids from the drawing, not random: and no timestamp,
            figure.savefig(out, format="svg", metadata={"Date": None})  # so the same data gives the same bytes
        return out.getvalue()
    finally:
        plt.close(figure)
