"""The hand-built trust of tests/test_suppression_noninterference.py (five schools over two snapshots, in variants that
differ only in what is hidden from the aggregate roles: that module's docstring describes it), served by a web app;
shared with the tests of how a role's view is kept (tests/test_role_view_memo.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.web_helpers import NO_STABILITY, make_app
from webapp.accounts import Accounts

__all__ = ["FIRST", "MEMBERS", "NAMES", "SECOND", "SHOWN", "SHOWN_TIES", "VARIANTS", "Variant", "hidden_units_app",
           "write_trust"]

FIRST, SECOND = "2026-03-01", "2026-09-15"
SHOWN = {"A": 12, "B": 10, "C": 8, "D": 6}
NAMES = {"A": "Ash", "B": "Beech", "C": "Cedar", "D": "Damson", "F": "Fir"}
SHOWN_TIES = [("a1", "b1"), ("a2", "b2"), ("a3", "c1"), ("b3", "c2"), ("c4", "d1"), ("d2", "a6"), ("a5", "b5")]
MEMBERS = {"LEADS": ["a1", "a2", "b1", "b2", "c1", "c2"], "NET": ["a3", "a4", "b3", "b4", "c3"]}


@dataclass(frozen=True)
class Variant:
    """What is hidden from aggregate roles: Fir's staff, their ties (within Fir, and with staff of shown schools),
    a secondment of one of them, and the small group's members."""

    fir: int
    ties: tuple[tuple[str, str], ...]
    small: tuple[str, ...]
    seconded: bool = False
    why: str = field(default="", compare=False)


VARIANTS = (
    Variant(3, (("f1", "f2"), ("f2", "f3"), ("f1", "a1"), ("f2", "b1")), ("f1", "a5", "b5"), why="as loaded"),
    Variant(1, (), ("a5",), why="one person, no ties, a one-member group"),
    Variant(4, (("f1", "f2"), ("f2", "f3"), ("f3", "f4"), ("f1", "a1"), ("f2", "a2"), ("f3", "c1"), ("f4", "d1"),
                ("f1", "a5"), ("f2", "b5"), ("f3", "a12")), ("f1", "f2", "f3", "a5"),
            why="ties to every school and to the lead's members; group members' ties"),
    Variant(2, (("f1", "f2"), ("f1", "c8"), ("f2", "d6"), ("f1", "b10"), ("f2", "a3")), ("b5", "c5", "a6", "f2"),
            seconded=True, why="a secondment from Fir to Ash under way"),
    Variant(4, (("f1", "f2"), ("f2", "f3"), ("f3", "f4")), ("a5", "b5"), why="isolated: no tie to another school"),
)


def write_trust(folder: Path, as_of: str, variant: Variant) -> Path:
    """`variant` of the trust as of `as_of`, as CSV files in `folder`."""
    folder.mkdir(parents=True)
    (folder / "schools.csv").write_text("school_id,name,phase,joined_on\n" + "".join(
        f"{s},{n} School,primary,2015-09-01\n" for s, n in NAMES.items()))
    staff = ["staff_id,school_id,role,name,subjects,started_on"]
    ties = ["source_staff_id,target_staff_id,kind"]
    for school, n in {**SHOWN, "F": variant.fir}.items():
        people = [f"{school.lower()}{i}" for i in range(1, n + 1)]
        staff += [f"{p},{school},{'headteacher' if p[1:] == '1' else 'teacher'},Person {p.upper()},maths,2015-09-01"
                  for p in people]
        if school != "F":
            ties += [f"{a},{b},co-planning" for a, b in zip(people, people[1:], strict=False)]
    ties += [f"{a},{b},advice" for a, b in (*SHOWN_TIES, *variant.ties)]
    ties.append("c1,d1,advice" if as_of == FIRST else "a2,c3,peer-review")  # something changes between snapshots
    (folder / "staff.csv").write_text("\n".join(staff) + "\n")
    (folder / "collaborations.csv").write_text("\n".join(ties) + "\n")
    (folder / "groups.csv").write_text("group_id,name,kind,subject,phase\nLEADS,Leaders network,expert-network,,\n"
                                       "NET,Maths network,subject-community,maths,\n"
                                       "SMALL,Small schools network,expert-network,,\n")
    members = [(p, g) for g, people in MEMBERS.items() for p in people] + [(p, "SMALL") for p in variant.small]
    (folder / "memberships.csv").write_text("staff_id,group_id,role\n" + "".join(
        f"{p},{g},{'lead' if i == 0 else 'member'}\n" for g in ("LEADS", "NET", "SMALL")
        for i, p in enumerate(p for p, group in members if group == g)))
    if variant.seconded:
        (folder / "secondments.csv").write_text("staff_id,from_school_id,to_school_id,starts_on,ends_on,purpose\n"
                                                "f1,F,A,2025-01-01,,covering a maths post\n")
    return folder


def hidden_units_app(root: Path, variant: Variant) -> Flask:
    """The web app over both snapshots of `variant`, loaded and analysed, a user of each role; the network lead
    leads LEADS."""

    with SQLiteStore(root / "store.db") as store:
        for as_of in (FIRST, SECOND):
            dataset = read_trust(write_trust(root / as_of, as_of, variant))[0]
            analysis_of(store, store.write_snapshot(dataset, as_of, source="test").snapshot, NO_STABILITY)
    app = make_app(root, None)
    with Accounts(root / "users.db") as accounts:
        accounts.users.set_groups("network-lead", ["LEADS"])
    return app
