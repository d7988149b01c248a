"""The board summary: one A4 page per snapshot that a chief executive can print for trustees: the headline
figures (and how they moved since the snapshot before), the schools to help first, the trust's trends and the
school map. Drawn on the server by matplotlib as PDF from what the dashboard shows the same user (aggregate roles
get the suppressed view: no staff name, small schools' figures hidden)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from textwrap import shorten
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from webapp.drawing_lock import DRAWING
from webapp.map_image import INK, MUTED, draw_network, saved

__all__ = ["A4_PORTRAIT", "BoardSummary", "board_pdf"]

A4_PORTRAIT = (8.27, 11.69)  # inches
ACCENT = "#2f5d8a"


@dataclass(frozen=True)
class BoardSummary:
    """What the page says: `figures` as (what, now, then, direction) with then and direction "" when there is no
    earlier snapshot; `to_help` as (school, why); `trends` as (title, is a share, [(date, value)])."""

    as_of: str
    previous: str
    figures: Sequence[tuple[str, str, str, str]]
    to_help: Sequence[tuple[str, str]]
    more_to_help: int
    trends: Sequence[tuple[str, bool, Sequence[tuple[str, float | None]]]]
    school_map: dict[str, Any]
    notes: Sequence[str] = field(default_factory=tuple)


def board_pdf(summary: BoardSummary) -> bytes:
    """The one-page summary as PDF bytes."""
    with DRAWING:
        return _board_pdf(summary)


def _board_pdf(summary: BoardSummary) -> bytes:
    """board_pdf, drawn while holding the drawing lock."""
    figure = Figure(figsize=A4_PORTRAIT)
    FigureCanvasAgg(figure)
    title = "How our staff connect across the trust"
    figure.text(0.06, 0.965, title, fontsize=17, fontweight="bold", color=INK, va="top")
    since = f", compared with {summary.previous}" if summary.previous else ""
    figure.text(0.06, 0.935, f"Board summary. Snapshot of {summary.as_of}{since}.", fontsize=10, color=MUTED,
                va="top")
    _figures(figure, summary)
    _to_help(figure, summary)
    _trends(figure, summary)
    figure.text(0.06, 0.365, "School map", fontsize=12, fontweight="bold", color=INK, va="top")
    figure.text(0.06, 0.345, "Each disc is a school (larger: more staff); a line joins two schools whose staff "
                "collaborate (wider: more).", fontsize=7.5, color=MUTED, va="top")
    draw_network(figure, figure.add_axes((0.06, 0.05, 0.88, 0.285)), summary.school_map, font_size=6.5)
    footer = " ".join(["netmap. Figures from the staff survey and the trust's own files; definitions in the app's "
                       "Metrics page.", *summary.notes])
    figure.text(0.06, 0.02, footer, fontsize=6.5, color=MUTED, wrap=True)
    return saved(figure, f"{title}: board summary, {summary.as_of}", "pdf")


def _figures(figure: Figure, summary: BoardSummary) -> None:
    """The headline figures as a small table: now, then, and the move in words."""
    figure.text(0.06, 0.9, "Headline figures", fontsize=12, fontweight="bold", color=INK, va="top")
    columns = (0.06, 0.55, 0.68, 0.8)
    top = 0.872
    for x, text in zip(columns, ("", summary.as_of, summary.previous, "Change" if summary.previous else ""),
                       strict=True):
        figure.text(x, top, text, fontsize=8, color=MUTED, va="top", fontweight="bold")
    for row, (what, now, then, direction) in enumerate(summary.figures, start=1):
        y = top - 0.02 * row
        figure.text(columns[0], y, what, fontsize=9, color=INK, va="top")
        figure.text(columns[1], y, now, fontsize=9, color=INK, va="top", fontweight="bold")
        figure.text(columns[2], y, then, fontsize=9, color=MUTED, va="top")
        figure.text(columns[3], y, direction, fontsize=8, color=INK, va="top")


def _to_help(figure: Figure, summary: BoardSummary) -> None:
    """The schools to help first, in order, each with why."""
    top = 0.872 - 0.02 * (len(summary.figures) + 1) - 0.012
    figure.text(0.06, top, "Schools to help first", fontsize=12, fontweight="bold", color=INK, va="top")
    if not summary.to_help:
        figure.text(0.06, top - 0.025, "None: every school is connected to others.", fontsize=9, color=INK,
                    va="top")
        return
    for row, (school, why) in enumerate(summary.to_help, start=1):
        line = shorten(f"{row}. {school}: {why}", width=118, placeholder="...")  # one line each, within the page
        figure.text(0.06, top - 0.022 * row, line, fontsize=8.5, color=INK, va="top")
    if summary.more_to_help > len(summary.to_help):
        figure.text(0.06, top - 0.022 * (len(summary.to_help) + 1),
                    f"and {summary.more_to_help - len(summary.to_help):,} more (the app lists them all).",
                    fontsize=8, color=MUTED, va="top")


def _trends(figure: Figure, summary: BoardSummary) -> None:
    """Up to three of the trust's trends as small line charts; a sentence when there is one snapshot only."""
    top = 0.555
    figure.text(0.06, top, "Trends", fontsize=12, fontweight="bold", color=INK, va="top")
    shown = [t for t in summary.trends if sum(v is not None for _, v in t[2]) >= 2][:3]
    if not shown:
        figure.text(0.06, top - 0.025, "Trends appear from the second snapshot on.", fontsize=9, color=INK,
                    va="top")
        return
    width = 0.88 / len(shown)
    for index, (title, share, points) in enumerate(shown):
        axes = figure.add_axes((0.06 + index * width + 0.04, 0.415, width - 0.07, 0.11))
        kept = [(d, float(v) * (100 if share else 1)) for d, v in points if v is not None]
        axes.plot([d for d, _ in kept], [v for _, v in kept], marker="o", color=ACCENT, linewidth=1.8)
        axes.set_title(title, fontsize=8, color=INK, loc="left")
        axes.yaxis.set_major_formatter(FuncFormatter(_percent if share else _count))
        if not share:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0, top=max([v for _, v in kept] + [1]) * 1.15)
        axes.tick_params(labelsize=6.5, colors=INK)
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)


def _percent(value: float, _position: int) -> str:
    return f"{value:.0f} %"


def _count(value: float, _position: int) -> str:
    return f"{value:,.0f}"
