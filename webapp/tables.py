"""Every table the web shows: sorted, filtered and paged on the server, and downloadable as CSV.

CSV cells that a spreadsheet would run as a formula (starting = + - @, tab or carriage return) are prefixed
with a quote (netmap.spreadsheet), so a staff member's name can never execute in HR's Excel.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from flask import Response, render_template, request, url_for

from netmap.spreadsheet import neutralise
from webapp.formatting import heading
from webapp.formatting import shown as display
from webapp.metric_help import help_for

__all__ = ["Column", "TablePage", "csv_response", "index_page", "neutralise", "table_page"]

PER_PAGE = 100


@dataclass(frozen=True)
class Column:
    """One displayed column: the frame column, its heading (by default the readable one), optionally a link for
    each cell, and names to show for the ids it holds."""

    key: str
    label: str = ""
    link: Callable[[dict], str] | None = None
    names: Mapping[str, str] | None = None

    @property
    def heading(self) -> str:
        return self.label or heading(self.key)

    @property
    def help(self) -> str:
        return help_for(self.key)


@dataclass
class Row:
    """A row of the page: `raw` values (for links) and what each cell `shows`."""

    raw: dict[str, Any]
    shows: dict[str, str]


@dataclass
class TablePage:
    columns: list[Column]
    rows: list[Row]
    total: int
    page: int
    pages: int
    sort: str
    descending: bool
    query: str
    args: dict[str, str] = field(default_factory=dict)

    def url(self, **changes: Any) -> str:
        """This table's URL with some arguments changed (sorting, paging, the CSV download)."""
        args = {**self.args, **{k: v for k, v in changes.items()}}
        return url_for(str(request.endpoint), **(request.view_args or {}), **{k: v for k, v in args.items() if v != ""})


def csv_response(frame: pd.DataFrame, filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(str(c)) for c in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_cell(neutralise(v)) for v in row])  # only text is defused: -0.88 stays a number
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _cell(value: Any) -> Any:
    """A cell as the CSV writes it: blank for missing, floats to six significant figures."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def table_page(frame: pd.DataFrame, columns: list[Column], *, filename: str, default_sort: str,
               descending: bool = True, filters: tuple[str, ...] = (),
               ids: tuple[str, ...] = ()) -> TablePage | Response:
    """The rows this request asks for: ?q= searches text, ?<filter>= matches exactly, ?sort=&order=, ?page=.
    With ?format=csv, every matching row (not just the page) as a CSV download, with the `ids` the page shows as
    names first, and exact values."""
    args = request.args
    query = args.get("q", "").strip()
    shown = frame
    if query:
        text = [c for c in shown.columns if pd.api.types.is_string_dtype(shown[c])]
        hits = shown[text].astype(str).apply(lambda col: col.str.contains(query, case=False, regex=False))
        shown = shown[hits.any(axis=1)]
    active = {}
    for key in filters:
        value = args.get(key, "")
        if value:
            active[key] = value
            shown = shown[shown[key].astype(str) == value]
    sort = args.get("sort", default_sort)
    if sort not in frame.columns:
        sort = default_sort
    desc = args.get("order", "desc" if descending else "asc") == "desc"
    try:
        shown = shown.sort_values(sort, ascending=not desc, kind="stable", na_position="last")
    except TypeError:  # numbers mixed with "fewer than 5" (suppressed cells): those sort last
        shown = shown.sort_values(sort, ascending=not desc, kind="stable", na_position="last",
                                  key=lambda column: pd.to_numeric(column, errors="coerce"))
    if args.get("format") == "csv":
        return csv_response(shown[list(dict.fromkeys([*ids, *(c.key for c in columns)]))], filename)
    pages = max(1, math.ceil(len(shown) / PER_PAGE))
    page = min(max(1, args.get("page", 1, type=int)), pages)
    window = shown.iloc[(page - 1) * PER_PAGE: page * PER_PAGE]
    rows = [Row(r, {c.key: display(c.key, r[c.key], c.names) for c in columns}) for r in window.to_dict("records")]
    kept = {"q": query, "sort": sort, "order": "desc" if desc else "asc", **active}
    for carried in ("snapshot", "since", "until"):  # the snapshot, and the audit log's dates
        if carried in args:
            kept[carried] = args[carried]
    return TablePage(columns, rows, len(shown), page, pages, sort, desc, query, kept)


def index_page(frame: pd.DataFrame, key: str, names: dict[str, str], heading: str, metrics: list[str], *,
               template: str, context: dict[str, Any], **table: Any) -> Any:
    """The index of schools or groups: id and name, each linking to the item's own page, then its `metrics`;
    `table` goes to table_page, `context` to the template."""
    frame = frame.copy()
    frame.insert(1, "name", frame[key].map(names))
    endpoint = f"{request.blueprint}.show"
    link = lambda row: url_for(endpoint, **{key: row[key]})  # noqa: E731
    columns = [Column("name", heading, link)] + [Column(c) for c in metrics]  # the id stays in the CSV
    page = table_page(frame, columns, ids=(key,), **table)
    if isinstance(page, Response):
        return page
    return render_template(template, page=page, **context)
