"""The columns of every table the analysis produces beyond the metric tables (netmap.analysis.columns): comparing
two snapshots, new joiners' integration, and the schools to help first. Each column is declared once, as data:
its name, its heading on a page, a sentence saying what it holds, and its format.

The functions that build these tables take their column order from here (as does the web's download of the
compared collaborations, with names), the web's pages take their headings from it, and docs/tables.md is
generated from it (a test checks the page is current and each table built has exactly its declared columns), so
code, pages and documentation cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["TABLES", "TableColumn", "TableSpec", "columns_of", "headings", "table", "tables_markdown"]

Format = Literal["id", "text", "date", "count", "days", "share", "number", "flag", "label"]
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
class TableSpec:
    """One table: `key` (what code asks for), its `title` and `description`, and its columns in order."""

    key: str
    title: str
    description: str
    columns: tuple[TableColumn, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _statuses(prefix: str, heading: str, what: str) -> tuple[TableColumn, ...]:
    """`prefix`_gained, _lost and _persisting: counts of `what` begun, ended and kept between the snapshots."""
    return (TableColumn(f"{prefix}_gained", f"{heading} gained", f"{what} in the later snapshot only.", "count"),
            TableColumn(f"{prefix}_lost", f"{heading} lost", f"{what} in the earlier snapshot only.", "count"),
            TableColumn(f"{prefix}_persisting", f"{heading} kept", f"{what} in both snapshots.", "count"))


def _milestones(names: dict[str, str], start: str) -> tuple[TableColumn, ...]:
    """first_<m> and days_to_<m> for each milestone `m` (named in `names`), counted from `start`."""
    return tuple(column for m, words in names.items() for column in (
        TableColumn(f"first_{m}", words, f"The first snapshot showing their {words.removeprefix('first ')} "
                                         "(empty: none yet).", "date"),
        TableColumn(f"days_to_{m}", f"days to {words.removeprefix('first ')}",
                    f"Days from {start} to that snapshot: an upper bound, as fine as snapshots are frequent.",
                    "days")))


# the milestones of netmap.analysis.joiners (a test checks these are its MILESTONES and SCHOOL_MILESTONES)
PERSON_MILESTONES = {"tie": "first collaboration", "cross_school_tie": "first collaboration with another school",
                     "group": "first group shared with a colleague"}
SCHOOL_MILESTONES = {"cross_school_tie": "first collaboration with another school",
                     "shared_group": "first group shared with another school"}
COHORT_HEADINGS = {"tie": "Share who collaborate", "cross_school_tie": "Share who collaborate with another school",
                   "group": "Share in a group with a colleague"}

TABLES: tuple[TableSpec, ...] = (
    TableSpec("compare ties", "Collaborations gained, lost and kept",
              "Every pair of people tied in either snapshot (`netmap compare`: ties.csv).", (
                  TableColumn("person_a", "Person", "One of the two people (the lower id).", "id"),
                  TableColumn("person_b", "Person", "The other.", "id"),
                  TableColumn("school_a", "School", "The first person's school, in the snapshot that has the tie "
                                                    "(the later one if both).", "id"),
                  TableColumn("school_b", "School", "The second person's school, likewise.", "id"),
                  TableColumn("cross_school", "Across schools", "Whether the two work at different schools.",
                              "flag"),
                  TableColumn("status", "Status", "gained (later only), lost (earlier only) or persisting (both).",
                              "label"))),
    TableSpec("compare ties named", "Collaborations gained, lost and kept (the web's download)",
              "The pairs of `compare ties` within the user's scope, with each person's name.", (
                  TableColumn("status", "Status", "gained, lost or persisting.", "label"),
                  TableColumn("person_a", "Person", "One of the two people.", "id"),
                  TableColumn("name_a", "Name", "Their name.", "text"),
                  TableColumn("school_a", "School", "Their school.", "id"),
                  TableColumn("person_b", "Person", "The other.", "id"),
                  TableColumn("name_b", "Name", "Their name.", "text"),
                  TableColumn("school_b", "School", "Their school.", "id"),
                  TableColumn("cross_school", "Across schools", "Whether the two work at different schools.",
                              "flag"))),
    TableSpec("compare people", "Staff who joined and left",
              "Everyone in post in either snapshot (people.csv).", (
                  TableColumn("staff_id", "Staff id", "The person's id.", "id"),
                  TableColumn("name", "Name", "Their name.", "text"),
                  TableColumn("status", "Change", "joined, left or stayed.", "label"),
                  TableColumn("school_before", "School before", "Their school in the earlier snapshot (empty: not "
                                                                "in post).", "id"),
                  TableColumn("school_after", "School after", "Their school in the later one (empty: not in post).",
                              "id"))),
    TableSpec("compare schools", "Schools: what changed",
              "Per school, its staff's collaborations begun, ended and kept (schools.csv).", (
                  TableColumn("school_id", "School", "The school's id.", "id"),
                  *_statuses("ties", "Collaborations", "Collaborations of its staff"),
                  *_statuses("cross_school", "Across schools", "Collaborations of its staff with another school"),
                  TableColumn("isolation", "Isolation", "became isolated, became connected, isolated (in both), or "
                                                        "empty.", "label"))),
    TableSpec("compare groups", "Networks and communities: what changed",
              "Per group in either snapshot (groups.csv).", (
                  TableColumn("group_id", "Group", "The group's id.", "id"),
                  TableColumn("members_before", "Members before", "Its members in post in the earlier snapshot.",
                              "count"),
                  TableColumn("members_after", "Members after", "In the later one.", "count"),
                  TableColumn("conductivity_before", "Conductivity before", "Share of its member pairs who "
                                                                            "collaborate, earlier.", "share"),
                  TableColumn("conductivity_after", "Conductivity after", "The same, later.", "share"),
                  TableColumn("dormant_before", "Dormant before", "Whether it was dormant (docs/metrics.md), "
                                                                  "earlier.", "flag"),
                  TableColumn("dormant_after", "Dormant after", "The same, later.", "flag"),
                  TableColumn("change", "Change", "rose, fell or same (conductivity), new or ended.", "label"),
                  *_statuses("ties", "Collaborations", "Collaborations between its members"))),
    TableSpec("compare roles", "Brokers and key connectors gained and lost",
              "People who are a broker or a school's key connector in one snapshot and not the other (roles.csv).", (
                  TableColumn("kind", "Role", "broker or key connector.", "label"),
                  TableColumn("staff_id", "Staff id", "The person's id.", "id"),
                  TableColumn("name", "Person", "Their name.", "text"),
                  TableColumn("school_id", "School", "Their school (a key connector: the school they connect).",
                              "id"),
                  TableColumn("change", "Change", "gained or lost.", "label"))),
    TableSpec("compare communities", "Informal communities followed",
              "Each informal community followed from the earlier snapshot to the later (communities.csv).", (
                  TableColumn("community_before", "Was", "Its number in the earlier snapshot (empty: new).", "id"),
                  TableColumn("community_after", "Now numbered", "Its number in the later one (empty: dissolved).",
                              "id"),
                  TableColumn("tracked", "Community", "The number it is followed by across snapshots.", "id"),
                  TableColumn("size_before", "People then", "Its people in the earlier snapshot.", "count"),
                  TableColumn("size_after", "People now", "In the later one.", "count"),
                  TableColumn("shared", "In both", "People in both.", "count"),
                  TableColumn("event", "What happened", "continued, merged, born, split or dissolved.", "label"))),
    TableSpec("joiners people", "New joiners",
              "Each member of staff who started on or after the chosen date: when they reached each milestone.", (
                  TableColumn("staff_id", "Staff id", "The person's id.", "id"),
                  TableColumn("school_id", "School", "Their school in the latest snapshot.", "id"),
                  TableColumn("started_on", "Started", "When they started (with the trust, for staff who came with "
                                                       "a school that joined).", "date"),
                  TableColumn("cohort", "Cohort", "The school term they started in.", "label"),
                  *_milestones(PERSON_MILESTONES, "starting"))),
    TableSpec("joiners schools", "Schools that joined",
              "Each school that joined on or after the chosen date and is in a snapshot.", (
                  TableColumn("school_id", "School", "The school's id.", "id"),
                  TableColumn("joined_on", "Joined", "When it joined the trust.", "date"),
                  TableColumn("first_snapshot", "First snapshot", "The first snapshot it is in.", "date"),
                  *_milestones(SCHOOL_MILESTONES, "joining"))),
    TableSpec("joiners cohorts", "New joiners by cohort",
              "Per cohort, the share of its joiners who reached each milestone by the latest snapshot; then the "
              "staff already there, for comparison.", (
                  TableColumn("cohort", "Started", "A school term, or established staff.", "label"),
                  TableColumn("people", "People", "Its members.", "count"),
                  *(TableColumn(f"share_with_{m}", COHORT_HEADINGS[m],
                                f"Share who had their {words} by the latest snapshot.", "share")
                    for m, words in PERSON_MILESTONES.items()))),
    TableSpec("schools to help", "Schools to help first",
              "The schools that need connecting, in the order to act (netmap.analysis.priorities).", (
                  TableColumn("school_id", "School id", "The school's id.", "id"),
                  TableColumn("name", "School", "Its name.", "text"),
                  TableColumn("priority", "Priority", "The trust's own priority for it (schools.csv): high, medium, "
                                                      "low or empty.", "label"),
                  TableColumn("need", "Need", "isolated, weakly connected or unclear (too few answers).", "label"),
                  TableColumn("schools_reached", "Schools reached", "Other schools its staff are tied to.", "count"),
                  TableColumn("external_ties", "Ties to other schools", "Its staff's ties to other schools.",
                              "count"),
                  TableColumn("dependency", "Dependency", "Share of its links to other schools held by one person.",
                              "share"),
                  TableColumn("reason", "Why", "Why it is listed, in words.", "text"),
                  TableColumn("context", "Context", "The trust's own columns of schools.csv for it, as name: value "
                                                    "pairs.", "text"))),
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


def headings(key: str) -> dict[str, str]:
    """Each column's heading on a page, by column name, for table `key`."""
    return {c.name: c.heading for c in table(key).columns}


def tables_markdown() -> str:
    """docs/tables.md: each table with its columns, headings, formats and descriptions."""
    lines = ["# Tables", "",
             "The columns of the tables netmap computes beyond the metric tables (those are in docs/metrics.md),",
             "generated from `netmap/analysis/tables.py`; regenerate with",
             "`python -c \"from netmap.analysis.tables import tables_markdown; print(tables_markdown(), end='')\""
             " > docs/tables.md`.", ""]
    for spec in TABLES:
        lines += [f"## {spec.title} (`{spec.key}`)", "", spec.description, "",
                  "| Column | Heading | Format | What it holds |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.heading} | {c.format} | {c.description} |" for c in spec.columns]
        lines.append("")
    lines += ["## Formats", "", *(f"- **{name}**: {meaning}" for name, meaning in FORMATS.items()), ""]
    return "\n".join(lines)
