"""Something back for a respondent: once a round has closed, the link they submitted through shows their own
network profile: whom they named, how many colleagues named them (a count only, never who, and "fewer than N"
below the trust's smallest group shown), and up to three colleagues in their subject or phase at other schools
they might meet, chosen from the staff every respondent could already find on the round's list. docs/surveys.md,
"Something back for respondents"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable

import pandas as pd

from netmap import clock
from netmap.errors import RoundClosed, UnknownLink
from netmap.store.base import GraphStore
from netmap.store.survey_records import RoundRecord
from netmap.survey.closing import surveyed_staff
from netmap.survey.links import Link, digest
from netmap.survey.service import find_round, spec_of

__all__ = ["PROFILE_DAYS", "SUGGESTED", "Colleague", "Profile", "closed_link_of", "network_profile"]

PROFILE_DAYS = 90  # the profile stays on the link this many days after the round's closing day, then it ends
SUGGESTED = 3


@dataclasses.dataclass(frozen=True)
class Colleague:
    """Someone shown on a profile: name, school, role and why they are there (the question, or what is shared)."""

    name: str
    school: str
    role: str
    why: str


@dataclasses.dataclass(frozen=True)
class Profile:
    """A respondent's own network after a round: whom they named, how many named them (None: fewer than
    `threshold`, not shown exactly), and colleagues they might meet."""

    round_title: str
    name: str
    school: str
    named: tuple[Colleague, ...]
    named_by: int | None
    threshold: int
    suggestions: tuple[Colleague, ...]


def closed_link_of(store: GraphStore, token: str, now: dt.datetime | None = None) -> tuple[Link, RoundRecord]:
    """The link and its closed round when `token` is the link its holder submitted their answers through, within
    PROFILE_DAYS of the closing day; UnknownLink for a link never issued, RoundClosed (saying why nothing is shown)
    otherwise. Only the submitting link shows a profile: a reissued or reminder link that saved nothing may be in
    other hands (docs/surveys.md)."""
    link = store.find_link(digest(token))
    if link is None:
        raise UnknownLink("This survey link is not valid. Use the link you were sent.")
    record = find_round(store, link.round_id)
    spec = spec_of(record)
    if record.status != "closed":
        raise RoundClosed("This survey has not closed yet.")
    ends = dt.date.fromisoformat(spec.closes_on) + dt.timedelta(days=PROFILE_DAYS)
    if (now or clock.now()).date() > ends:
        raise RoundClosed(f"This survey closed on {spec.closes_on}; the network profile it showed ended on "
                          f"{ends.isoformat()}.")
    if store.read_sheet(link.round_id, link.staff_id).submitted_via != link.digest:
        raise RoundClosed(f"This survey closed on {spec.closes_on}. A network profile is shown only through the "
                          "link the answers were submitted with.")
    return link, record


def network_profile(store: GraphStore, record: RoundRecord, staff_id: str, threshold: int) -> Profile:
    """`staff_id`'s profile after the closed round `record`: from the round's submitted answers and the staff of
    its base snapshot (people excluded from analysis left out: their nominations are not counted, and a respondent
    since excluded gets RoundClosed, the closed form's message). `threshold`: the smallest count shown exactly."""
    spec = spec_of(record)
    base = store.read_dataset(spec.base_as_of)
    staff = surveyed_staff(base, spec).set_index("staff_id")
    schools = base.schools.set_index("school_id")
    phase = schools["phase"].to_dict()
    names = schools["name"].to_dict()
    if staff_id not in staff.index:
        raise RoundClosed(f"This survey closed on {spec.closes_on}.")
    answers, submitted = store.read_answers(record.round_id)
    questions = {q.key: q.text for q in spec.questions}

    def colleague(person: str, why: str) -> Colleague:
        row = staff.loc[person]
        return Colleague(str(row["name"] or person), str(names.get(row["school_id"], row["school_id"])),
                         str(row["role"]), why)

    mine = [n for n, _day in answers if n.respondent == staff_id and n.target in staff.index]
    named = tuple(colleague(n.target, questions.get(n.question, n.question)) for n in mine)
    # the nominations the analysis uses: submitted, by someone in its data (not excluded, not objected)
    count = len({n.respondent for n, _day in answers if n.target == staff_id and n.respondent != staff_id
                 and n.respondent in submitted and n.respondent in staff.index})
    me = staff.loc[staff_id]
    return Profile(spec.title, str(me["name"] or staff_id), str(names.get(me["school_id"], me["school_id"])), named,
                   count if count >= threshold else None, threshold,
                   _suggestions(staff, phase, staff_id, {n.target for n in mine}, colleague))


def _suggestions(staff: pd.DataFrame, phase: dict[str, str], me: str, named: set[str],
                 colleague: Callable[[str, str], Colleague]) -> tuple[Colleague, ...]:
    """Up to SUGGESTED colleagues at other schools sharing a subject with `me` (most shared first), else the
    phase of their school, from as many schools as there are; never someone they named. The order among equals
    is a hash of the two ids, so it is fair (not alphabetical) and the same every time the page is opened."""
    def subjects(person: str) -> set[str]:
        return {s for s in str(staff.at[person, "subjects"] or "").split(";") if s}

    mine, school = subjects(me), staff.at[me, "school_id"]
    my_phase = phase.get(school)
    chosen = []
    for person in staff.index:
        if person == me or person in named or staff.at[person, "school_id"] == school:
            continue
        shared = mine & subjects(person)
        same_phase = bool(my_phase) and phase.get(staff.at[person, "school_id"]) == my_phase
        if not shared and not same_phase:
            continue
        # only what they share: the form's roster showed name, role and school, never a colleague's subjects
        why = f"teaches {', '.join(sorted(shared))} too" if shared else f"works in a {my_phase} school too"
        order = hashlib.sha256(f"{me}|{person}".encode()).hexdigest()
        chosen.append((-len(shared), not same_phase, order, person, why))
    ranked = sorted(chosen)
    picked: list[tuple[str, str]] = []
    for distinct in (True, False):  # one a school first, so that they open doors to several schools
        for *_rank, person, why in ranked:
            school = staff.at[person, "school_id"]
            if len(picked) < SUGGESTED and (person, why) not in picked and not (
                    distinct and any(staff.at[p, "school_id"] == school for p, _why in picked)):
                picked.append((person, why))
    return tuple(colleague(person, why) for person, why in picked)
