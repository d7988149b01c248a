"""A map as an image to print or put in board papers: the same JSON the page draws (webapp.graphview, already cut
to what the viewer may see), drawn on the server by matplotlib as PNG or PDF on an A4 landscape page, with a
title, the snapshot's date, a key and the names of the most important nodes (the biggest first, none overlapping
another). Nothing is fetched from elsewhere, and no browser is needed on the server."""

from __future__ import annotations

import io
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")  # no display: images only
matplotlib.rcParams["text.parse_math"] = False  # a name is text: "Ca$h $5" must not be read as mathematics

from matplotlib.axes import Axes  # noqa: E402 - after choosing the backend
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from netmap.layout.style import ROLE_SHAPES, SOFT_COLOUR, STAFF_LINES  # noqa: E402
from webapp.drawing_lock import DRAWING  # noqa: E402

__all__ = ["A4_LANDSCAPE", "INK", "MAX_LABELS", "MUTED", "draw_map", "draw_network", "map_image", "saved"]

ImageFormat = Literal["png", "pdf"]
A4_LANDSCAPE = (11.69, 8.27)  # inches
MAX_LABELS = 120  # names tried, biggest first; those that would overlap a name already placed are left out
INK, MUTED = "#1d2733", "#5a6572"
MARKERS = {"dot": "o", "star": "*", "diamond": "D", "triangle": "^", "square": "s", "hexagon": "h", "box": "s",
           "ellipse": "o", "triangleDown": "v"}
_SHAPE_NAMES = {**{shape: role.replace("-", " ") for role, shape in ROLE_SHAPES.items()},
                "box": "a group: its members are joined to it"}
_MARKER_SCALE = {"D": 0.75, "s": 0.85, "*": 1.3}  # so that every shape covers about the area of a disc
_STAFF_LINES: tuple[tuple[str, str, Literal["-", "--"]], ...] = tuple(
    (label, colour, "--" if dashed else "-") for label, colour, dashed in STAFF_LINES)


def map_image(drawn: dict[str, Any], title: str, subtitle: str, fmt: ImageFormat) -> bytes:
    """`drawn` (a map's JSON) as a one-page PNG or PDF: `title` and `subtitle` (the snapshot's date) above the map,
    the key beside it. The same map gives the same bytes (no timestamp in the file)."""
    with DRAWING:
        return saved(draw_map(drawn, title, subtitle), title, fmt)


def saved(figure: Figure, title: str, fmt: ImageFormat) -> bytes:
    """`figure` as PNG or PDF bytes, with no date in the file (the same page gives the same bytes)."""
    out = io.BytesIO()
    metadata: dict[str, Any] = {"Title": title, "Creator": "netmap"} if fmt == "pdf" else {"Software": "netmap"}
    if fmt == "pdf":
        metadata["CreationDate"] = None  # matplotlib's way to leave the date out
    with matplotlib.rc_context({"pdf.fonttype": 42}):  # TrueType in the PDF: its text can be searched and copied
        figure.savefig(out, format=fmt, dpi=150, metadata=metadata)
    return out.getvalue()


def draw_map(drawn: dict[str, Any], title: str, subtitle: str) -> Figure:
    """The page as a matplotlib Figure: map on the left, key on the right, title and date above."""
    figure = Figure(figsize=A4_LANDSCAPE)
    FigureCanvasAgg(figure)  # measures the names' boxes, so that none is placed over another
    figure.text(0.03, 0.955, title, fontsize=18, fontweight="bold", color=INK, va="top")
    figure.text(0.03, 0.905, subtitle, fontsize=11, color=MUTED, va="top")
    figure.text(0.03, 0.02, "netmap. Staff data: keep and share this as the trust's data protection policy says.",
                fontsize=7, color=MUTED)
    draw_network(figure, figure.add_axes((0.02, 0.06, 0.66, 0.8)), drawn)
    _draw_key(figure, drawn, [n for n in drawn.get("nodes", []) if "x" in n])
    return figure


def draw_network(figure: Figure, axes: Axes, drawn: dict[str, Any], font_size: float = 8) -> None:
    """The map's lines, nodes and names in `axes` (of a figure with an Agg canvas); its message when empty."""
    axes.set_axis_off()
    nodes = [n for n in drawn.get("nodes", []) if "x" in n and "y" in n]
    if not nodes:
        axes.text(0.5, 0.5, drawn.get("message") or "Nothing to draw on this map.", ha="center", va="center",
                  fontsize=12, color=MUTED, wrap=True, transform=axes.transAxes)
    else:
        _draw_network(figure, axes, nodes, drawn.get("edges", []), font_size)


def _draw_network(figure: Figure, axes: Axes, nodes: list[dict[str, Any]], edges: list[dict[str, Any]],
                  font_size: float) -> None:
    """Lines, then nodes (biggest last, so small ones are not hidden), then names without overlaps."""
    xs, ys = [float(n["x"]) for n in nodes], [float(n["y"]) for n in nodes]
    pad = max(max(xs) - min(xs), max(ys) - min(ys), 1.0) * 0.06 + max(float(n.get("size", 10)) for n in nodes)
    axes.set_xlim(min(xs) - pad, max(xs) + pad)
    axes.set_ylim(max(ys) + pad, min(ys) - pad)  # vis-network's y grows downwards
    axes.set_aspect("equal", adjustable="box")
    figure.canvas.draw()  # fixes the limits, so that data units convert to points
    points_per_unit = _points_per_unit(figure, axes)
    where = {n["id"]: (float(n["x"]), float(n["y"])) for n in nodes}
    for dashed in (False, True):  # one collection a line style: thousands of lines draw in one go
        kept = [e for e in edges if e.get("from") in where and e.get("to") in where and bool(e.get("dashes")) == dashed]
        if kept:
            axes.add_collection(LineCollection(
                [(where[e["from"]], where[e["to"]]) for e in kept], colors=[_colour(e.get("color"), SOFT_COLOUR)
                                                                            for e in kept],
                linewidths=[max(0.3, float(e.get("width", 1)) * 0.5) for e in kept], alpha=0.8, zorder=1,
                linestyles="--" if dashed else "-", capstyle="round"))
    drawable = [n for n in nodes if n.get("shape") != "text"]
    by_marker: dict[str, list[dict[str, Any]]] = {}
    for node in sorted(drawable, key=lambda n: float(n.get("size", 10))):  # biggest last: small ones stay seen
        by_marker.setdefault(MARKERS.get(node.get("shape", "dot"), "o"), []).append(node)
    for marker, group in by_marker.items():  # one collection a shape
        scale = _MARKER_SCALE.get(marker, 1)
        axes.scatter([float(n["x"]) for n in group], [float(n["y"]) for n in group], marker=marker, zorder=2,
                     s=[(max(3.0, 2 * float(n.get("size", 10)) * points_per_unit) * scale) ** 2 for n in group],
                     c=[_with_opacity(_colour(n.get("color"), "#999999"), n.get("opacity", 1)) for n in group],
                     edgecolors=[INK if n.get("isolated") else _border(n.get("color")) for n in group],
                     linewidths=[1.6 if n.get("isolated") else 0.5 for n in group])
    titles = []
    for node in nodes:
        if node.get("shape") == "text":  # a school's name over its staff
            titles.append(axes.text(float(node["x"]), float(node["y"]), str(node.get("label", "")), ha="center",
                                    va="center", fontsize=11, fontweight="bold", color=INK, zorder=4,
                                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1}))
    _place_names(figure, axes, drawable, points_per_unit, titles, font_size)


def _place_names(figure: Figure, axes: Axes, nodes: list[dict[str, Any]], points_per_unit: float,
                 titles: list[Text], font_size: float) -> None:
    """Names beside the biggest nodes first, leaving out any that would overlap a name already placed or a
    school's name (`titles`)."""
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)  # draw_map gave it one
    renderer = canvas.get_renderer()
    placed: list[Bbox] = [title.get_window_extent(renderer) for title in titles]
    frame = axes.get_position(original=True).transformed(figure.transFigure)  # the map's area: never over the key
    biggest = sorted(nodes, key=lambda n: (-float(n.get("size", 10)), str(n.get("label", ""))))[:MAX_LABELS]
    for node in biggest:
        label = str(node.get("label") or "")
        if not label:
            continue
        offset = float(node.get("size", 10)) * points_per_unit + 2
        for side in (1, -1):  # to the right of the node, else to its left
            text = axes.annotate(label, (float(node["x"]), float(node["y"])), xytext=(side * offset, 0),
                                 textcoords="offset points", fontsize=font_size, color=INK, va="center",
                                 ha="left" if side > 0 else "right", zorder=3,
                                 bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
            box = text.get_window_extent(renderer)
            if _inside(box, frame) and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            text.remove()


def _inside(box: Bbox, frame: Bbox) -> bool:
    """Whether `box` lies wholly within `frame`."""
    return bool(box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1)


def _draw_key(figure: Figure, drawn: dict[str, Any], nodes: list[dict[str, Any]]) -> None:
    """The map's own key (schools' colours, kinds of line, marks), then the shapes drawn and, on a staff map, the
    kinds of line."""
    handles: list[Line2D] = []
    legend = drawn.get("legend", [])
    for entry in legend:
        if "shape" in entry:
            continue  # a role's shape: drawn below with the shapes on the map, in their own markers
        label = _short(str(entry.get("label", "")))
        colour = str(entry.get("colour", "#999999"))
        if "line" in entry:
            handles.append(Line2D([], [], color=colour, linewidth=2.5,
                                  linestyle="--" if entry["line"] == "dashed" else "-", label=label))
        elif entry.get("mark") == "hard-isolated":
            handles.append(Line2D([], [], marker="D", linestyle="", markerfacecolor="white", markeredgecolor=INK,
                                  markersize=8, label=label))
        elif "mark" in entry:
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor=INK,
                                  markeredgewidth=2, markersize=9, label=label))
        else:
            handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=colour, markeredgecolor=colour,
                                  markersize=9, label=label))
    shapes = sorted({str(n.get("shape")) for n in nodes if n.get("shape") in _SHAPE_NAMES and drawn.get("view") in
                     ("staff", "people changes")})
    handles += [Line2D([], [], marker=MARKERS[s], linestyle="", markerfacecolor="#bbbbbb", markeredgecolor=INK,
                       markersize=9, label=_SHAPE_NAMES[s]) for s in shapes]
    if drawn.get("view") == "staff" and not any("line" in e for e in legend):
        drawn_styles = {(_colour(e.get("color"), ""), bool(e.get("dashes"))) for e in drawn.get("edges", [])}
        handles += [Line2D([], [], color=colour, linewidth=2.5, linestyle=style, label=label)
                    for label, colour, style in _STAFF_LINES if (colour, style == "--") in drawn_styles]
    if handles:
        figure.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.71, 0.86), frameon=False, fontsize=8,
                      title="Key", title_fontproperties={"weight": "bold", "size": 10}, alignment="left",
                      labelcolor=INK, handlelength=2.2, ncols=1 if len(handles) <= 30 else 2)


def _short(label: str, width: int = 36) -> str:
    """A key entry on at most three lines."""
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3]) + ("..." if len(lines) > 3 else "")


def _points_per_unit(figure: Figure, axes: Axes) -> float:
    """How many typographic points one unit of the map's coordinates spans."""
    width_points = axes.get_position().width * figure.get_figwidth() * 72
    left, right = axes.get_xlim()
    return width_points / abs(right - left)


def _colour(value: Any, default: str) -> str:
    """A vis-network colour (a string, or a dict with a background or color) as one colour."""
    if isinstance(value, dict):
        return str(value.get("background") or value.get("color") or default)
    return str(value) if value else default


def _with_opacity(colour: str, opacity: Any) -> tuple[float, float, float, float]:
    """`colour` as RGBA with a node's opacity (a faded contact elsewhere)."""
    return to_rgba(colour, float(opacity))


def _border(value: Any) -> str:
    """A node's outline colour."""
    if isinstance(value, dict):
        return str(value.get("border") or value.get("background") or INK)
    return "#ffffff"

