"""The data contract: which files a trust supplies, their columns, types and allowed values, declared as data.

The validator, the stores and docs/data-format.md all read these specs, so a column is defined in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from anyascii import anyascii

__all__ = [
    "BUILTIN_TIE_KINDS",
    "COORDINATE_RANGES",
    "GROUP_KINDS",
    "MAX_EXTRA_LENGTH",
    "MAX_LENGTHS",
    "MEMBERSHIP_ROLES",
    "PHASES",
    "PRIORITIES",
    "RESPONSE_STATUSES",
    "ROLES",
    "TABLES",
    "TABLE_NAMES",
    "TIE_FLOWS",
    "TIE_KINDS",
    "Column",
    "TableSpec",
    "TieKind",
    "normalise_header",
    "subject_key",
    "table_spec",
]

PRIORITIES = ("high", "medium", "low")
PHASES = ("nursery", "primary", "secondary", "all-through", "special", "alternative-provision", "post-16",
          "central")
ROLES = ("teacher", "middle-leader", "senior-leader", "headteacher", "support", "central")
GROUP_KINDS = ("expert-network", "subject-community")
MEMBERSHIP_ROLES = ("member", "lead")
RESPONSE_STATUSES = ("responded", "no response", "not surveyed", "unknown")

# Which way what a tie carries flows, given a row "source names target" (the source answered the question):
# target-to-source: the named person gives (advice, information, expertise: "whom do you go to for ...");
# source-to-target: the respondent gives ("whom do you coach / advise");
# mutual: both give and take (co-planning, sharing, peer review); the direction only records who answered.
TIE_FLOWS = ("target-to-source", "source-to-target", "mutual")


@dataclass(frozen=True)
class TieKind:
    """A kind of soft tie: its name, which way it flows, a label for people and the question that collects it."""

    kind: str
    flow: str
    label: str
    question: str


BUILTIN_TIE_KINDS: tuple[TieKind, ...] = (
    TieKind("advice", "target-to-source", "Advice", "Whom do you go to for advice about your work?"),
    TieKind("information", "target-to-source", "Information", "Whom do you go to for information you need?"),
    TieKind("expertise", "target-to-source", "Expertise", "Whose expertise do you rely on?"),
    TieKind("co-planning", "mutual", "Co-planning", "Whom do you plan lessons or projects with?"),
    TieKind("resource-sharing", "mutual", "Sharing resources", "Whom do you share resources with?"),
    TieKind("coaching", "mutual", "Coaching", "Who is in a coaching pair with you?"),
    TieKind("peer-review", "mutual", "Peer review", "Whom do you review work with?"),
    TieKind("joint-project", "mutual", "Joint project", "Whom do you run a joint project with?"),
    TieKind("other", "mutual", "Other collaboration", "Whom else do you work with?"),
)
TIE_KINDS = tuple(k.kind for k in BUILTIN_TIE_KINDS)

ColumnKind = Literal["id", "text", "enum", "date", "weight", "list", "coordinate"]

# The longest value a column of each kind holds, in characters, unless the column says otherwise: far above any
# real id, name or list of subjects, far below what would bloat pages, files and memory (a 40 MB "name").
MAX_LENGTHS: dict[str, int] = {"id": 64, "text": 200, "enum": 64, "date": 32, "weight": 32, "list": 1000,
                               "coordinate": 32}
# A coordinate column's bounds, in decimal degrees (WGS84, as GPS and web maps give them).
COORDINATE_RANGES: dict[str, tuple[float, float]] = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 180.0)}
MAX_EXTRA_LENGTH = 1000  # a trust's own columns (context shown beside a school, such as an inspection note)


@dataclass(frozen=True)
class Column:
    """One contract column: its canonical name, type, whether it is required, and what it refers to."""

    name: str
    kind: ColumnKind
    required: bool = False
    allowed: tuple[str, ...] = ()
    default: str | None = None
    refers_to: str | None = None  # name of the table whose key this column references
    help: str = ""
    since: int = 1  # contract version that added it: left blank, it is not stored (old hashes hold)
    max_length: int | None = None  # characters; None: MAX_LENGTHS for its kind

    @property
    def longest(self) -> int:
        """The most characters a value of this column may have."""
        return self.max_length or MAX_LENGTHS[self.kind]


@dataclass(frozen=True)
class TableSpec:
    """One input file (or workbook sheet): its columns, its unique key and whether it may be absent."""

    name: str
    columns: tuple[Column, ...]
    key: str | None = None
    optional: bool = False
    help: str = ""
    since: int = 1  # contract version that added it: an empty table added later is not stored (old hashes hold)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


TABLES: tuple[TableSpec, ...] = (
    TableSpec("schools", key="school_id", help="One row per school, plus the central team if it has staff.", columns=(
        Column("school_id", "id", required=True, help="Your own short code, e.g. OAK."),
        Column("name", "text", required=True),
        Column("phase", "enum", required=True, allowed=PHASES),
        Column("joined_on", "date", help="When the school joined the trust: a snapshot dated earlier leaves the "
                                                  "school and its staff out."),
        Column("region", "text"),
        Column("priority", "enum", allowed=PRIORITIES,
               help="The trust's own call on how much the school needs support now (high, medium or low), e.g. "
                    "from its risk rating: planners put isolated or weakly connected high-priority schools first. "
                    "Any other column you add (inspection grade, support category) is kept and shown as context.",
               since=3),
        Column("latitude", "coordinate", since=4,
               help="Where the school is, in decimal degrees (WGS84, as a web map gives it), e.g. 51.5074: with "
                    "longitude, the school map can draw schools at their places. `netmap import gias` fills both."),
        Column("longitude", "coordinate", since=4, help="Decimal degrees east (west below 0), e.g. -0.1278."),
        Column("trust_id", "id", since=6,
               help="In a store shared by a partnership of trusts, the trust the school belongs to, e.g. NORTH: "
                    "given for every school or for none (none: one trust). docs/partnerships.md."),
        Column("trust_name", "text", since=6, help="The trust's name as pages show it, e.g. Northern Schools "
                                                   "Trust; one name per trust_id."),
    )),
    TableSpec("staff", key="staff_id", help="One row per member of staff.", columns=(
        Column("staff_id", "id", required=True, help="Your HR or MIS id; never reused."),
        Column("school_id", "id", required=True, refers_to="schools"),
        Column("role", "enum", required=True, allowed=ROLES),
        Column("name", "text"),
        Column("subjects", "list", help="Subjects or specialisms separated by ';', e.g. maths;physics."),
        Column("started_on", "date"),
        Column("left_on", "date", help="Blank while in post."),
    )),
    TableSpec("groups", key="group_id", help="The hard wiring: expert networks and subject communities.",
              columns=(
        Column("group_id", "id", required=True),
        Column("name", "text", required=True),
        Column("kind", "enum", required=True, allowed=GROUP_KINDS),
        Column("subject", "text", help="For a subject community, the subject it serves."),
        Column("phase", "enum", allowed=PHASES, help="The phase it serves, if any."),
    )),
    TableSpec("memberships", help="Who belongs to which group.", columns=(
        Column("staff_id", "id", required=True, refers_to="staff"),
        Column("group_id", "id", required=True, refers_to="groups"),
        Column("role", "enum", allowed=MEMBERSHIP_ROLES, default="member"),
        Column("joined_on", "date"),
        Column("left_on", "date"),
    )),
    TableSpec("collaborations", help="The soft wiring: one row per reported tie, 'source works with target'.",
              columns=(
        Column("source_staff_id", "id", required=True, refers_to="staff"),
        Column("target_staff_id", "id", required=True, refers_to="staff"),
        Column("kind", "enum", allowed=TIE_KINDS, default="other",
               help="One of the built-in kinds or a kind declared in tie_kinds."),
        Column("weight", "weight", default="1", help="How strong or frequent; a number above 0."),
        Column("observed_on", "date"),
    )),
    TableSpec("secondments", optional=True, help="Who is seconded from one school to another, and when.", columns=(
        Column("staff_id", "id", required=True, refers_to="staff"),
        Column("from_school_id", "id", required=True, refers_to="schools"),
        Column("to_school_id", "id", required=True, refers_to="schools"),
        Column("starts_on", "date", required=True),
        Column("ends_on", "date"),
        Column("purpose", "text", max_length=500),
    )),
    TableSpec("tie_kinds", key="kind", optional=True, since=2,
              help="Your own kinds of soft tie, or new wording for built-in ones: which way each flows.", columns=(
        Column("kind", "id", required=True, help="The kind as written in collaborations.csv, e.g. phonics-advice."),
        Column("flow", "enum", required=True, allowed=TIE_FLOWS,
               help="target-to-source: the named person gives (advice); source-to-target: the respondent gives; "
                    "mutual: both (co-planning)."),
        Column("label", "text", help="How people read it, e.g. Phonics advice."),
        Column("question", "text", help="The question that collected it.", max_length=500),
    )),
    TableSpec("respondents", optional=True, since=2,
              help="Who was surveyed and who answered: one row per person per survey round.", columns=(
        Column("staff_id", "id", required=True, refers_to="staff"),
        Column("round", "text", help="The survey round, e.g. 2026 summer."),
        Column("responded_on", "date", help="When they answered; blank if surveyed but did not answer."),
        Column("round_id", "id", since=5,
               help="The round's id, telling apart rounds with the same title (written by a closed round)."),
        Column("kinds", "text", since=5,
               help="The tie kinds the round asked about, space-separated, e.g. advice collaboration; blank: not "
                    "known, so a later answer ends none of this person's earlier ties."),
    )),
)
TABLE_NAMES = tuple(t.name for t in TABLES)
_SPECS = {t.name: t for t in TABLES}

# Pairs of (start, end) date columns where the end must not come before the start.
DATE_ORDER = {"staff": ("started_on", "left_on"), "memberships": ("joined_on", "left_on"),
              "secondments": ("starts_on", "ends_on")}


def table_spec(name: str) -> TableSpec:
    """The spec of the table called `name`."""
    return _SPECS[name]


_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_header(header: str) -> str:
    """Fold a header or value for matching: case, surrounding spaces and -/_/space differences are ignored."""
    return _SEPARATORS.sub("_", str(header).strip().lower()).strip("_")


def subject_key(subject: str) -> str:
    """A subject as matched everywhere (groups' scope, planner, what-if): case, accents (folded as names are,
    "Français" = "francais") and runs of -/_/space ignored, so a subject community for "Maths" finds staff whose
    subjects say "maths"."""
    return " ".join(_SEPARATORS.split(anyascii(subject).strip().casefold())).strip()
