"""The columns of every table the analysis produces beyond the metric tables (netmap.analysis.columns): comparing
two snapshots, new joiners' integration, and the schools to help first. Each column is declared once, as data:
its name, its heading on a page, a sentence saying what it holds, and its format.

The functions that build these tables take their column order from here (as does the web's download of the
compared collaborations, with names), the web's pages take their headings from it (TableSpec.heading_rows, drawn by
one template macro), and docs/tables.md is generated from it (a test checks the page is current and each table
built has exactly its declared columns), so code, pages and documentation cannot drift apart. The tables only the
web shows are declared the same way, with declare_table, in webapp/table_columns.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

__all__ = ["TABLES", "HeadingCell", "HeadingGroup", "TableColumn", "TableSpec", "columns_of", "declare_table",
           "table", "tables_markdown"]

Format = Literal["id", "text", "date", "count", "days", "share", "number", "flag", "label", "page"]
FORMATS: dict[str, str] = {
    "id": "an id from the trust's files",
    "text": "words",
    "date": "a date, YYYY-MM-DD (a snapshot's date for a milestone)",
    "count": "a whole number",
    "days": "a whole number of days (empty: not reached yet)",
    "share": "a share from 0 to 1",
    "number": "a number",
    "flag": "true or false",
    "label": "one of the words listed",
    "page": "on the page only (a rank, a button or a link), never in a CSV",
}


@dataclass(frozen=True)
class TableColumn:
    """One column: `name` in the frame and its CSV, `heading` on a page, `description` for the docs and the
    heading's help, and its `format`."""

    name: str
    heading: str
    description: str
    format: Format


@dataclass(frozen=True)
class HeadingGroup:
    """Columns a page shows under one shared heading: `heading` (with its `title`) over the columns `names`, which
    then carry the shorter `subheadings`, one a column, on a second heading row."""

    heading: str
    names: tuple[str, ...]
    subheadings: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class HeadingCell:
    """One heading cell of a table on a page: its text, its tooltip, what it heads (a column or a group), and the
    column's `name` ("" for a group)."""

    text: str
    title: str = ""
    name: str = ""
    scope: Literal["col", "colgroup"] = "col"
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class TableSpec:
    """One table: `key` (what code asks for), its `title` and `description`, its columns in order, and the
    `groups` of columns a page heads together."""

    key: str
    title: str
    description: str
    columns: tuple[TableColumn, ...]
    groups: tuple[HeadingGroup, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def heading_rows(self, keys: Sequence[str] | None = None,
                     values: Mapping[str, str] | None = None) -> list[list[HeadingCell]]:
        """The heading rows of a page showing the columns `keys` (default: all, in order): one row, or two when
        some are grouped (the group's heading over their subheadings; the others span both rows). `values`
        fills placeholders such as {before} in headings (a snapshot's date). KeyError for an undeclared key."""
        by_name = {c.name: c for c in self.columns}
        shown = [by_name[key] for key in keys] if keys is not None else list(self.columns)

        def fill(text: str) -> str:
            return text.format_map(values) if values else text

        group_of = {name: group for group in self.groups for name in group.names}
        if not any(c.name in group_of for c in shown):
            return [[HeadingCell(fill(c.heading), c.description, c.name) for c in shown]]
        top: list[HeadingCell] = []
        below: list[HeadingCell] = []
        for column in shown:
            group = group_of.get(column.name)
            if group is None:
                top.append(HeadingCell(fill(column.heading), column.description, column.name, rowspan=2))
                continue
            if column.name == group.names[0]:
                top.append(HeadingCell(group.heading, group.title, scope="colgroup", colspan=len(group.names)))
            below.append(HeadingCell(fill(group.subheadings[group.names.index(column.name)]), column.description,
                                     column.name))
        return [top, below]


def _statuses(prefix: str, heading: str, what: str) -> tuple[TableColumn, ...]:
    """`prefix`_gained, _lost and _persisting: counts of `what` begun, ended and kept between the snapshots."""
    return (TableColumn(f"{prefix}_gained", f"{heading} gained", f"{what} in the later snapshot only.", "count"),
            TableColumn(f"{prefix}_lost", f"{heading} lost", f"{what} in the earlier snapshot only.", "count"),
            TableColumn(f"{prefix}_persisting", f"{heading} kept", f"{what} in both snapshots.", "count"))


def _milestones(names: dict[str, str], start: str) -> tuple[TableColumn, ...]:
    """first_<m> and days_to_<m> for each milestone `m` (named in `names`), counted from `start`. A page shows the
    two in one cell under the first's heading: the date, then the days in brackets."""
    return tuple(column for m, words in names.items() for column in (
        TableColumn(f"first_{m}", f"{words[:1].upper()}{words[1:]} (days)",
                    f"The first snapshot showing their {words.removeprefix('first ')} (empty: none yet).", "date"),
        TableColumn(f"days_to_{m}", f"days to {words.removeprefix('first ')}",
                    f"Days from {start} to that snapshot: an upper bound, as fine as snapshots are frequent.",
                    "days")))


def _columns(*rows: str | TableColumn) -> tuple[TableColumn, ...]:
    """Columns from compact rows, "name | heading | format | description" (the order of docs/tables.md), so that a
    table is declared as the rows it documents rather than a constructor call a column; a TableColumn (one that
    _statuses or _milestones makes) is taken as it is. ValueError naming the row for a row without four parts or
    with a format not in FORMATS."""
    return tuple(row if isinstance(row, TableColumn) else _column(row) for row in rows)


def declare_table(key: str, title: str, description: str, *rows: str | TableColumn,
                  groups: Iterable[HeadingGroup] = ()) -> TableSpec:
    """A table declared as its compact column rows (see _columns), for a module declaring the tables it shows."""
    return TableSpec(key, title, description, _columns(*rows), tuple(groups))


def _column(row: str) -> TableColumn:
    """One compact row of _columns as its column."""
    parts = [part.strip() for part in row.split("|", 3)]
    if len(parts) != 4 or parts[2] not in FORMATS:
        raise ValueError(f"table column {row!r}: write it as 'name | heading | format | description', the format one "
                         f"of {', '.join(FORMATS)}")
    name, heading, format_, description = parts
    return TableColumn(name, heading, description, cast(Format, format_))


_CHANGES = ("gained", "lost", "kept")  # the subheadings of _statuses' columns under their group's heading
_DATES = ("{before}", "{after}")  # the two snapshots' dates, which the page fills in


def _status_names(prefix: str) -> tuple[str, ...]:
    """The names of _statuses(prefix, ...)'s columns, for a HeadingGroup over them."""
    return tuple(f"{prefix}_{status}" for status in ("gained", "lost", "persisting"))


# the milestones of netmap.analysis.joiners (a test checks these are its MILESTONES and SCHOOL_MILESTONES)
PERSON_MILESTONES = {"tie": "first collaboration", "cross_school_tie": "first collaboration with another school",
                     "group": "first group shared with a colleague"}
SCHOOL_MILESTONES = {"cross_school_tie": "first collaboration with another school",
                     "shared_group": "first group shared with another school"}
COHORT_HEADINGS = {"tie": "Share who collaborate", "cross_school_tie": "Share who collaborate with another school",
                   "group": "Share in a group with a colleague"}

TABLES: tuple[TableSpec, ...] = (
    TableSpec("compare ties", "Collaborations gained, lost and kept",
              "Every pair of people tied in either snapshot (`netmap compare`: ties.csv).", _columns(
                  "person_a | Person | id | One of the two people (the lower id).",
                  "person_b | Person | id | The other.",
                  "school_a | School | id | The first person's school, in the snapshot that has the tie (the later "
                  "one if both).",
                  "school_b | School | id | The second person's school, likewise.",
                  "cross_school | Across schools | flag | Whether the two work at different schools.",
                  "status | Status | label | gained (later only), lost (earlier only) or persisting (both).",
                  "reason | Why lost | label | For a lost one: ended (its reporter answered the later round "
                  "without naming the colleague again), a person left, older than the tie window, or not in the "
                  "later data; for a kept or gained one: unconfirmed when its reporter did not answer the later "
                  "round (kept from an earlier one), else empty.")),
    TableSpec("compare ties named", "Collaborations gained, lost and kept (the web's download)",
              "The pairs of `compare ties` within the user's scope, with each person's name.", _columns(
                  "status | Status | label | gained, lost or persisting.",
                  "person_a | Person | id | One of the two people.",
                  "name_a | Name | text | Their name.",
                  "school_a | School | id | Their school.",
                  "person_b | Person | id | The other.",
                  "name_b | Name | text | Their name.",
                  "school_b | School | id | Their school.",
                  "cross_school | Across schools | flag | Whether the two work at different schools.",
                  "reason | Why lost | label | ended, a person left, older than the tie window, not in the later "
                  "data; unconfirmed for a kept one whose reporter did not answer the later round.")),
    TableSpec("compare people", "Staff who joined and left",
              "Everyone in post in either snapshot (people.csv).", _columns(
                  "staff_id | Staff id | id | The person's id.",
                  "name | Name | text | Their name.",
                  "status | Change | label | joined, left or stayed.",
                  "school_before | School before | id | Their school in the earlier snapshot (empty: not in post).",
                  "school_after | School after | id | Their school in the later one (empty: not in post).")),
    TableSpec("compare schools", "Schools: what changed",
              "Per school, its staff's collaborations begun, ended and kept (schools.csv).", _columns(
                  "school_id | School | id | The school's id.",
                  *_statuses("ties", "Collaborations", "Collaborations of its staff"),
                  *_statuses("cross_school", "Across schools", "Collaborations of its staff with another school"),
                  "ties_ended | Ended | count | Of its staff's collaborations lost, those whose reporter answered "
                  "the later round without naming the colleague again.",
                  "isolation | Isolation | label | became isolated, became connected, isolated (in both), or empty."),
              (HeadingGroup("Its staff's collaborations", _status_names("ties"), _CHANGES),
               HeadingGroup("of which across schools", _status_names("cross_school"), _CHANGES))),
    TableSpec("compare groups", "Networks and communities: what changed",
              "Per group in either snapshot (groups.csv).", _columns(
                  "group_id | Group | id | The group's id.",
                  "members_before | Members before | count | Its members in post in the earlier snapshot.",
                  "members_after | Members after | count | In the later one.",
                  "conductivity_before | Conductivity before | share | Share of its member pairs who collaborate, "
                  "earlier.",
                  "conductivity_after | Conductivity after | share | The same, later.",
                  "dormant_before | Dormant before | flag | Whether it was dormant (docs/metrics.md), earlier.",
                  "dormant_after | Dormant after | flag | The same, later.",
                  "change | Change | label | rose, fell or same (conductivity), new or ended.",
                  *_statuses("ties", "Collaborations", "Collaborations between its members")),
              (HeadingGroup("Members", ("members_before", "members_after"), _DATES),
               HeadingGroup("Conductivity", ("conductivity_before", "conductivity_after"), _DATES,
                            "Share of member pairs who collaborate"),
               HeadingGroup("Collaborations between members", _status_names("ties"), _CHANGES))),
    TableSpec("compare roles", "Brokers and key connectors gained and lost",
              "People who are a broker or a school's key connector in one snapshot and not the other "
              "(roles.csv).", _columns(
                  "kind | Role | label | broker or key connector.",
                  "staff_id | Staff id | id | The person's id.",
                  "name | Person | text | Their name.",
                  "school_id | School | id | Their school (a key connector: the school they connect).",
                  "change | Change | label | gained or lost.")),
    TableSpec("compare communities", "Informal communities followed",
              "Each informal community followed from the earlier snapshot to the later "
              "(communities.csv).", _columns(
                  "change | Change | id | Rows of one change (a merge, a split) share this number.",
                  "community_before | Was | id | The community's number in the earlier snapshot (empty: new).",
                  "community_after | Now | id | Its number in the later one (empty: dissolved).",
                  "size_before | People then | count | The earlier community's people.",
                  "size_after | People now | count | The later one's.",
                  "shared | In both | count | People in both.",
                  "overlap | Overlap | share | Jaccard overlap of the two, over people in post at both dates; "
                  "they match at 0.3 or more.",
                  "event | What happened | label | continued, merged, split, regrouped, born or dissolved.")),
    TableSpec("stability", "Stability of named lists",
              "Each person a named list names, and in how many draws, each dropping 10 % of respondents at random, "
              "the list still names them (kept with the analysis; beside each list on the pages and in their "
              "CSVs). docs/metrics.md, \"Sensitivity of named lists\".", _columns(
                  "list | List | label | broker, key connector, isolate or disconnected.",
                  "staff_id | Person | id | Who the list names.",
                  "school_id | School | id | The school a key connector connects (empty for the other lists).",
                  "stable_in | Stable in | count | Draws whose list still names them (of the summary's draws).")),
    TableSpec("evaluation", "Intervention evaluation: the dividend over time",
              "A dated intervention's members against comparable staff, from one snapshot to a later one "
              "(`netmap evaluate`: evaluation.csv; the Compare page). docs/metrics.md, \"Intervention "
              "evaluation\".", _columns(
                  "intervention | Intervention | id | group:ID (joining the group) or secondments (one starting).",
                  "before | Before | date | The earlier snapshot.",
                  "after | After | date | The later snapshot.",
                  "members | Members | count | People in post in both who joined in between.",
                  "comparison | Comparison | count | Comparable people who did not (see matched_on).",
                  "matched_on | Compared with | label | school and role, role, or all staff: what the comparison "
                  "set shares with the members.",
                  "member_change | Members' change | number | Members' mean change in cross-school colleagues.",
                  "comparison_change | Comparison's change | number | The comparison set's mean change.",
                  "dividend | Dividend | number | The difference of the two changes (difference in differences).",
                  "low | Interval from | number | The 95 % bootstrap percentile interval's lower end.",
                  "high | Interval to | number | Its upper end.",
                  "p_value | p-value | share | Two-sided permutation p-value (member labels permuted).",
                  "exact | Exact | flag | Whether every assignment of labels was enumerated.",
                  "permutations | Permutations | count | Random permutations and bootstrap resamples drawn.",
                  "seed | Seed | count | The seed they were drawn from.",
                  "conclusion | Conclusion | text | The result in one sentence.")),
    TableSpec("evaluation people", "Intervention evaluation: each person's change",
              "Each member and comparable person's cross-school colleagues before and after (`netmap evaluate "
              "--out`: people.csv; names no one, but ids are personal data).", _columns(
                  "staff_id | Staff id | id | The person's id.",
                  "arm | Arm | label | member or comparison.",
                  "school_id | School | id | Their school in the earlier snapshot.",
                  "role | Role | label | Their role in the earlier snapshot.",
                  "before | Before | count | Their cross-school colleagues in the earlier snapshot.",
                  "after | After | count | In the later one.",
                  "change | Change | number | After minus before.")),
    TableSpec("joiners people", "New joiners",
              "Each member of staff who started on or after the chosen date: when they reached each "
              "milestone.", _columns(
                  "staff_id | Staff id | id | The person's id.",
                  "school_id | School | id | Their school in the latest snapshot.",
                  "started_on | Started | date | When they started (with the trust, for staff who came with a school "
                  "that joined).",
                  "cohort | Cohort | label | The school term they started in.",
                  *_milestones(PERSON_MILESTONES, "starting"))),
    TableSpec("joiners schools", "Schools that joined",
              "Each school that joined on or after the chosen date and is in a snapshot.", _columns(
                  "school_id | School | id | The school's id.",
                  "joined_on | Joined | date | When it joined the trust.",
                  "first_snapshot | First snapshot | date | The first snapshot it is in.",
                  *_milestones(SCHOOL_MILESTONES, "joining"))),
    TableSpec("joiners cohorts", "New joiners by cohort",
              "Per cohort, the share of its joiners who reached each milestone by the latest snapshot; then the "
              "staff already there, for comparison.", _columns(
                  "cohort | Started | label | A school term, or established staff.",
                  "people | People | count | Its members.",
                  *(TableColumn(f"share_with_{m}", COHORT_HEADINGS[m],
                                f"Share who had their {words} by the latest snapshot.", "share")
                    for m, words in PERSON_MILESTONES.items()))),
    TableSpec("schools to help", "Schools to help first",
              "The schools that need connecting, in the order to act (netmap.analysis.priorities).", _columns(
                  "school_id | School id | id | The school's id.",
                  "name | School | text | Its name.",
                  "priority | Priority | label | The trust's own priority for it (schools.csv): high, medium, low or "
                  "empty.",
                  "need | Need | label | isolated, weakly connected or unclear (too few answers).",
                  "schools_reached | Schools reached | count | Other schools its staff are tied to.",
                  "external_ties | Ties to other schools | count | Its staff's ties to other schools.",
                  "dependency | Dependency | share | Share of its links to other schools held by one person.",
                  "reason | Why | text | Why it is listed, in words.",
                  "context | Context | text | The trust's own columns of schools.csv for it, as name: value pairs.")),
)


def table(key: str) -> TableSpec:
    """The declaration of table `key`; KeyError naming the tables there are otherwise."""
    for spec in TABLES:
        if spec.key == key:
            return spec
    raise KeyError(f"no table {key!r}: the tables are {', '.join(s.key for s in TABLES)}")


def columns_of(key: str) -> list[str]:
    """The column names of table `key`, in order."""
    return table(key).names


def tables_markdown(web: Sequence[TableSpec] = ()) -> str:
    """docs/tables.md: each table with its columns, headings, formats and descriptions; then the `web` pages' own
    tables (webapp.table_columns, which writes the page with them)."""
    lines = ["# Tables", "",
             "The columns of the tables netmap computes beyond the metric tables (those are in docs/metrics.md),",
             "generated from `netmap/analysis/tables.py`, then of the tables only the web pages show, from",
             "`webapp/table_columns.py`; regenerate with `python -m webapp.table_columns > docs/tables.md`.", ""]
    for part, specs in (("", TABLES), ("# The web pages' own tables", web)):
        lines += [part, ""] if part and specs else []
        for spec in specs:
            lines += [f"## {spec.title} (`{spec.key}`)", "", spec.description, "",
                      "| Column | Heading | Format | What it holds |", "|---|---|---|---|"]
            lines += [f"| `{c.name}` | {c.heading} | {c.format} | {c.description} |" for c in spec.columns]
            lines.append("")
    lines += ["## Formats", "", *(f"- **{name}**: {meaning}" for name, meaning in FORMATS.items()), ""]
    return "\n".join(lines)
