"""The small hand-built trusts the tests share, defined once: test modules import them from here, never from
each other.

- TINY (tests/data/tiny): 3 schools, 5 staff, 2 groups, 4 ties.
- PLANTED (tests/data/planted): 11 staff in four schools, every measure known by hand (tests/test_analysis_planted.py
  says which); NAMES are its staff's names, LEAD_SCOPE whom a network lead of MATHS sees by name.
- later_trust(): PLANTED as a later snapshot, every change known (tests/test_compare.py describes them).
- planted_dataset(): PLANTED read and checked once a session, shared read only (an app's store is built from it).
- SAMPLE (data/samples/trust): the realistic sample trust netmap's own generator writes.
- NOTICE: a privacy notice that passes the checks for opening a survey round; SUMMER_ROUND a round over PLANTED
  asking two questions with it.
- subject_trust(): TINY with one person (SUBJECT_ID, SUBJECT_NAME, SUBJECT_EMAIL) whose id, name and email occur
  nowhere else, so that a search of a file's bytes for them after an erasure means something; SUBJECT_ROUND a
  round over it, answered on SUBJECT_ROUND_DAY (tests/test_person_rights*.py).
- two_cliques(), random_trust(): two cliques of six joined by one tie (stable communities) and G(30, 0.15)
  (no stable informal clusters), written to a folder (tests/test_community_stability.py).
- LayoutSnapshot: a snapshot as netmap.layout reads it, built by hand (tests/test_layout*.py).
- ranking_trust(): an isolated school T and candidates for it whose right order is known
  (tests/test_secondment_ranking.py, tests/test_secondees.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from netmap.dataset import Dataset
from netmap.ingest.validate import read_trust
from netmap.layout import MapSource
from netmap.survey.questions import QUESTION_BANK
from netmap.survey.rounds import RoundSpec

TINY = Path(__file__).parent / "data" / "tiny"
PLANTED = Path(__file__).parent / "data" / "planted"
PARTNERSHIP = Path(__file__).parent / "data" / "partnership"  # trusts NORTH, SOUTH and WEST: tests/test_trusts.py
SAMPLE = Path(__file__).parent.parent / "data" / "samples" / "trust"



@functools.cache
def planted_dataset() -> Dataset:
    """PLANTED read and checked once a session (0.1 s of CPU each time): shared, so never change it; a test that
    changes the trust reads its own copy."""
    return read_trust(PLANTED)[0]


NAMES = {"a1": "Head of A", "a2": "Maths teacher A", "a3": "Teacher A", "a4": "Isolate A", "b1": "Head of B",
         "b2": "Head of maths B", "b3": "Teacher B", "c1": "Head of C", "c2": "Teacher C", "d1": "Head of D",
         "d2": "Teacher D"}
LEAD_SCOPE = {"a2", "b2"}  # the members of MATHS; a4 (disconnected, at school A) only when assigned

NOTICE = ("Purpose: to see how colleagues collaborate across our schools, so that networks can support them. "
          "Who sees what: the trust's network leads see names; the board sees school totals only. "
          "Retention: answers are kept for one year, then deleted. Contact: dpo@trust.example.")


SUMMER_ROUND = RoundSpec("Summer 2026", "2026-07-01", (QUESTION_BANK["planning"], QUESTION_BANK["send"]),
                         max_names=3, opens_on="2026-07-02", closes_on="2099-07-20", privacy_notice=NOTICE)

SUBJECT_ID, SUBJECT_NAME, SUBJECT_EMAIL = "ZQ-4471", "Alan Quintrell", "alan.quintrell@oak.example"
SUBJECT_ROUND = RoundSpec("Summer 2026", "2026-07-01", (QUESTION_BANK["planning"],), max_names=3,
                          opens_on="2026-07-02", closes_on="2026-07-20", privacy_notice=NOTICE)
SUBJECT_ROUND_DAY = dt.datetime(2026, 7, 10, 9, 0, tzinfo=dt.UTC)


def subject_trust(folder: Path) -> Path:
    """TINY copied to `folder` with S2 renamed to SUBJECT_ID, called SUBJECT_NAME, and an email column."""
    folder.mkdir()
    for source in TINY.iterdir():
        (folder / source.name).write_text(source.read_text(encoding="utf-8").replace("S2", SUBJECT_ID)
                                          .replace("Alan Turing", SUBJECT_NAME), encoding="utf-8")
    staff = pd.read_csv(folder / "staff.csv", dtype=str)
    staff["email"] = [f"{n.split()[0].lower()}.{n.split()[-1].lower()}@oak.example" for n in staff["name"]]
    staff.to_csv(folder / "staff.csv", index=False)
    return folder


def names_in(text: str) -> set[str]:
    """The planted staff whose names appear in `text` (a page or a download)."""
    return {person for person, name in NAMES.items() if name in text}


def later_trust(folder: Path) -> Path:
    """PLANTED copied to `folder` as a later snapshot: a1-c1 ended, d1 now asks a1 for advice, c3 joined Cedar
    and works with c2, a4 left."""
    shutil.copytree(PLANTED, folder)
    staff = folder / "staff.csv"
    staff.write_text("".join(line for line in staff.read_text().splitlines(keepends=True)
                             if not line.startswith("a4,")) + "c3,C,teacher,New teacher C,\n")
    ties = folder / "collaborations.csv"
    ties.write_text(ties.read_text().replace("a1,c1,peer-review\n", "") + "d1,a1,advice\nc3,c2,co-planning\n")
    return folder


@dataclass
class LayoutSnapshot:
    """A snapshot as layout reads it (netmap.layout.MapSource), built by hand for the layout tests."""

    schools: pd.DataFrame
    analysis: Any
    graphs: Any
    undirected: nx.Graph
    school_names: dict[str, str]
    layout_cache: dict[str, Any] = field(default_factory=dict)
    load_previous: Callable[[], MapSource | None] = lambda: None


def _hand_trust(folder: Path, people: dict[str, str], ties: list[tuple[str, str]]) -> Path:
    """A trust of the schools in `people` (person -> school) with the given advice ties, and one group of one."""
    folder.mkdir()
    schools = sorted(set(people.values()))
    (folder / "schools.csv").write_text("school_id,name,phase,joined_on\n" + "".join(
        f"{s},School {s},primary,2015-09-01\n" for s in schools))
    (folder / "staff.csv").write_text("staff_id,school_id,role,name,subjects\n" + "".join(
        f"{p},{s},teacher,Person {p},\n" for p, s in people.items()))
    (folder / "collaborations.csv").write_text("source_staff_id,target_staff_id,kind\n" + "".join(
        f"{a},{b},advice\n" for a, b in ties))
    (folder / "groups.csv").write_text("group_id,name,kind,subject,phase\nHEADS,Heads,expert-network,,\n")
    (folder / "memberships.csv").write_text(f"staff_id,group_id,role\n{min(people)},HEADS,lead\n")
    return folder


def two_cliques(folder: Path) -> Path:
    """Six people at A all tied to each other, six at B likewise, and one tie a0-b0 between them."""
    a, b = [f"a{i}" for i in range(6)], [f"b{i}" for i in range(6)]
    ties = [*itertools.combinations(a, 2), *itertools.combinations(b, 2), ("a0", "b0")]
    return _hand_trust(folder, {**dict.fromkeys(a, "A"), **dict.fromkeys(b, "B")}, ties)


def random_trust(folder: Path) -> Path:
    """G(30, 0.15) (seed 1), people in three schools by turn: no lasting sub-groups (agreement 0.41)."""
    graph = nx.gnp_random_graph(30, 0.15, seed=1)
    name = {i: f"p{i:02d}" for i in graph}
    return _hand_trust(folder, {name[i]: "ABC"[i % 3] for i in graph}, [(name[u], name[v]) for u, v in graph.edges()])


EVALUATION_DATES = ("2024-09-01", "2025-07-01")  # the snapshots either side of MATHS beginning (2025-01-01)


def intervention_series(planted: bool) -> Any:
    """Four schools of six teachers (a1..d6) and a group MATHS that a1, a2, b1, b2, c1 and c2 join on 2025-01-01,
    between the two EVALUATION_DATES; the comparison set is a3-a6, b3-b6, c3-c6 (same schools and role).

    planted: each member gains exactly 2 cross-school colleagues (among the members), while a3 gains one (d1)
    and b3 loses one (d2): the dividend is 2. Otherwise: members change by +1, -1, +1, -1, 0, 0 (ties with D)
    and a3 by +1, b3 by -1: no dividend.
    """
    people = [f"{s}{i}" for s in "abcd" for i in range(1, 7)]
    schools = pd.DataFrame({"school_id": list("ABCD"), "name": ["Ash", "Birch", "Cedar", "Damson"],
                            "phase": "primary"})
    staff = pd.DataFrame({"staff_id": people, "school_id": [p[0].upper() for p in people], "role": "teacher",
                          "name": [f"Teacher {p}" for p in people]})
    members = ["a1", "a2", "b1", "b2", "c1", "c2"]
    old, new = "2024-03-01", "2025-06-01"  # within the default 400-day window of one snapshot only
    ties = [("a4", "a5", old), ("b4", "b5", old), ("b3", "d2", old), ("a3", "d1", new)]
    if planted:
        ties += [(x, y, new) for x, y in (("a1", "b1"), ("a1", "c1"), ("b1", "c1"), ("a2", "b2"), ("a2", "c2"),
                                          ("b2", "c2"))]
    else:
        ties += [("b1", "d3", old), ("c2", "d4", old), ("a1", "d5", new), ("c1", "d6", new)]
    collaborations = pd.DataFrame(ties, columns=["source_staff_id", "target_staff_id", "observed_on"]).assign(
        kind="co-planning")
    return Dataset.from_tables({
        "schools": schools, "staff": staff, "collaborations": collaborations,
        "groups": pd.DataFrame({"group_id": ["MATHS"], "name": ["Maths network"], "kind": ["subject-community"]}),
        "memberships": pd.DataFrame({"staff_id": members, "group_id": "MATHS", "joined_on": "2025-01-01"})})


def intervention_folder(folder: Path, planted: bool) -> Path:
    """intervention_series(planted) written to `folder` as CSV files, to load with `netmap load`."""
    folder.mkdir()
    for name, frame in intervention_series(planted).tables():
        if len(frame):
            frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


# T needs help (isolated). A, B, H and L are primaries whose maths teachers each reach X and Y: equivalent
# candidates but for their home school (B's is its only maths teacher; H is a high-priority school) and their
# plans (l1 starts a secondment in two weeks, l2 leaves at the end of August, l3 has resigned for December).
RANKING_SCHOOLS = {"T": ("primary", "high"), "A": ("primary", "low"), "B": ("primary", "low"),
                   "H": ("primary", "high"), "L": ("primary", "low"), "X": ("secondary", "low"),
                   "Y": ("secondary", "low"), "Z": ("secondary", "low"), "CEN": ("central", None)}
RANKING_STAFF = {"t1": ("T", "maths", "teacher"), "t2": ("T", "english", "teacher"), "t3": ("T", "finance", "support"),
                 "a1": ("A", "maths", "teacher"), "a2": ("A", "maths", "teacher"), "a3": ("A", None, "teacher"),
                 "b1": ("B", "maths", "teacher"), "b2": ("B", "english", "teacher"),
                 "h1": ("H", "maths", "teacher"), "h2": ("H", "maths", "teacher"),
                 "l1": ("L", "maths", "teacher"), "l2": ("L", "maths", "teacher"), "l3": ("L", "maths", "teacher"),
                 "l4": ("L", "maths", "teacher"),
                 "c1": ("CEN", "finance;data", "central"), "c2": ("CEN", "maths", "central"),
                 "x1": ("X", "maths", "teacher"), "y1": ("Y", "maths", "teacher"), "z1": ("Z", "maths", "teacher")}
RANKING_LEFT_ON = {"l2": "2026-08-31", "l3": "2026-12-31"}
RANKING_REACHING = ("a1", "b1", "h1", "l1", "l2", "l3", "l4", "c1", "c2")  # each tied to x1 and y1
RANKING_TIES = ([(p, o) for p in RANKING_REACHING for o in ("x1", "y1")]
                + [("t1", "t2"), ("t2", "t3"), ("a2", "z1"), ("b2", "z1"), ("h2", "z1"), ("a1", "a3"), ("b1", "b2"),
                   ("h1", "h2"), ("c1", "c2")])


def ranking_trust() -> Dataset:
    """The ranking trust (tests/test_secondment_ranking.py, tests/test_secondees.py), described above."""
    schools, staff = RANKING_SCHOOLS, RANKING_STAFF
    schools_table = pd.DataFrame({"school_id": list(schools), "name": [f"School {s}" for s in schools],
                                  "phase": [v[0] for v in schools.values()],
                                  "priority": [v[1] for v in schools.values()]})
    staff_table = pd.DataFrame({"staff_id": list(staff), "school_id": [v[0] for v in staff.values()],
                                "subjects": [v[1] for v in staff.values()], "role": [v[2] for v in staff.values()],
                                "left_on": [RANKING_LEFT_ON.get(p) for p in staff]})
    ties = pd.DataFrame({"source_staff_id": [a for a, _ in RANKING_TIES],
                         "target_staff_id": [b for _, b in RANKING_TIES], "kind": "co-planning", "weight": 1.0})
    secondments = pd.DataFrame({"staff_id": ["l1"], "from_school_id": ["L"], "to_school_id": ["Y"],
                                "starts_on": ["2026-07-15"], "ends_on": ["2027-07-14"], "purpose": ["Cover"]})
    return Dataset.from_tables({"schools": schools_table, "staff": staff_table, "collaborations": ties,
                                "secondments": secondments})
