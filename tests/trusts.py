"""The small hand-built trusts the tests share, defined once: test modules import them from here, never from
each other.

- TINY (tests/data/tiny): 3 schools, 5 staff, 2 groups, 4 ties.
- PLANTED (tests/data/planted): 11 staff in four schools, every measure known by hand (tests/test_analysis_planted.py
  says which); NAMES are its staff's names, LEAD_SCOPE whom a network lead of MATHS sees by name.
- later_trust(): PLANTED as a later snapshot, every change known (tests/test_compare.py describes them).
- SAMPLE (data/samples/trust): the realistic sample trust netmap's own generator writes.
- NOTICE: a privacy notice that passes the checks for opening a survey round.
"""

from __future__ import annotations

import shutil
from pathlib import Path

TINY = Path(__file__).parent / "data" / "tiny"
PLANTED = Path(__file__).parent / "data" / "planted"
SAMPLE = Path(__file__).parent.parent / "data" / "samples" / "trust"

NAMES = {"a1": "Head of A", "a2": "Maths teacher A", "a3": "Teacher A", "a4": "Isolate A", "b1": "Head of B",
         "b2": "Head of maths B", "b3": "Teacher B", "c1": "Head of C", "c2": "Teacher C", "d1": "Head of D",
         "d2": "Teacher D"}
LEAD_SCOPE = {"a2", "b2"}  # the members of MATHS; a4 (disconnected, at school A) only when assigned

NOTICE = ("Purpose: to see how colleagues collaborate across our schools, so that networks can support them. "
          "Who sees what: the trust's network leads see names; the board sees school totals only. "
          "Retention: answers are kept for one year, then deleted. Contact: dpo@trust.example.")


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
