"""Survey rounds kept in a store: create a round over a snapshot's staff, open it (issuing everyone's link),
reissue or revoke links, take a respondent's answers through their link, follow response rates, and close it
into a snapshot. The command line and the web app both call these.

A respondent's answers are a versioned sheet (netmap.store.survey_records.AnswerSheet): every save quotes the
version its page showed and is applied only if still current, a draft never replaces a submission, and a form
shows only what its own link saved (a reissued link, or last round's, shows nothing of before). Closing is a
fence: the round stops taking answers first, and only then are they read into its snapshot. docs/surveys.md."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Callable

import pandas as pd

from netmap import clock
from netmap.dataset import Dataset
from netmap.errors import RoundClosed, SurveyError
from netmap.store.base import GraphStore, WriteResult
from netmap.store.survey_records import CLOSED_MESSAGE, RoundRecord, SheetSave
from netmap.survey.answers import Nomination, check_answers
from netmap.survey.closing import asked_staff, round_snapshot, surveyed_staff
from netmap.survey.links import Link, check_usable, digest, new_link
from netmap.survey.questions import Question
from netmap.survey.roster import Roster
from netmap.survey.rounds import RoundSpec, check_can_open, check_spec

__all__ = ["RATE_BANDS", "FormState", "answer", "change_answers", "close_round", "create_round", "fence_round",
           "find_round", "form_state", "issue_links", "link_of", "link_rows", "open_round", "remind", "reopen_round",
           "response_rates", "round_dataset", "roster_of", "save_wording", "schools_of_groups", "spec_of",
           "waiting_ids"]

# What a response rate supports (research on organisational network surveys): from each rate up, the reading
RATE_BANDS = ((0.8, "fit for naming brokers"), (0.65, "directional only"), (0.0, "interpret with caution"))



def spec_of(record: RoundRecord) -> RoundSpec:
    data = json.loads(record.spec)
    return RoundSpec(**{**data, "questions": tuple(Question(**q) for q in data["questions"]),
                        "schools": tuple(data.get("schools", ()))})


def _record(round_id: str, spec: RoundSpec, status: str, created_at: str, snapshot_as_of: str | None = None
            ) -> RoundRecord:
    return RoundRecord(round_id, json.dumps(dataclasses.asdict(spec), sort_keys=True), status, created_at,
                       snapshot_as_of)


def find_round(store: GraphStore, round_id: str) -> RoundRecord:
    """The round, or SurveyError listing those there are."""
    rounds = store.list_rounds()
    for kept in rounds:
        if kept.round_id == round_id:
            return kept
    raise SurveyError(f"No survey round {round_id!r}. Rounds: {', '.join(r.round_id for r in rounds) or 'none'} "
                      "(`netmap survey list`).")


def create_round(store: GraphStore, spec: RoundSpec) -> str:
    """Keep a new round as a draft; returns its id. The base snapshot must exist."""
    check_spec(spec)
    store.snapshot(spec.base_as_of)  # StorageError naming the stored dates when there is none
    round_id = secrets.token_hex(4)
    store.save_round(_record(round_id, spec, "draft", clock.now().isoformat(timespec="microseconds")))
    return round_id


def schools_of_groups(store: GraphStore, as_of: str, groups: list[str]) -> tuple[str, ...]:
    """The schools of the members of `groups` in the snapshot of `as_of` (memberships not ended by then): what a
    network lead's round asks."""
    base = store.read_dataset(as_of)
    members = base.memberships
    current = members["group_id"].isin(groups) & ~(members["left_on"].fillna("9999").astype(str) <= as_of)
    staff = base.staff
    return tuple(sorted(set(staff.loc[staff["staff_id"].isin(set(members.loc[current, "staff_id"])), "school_id"])))


def _expiry(spec: RoundSpec) -> dt.datetime:
    """Links work until the end of the closing day (UTC)."""
    return dt.datetime.combine(dt.date.fromisoformat(spec.closes_on) + dt.timedelta(days=1), dt.time(),
                               tzinfo=dt.UTC)


def save_wording(store: GraphStore, round_id: str, subject: str, body: str) -> RoundSpec:
    """Keep the round's email wording (checked: netmap.survey.wording) for its next sendings; returns the spec.
    A closed round's wording no longer matters and is refused."""
    record = find_round(store, round_id)
    if record.status == "closed":
        raise SurveyError(f"Round {round_id} is closed: its links have ended, so there is no email to word.")
    spec = dataclasses.replace(spec_of(record), mail_subject=subject, mail_body=body)
    check_spec(spec)
    store.save_round(_record(round_id, spec, record.status, record.created_at, record.snapshot_as_of))
    return spec


def open_round(store: GraphStore, round_id: str, now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Open a draft round (dates and a privacy notice required, its closing day not past) and issue a link to
    everyone it surveys; returns (staff_id, token) for each: the only time the tokens exist outside the
    respondents' hands."""
    record = find_round(store, round_id)
    spec = spec_of(record)
    if record.status != "draft":
        raise SurveyError(f"Round {round_id} is already {record.status}: its links were handed over when it opened "
                          "and are not kept, so they cannot be handed over again. Reissue the link of someone who "
                          "lost theirs, or remind those who have not answered (on the round's page, or `netmap "
                          f"survey links {round_id} --staff ID --out FILE` / `--remind --out FILE`).")
    check_can_open(spec)
    _check_not_past(round_id, spec, now)
    people = list(asked_staff(store.read_dataset(spec.base_as_of), spec)["staff_id"])
    issued = [new_link(round_id, str(p), _expiry(spec)) for p in people]
    store.add_links([link for _token, link in issued])
    store.save_round(dataclasses.replace(record, status="open"))
    return [(link.staff_id, token) for token, link in issued]


def _check_not_past(round_id: str, spec: RoundSpec, now: dt.datetime | None) -> None:
    """SurveyError when the round's closing day has passed: links issued now would expire at once."""
    if spec.closes_on < (now or clock.now()).date().isoformat():
        raise SurveyError(f"Round {round_id} closes on {spec.closes_on}, which has passed: its links would not "
                          "work. Set a closing date from today on, then open it.")


def issue_links(store: GraphStore, round_id: str, staff_ids: list[str] | None, now: dt.datetime | None = None, *,
                keep_old: bool = False) -> list[tuple[str, str]]:
    """Issue new links to `staff_ids` (None: everyone the round asks), revoking their old ones unless
    `keep_old` (a reminder: the link a person already holds keeps working), and not once the closing day has
    passed (they would not work); returns (staff_id, token)."""
    record = find_round(store, round_id)
    if record.status != "open":
        raise SurveyError(f"Round {round_id} is {record.status}: links are issued while a round is open.")
    spec = spec_of(record)
    _check_not_past(round_id, spec, now)
    surveyed = set(asked_staff(store.read_dataset(spec.base_as_of), spec)["staff_id"])
    chosen = sorted(surveyed) if staff_ids is None else list(dict.fromkeys(staff_ids))
    unknown = sorted(set(chosen) - surveyed)
    if unknown:
        raise SurveyError(f"Not asked by round {round_id}: {', '.join(unknown[:5])}"
                          f"{f' and {len(unknown) - 5:,} more' if len(unknown) > 5 else ''}. Check the staff ids.")
    if not keep_old:
        store.revoke_links(round_id, chosen, clock.now().isoformat(timespec="seconds"))
    issued = [new_link(round_id, p, _expiry(spec)) for p in chosen]
    store.add_links([link for _token, link in issued])
    return [(link.staff_id, token) for token, link in issued]


def waiting_ids(store: GraphStore, round_id: str) -> list[str]:
    """Staff ids of those the round asks who have not submitted (a draft is not an answer)."""
    return list(response_rates(store, round_id)[1]["staff_id"])


def remind(store: GraphStore, round_id: str) -> list[tuple[str, str]]:
    """A reminder for everyone who has not submitted: an additional link each (their first keeps working, and so
    do the answers they saved with it); returns (staff_id, token). SurveyError when everyone has answered."""
    waiting = waiting_ids(store, round_id)
    if not waiting:
        raise SurveyError(f"Everyone round {round_id} asks has submitted: there is nobody to remind.")
    return issue_links(store, round_id, waiting, keep_old=True)


def link_rows(store: GraphStore, round_id: str, issued: list[tuple[str, str]], public_url: str) -> pd.DataFrame:
    """Issued links as rows for a mail merge: staff_id, name, school, email (the trust's own `email` column of
    staff.csv, when it has one) and link."""
    base = store.read_dataset(spec_of(find_round(store, round_id)).base_as_of)
    staff = base.staff.set_index("staff_id")
    schools = dict(zip(base.schools["school_id"], base.schools["name"], strict=True))
    emails = staff["email"] if "email" in staff.columns else pd.Series(dtype=object)
    def address(person: str) -> str | None:
        value = emails.get(person)
        return str(value).strip() if isinstance(value, str) and value.strip() else None

    return pd.DataFrame([(p, staff.at[p, "name"] or p, schools.get(staff.at[p, "school_id"], ""), address(p),
                          f"{public_url}/survey/{t}") for p, t in issued],
                        columns=["staff_id", "name", "school", "email", "link"])


def roster_of(store: GraphStore, spec: RoundSpec) -> Roster:
    base = store.read_dataset(spec.base_as_of)
    names = dict(zip(base.schools["school_id"], base.schools["name"], strict=True))
    return Roster(surveyed_staff(base, spec), names)


def link_of(store: GraphStore, token: str, now: dt.datetime | None = None) -> tuple[Link, RoundRecord]:
    """The usable link a token opens and its round (open, and past its opening day), or SurveyError saying why
    not: a closed round's link says the round closed (closing also withdrew it, but that is not the reason)."""
    now = now or clock.now()
    found = store.find_link(digest(token))
    if found is not None:
        _check_not_closed(find_round(store, found.round_id), now)
    link = check_usable(found, now)
    record = find_round(store, link.round_id)
    if record.status != "open":
        raise RoundClosed(CLOSED_MESSAGE)
    spec = spec_of(record)
    if spec.opens_on and now.date().isoformat() < spec.opens_on:
        raise RoundClosed(f"This survey opens on {spec.opens_on}: your link will work from then until "
                          f"{spec.closes_on}.")
    return link, record


def _check_not_closed(record: RoundRecord, now: dt.datetime) -> None:
    """RoundClosed when the round is closed, or its closing day has passed though nobody has closed it yet: its
    links have expired then, but "ask for a new one" would be wrong, as none can be issued (_check_not_past)."""
    if record.status == "closed":
        raise RoundClosed(CLOSED_MESSAGE)
    closes_on = spec_of(record).closes_on
    if closes_on and closes_on < now.date().isoformat():
        raise RoundClosed(f"This survey closed on {closes_on}: answers can no longer be given or changed. Answers "
                          "submitted by then are counted; nothing sent after is kept.")


@dataclasses.dataclass(frozen=True)
class FormState:
    """What a link's form may show: the sheet's version (every save quotes it), the submission and the draft when
    saved through this very link (else None), and whether a submission saved through another link is kept (it
    counts, but is not shown: whoever holds a reissued link, or the file of links, must not read it) and whether
    that other link still works (then this one saves nothing: the store refuses, so the form is not offered)."""

    version: int
    submitted: tuple[Nomination, ...] | None
    submitted_on: str | None
    draft: tuple[Nomination, ...] | None
    kept_elsewhere: bool
    locked_elsewhere: bool = False


def form_state(store: GraphStore, link: Link) -> FormState:
    """The respondent's sheet as the form opened by `link` may show it."""
    sheet = store.read_sheet(link.round_id, link.staff_id)
    mine = sheet.submitted is not None and sheet.submitted_via == link.digest
    elsewhere = sheet.submitted is not None and not mine
    other = store.find_link(sheet.submitted_via) if elsewhere and sheet.submitted_via else None
    return FormState(sheet.version, sheet.submitted if mine else None, sheet.submitted_on if mine else None,
                     sheet.draft if sheet.draft_via == link.digest else None, elsewhere,
                     other is not None and other.revoked_at is None)


def answer(store: GraphStore, token: str, nominations: list[Nomination], *, submit: bool, version: int,
           roster_ids: frozenset[str] | None = None, now: dt.datetime | None = None) -> int:
    """Keep a respondent's answers through their link, as their draft or (`submit`) their submission, if their
    sheet is still at `version` (the one their page showed); returns the new version. StaleAnswers when another
    page saved since, RoundClosed when the round has closed: either way nothing is kept."""
    link, record = link_of(store, token, now)
    spec = spec_of(record)
    ids = roster_ids if roster_ids is not None else roster_of(store, spec).ids
    check_answers(spec, ids, link.staff_id, nominations)
    today = (now or clock.now()).date().isoformat()
    return store.save_sheet(SheetSave(record.round_id, link.staff_id, version, link.digest, tuple(nominations),
                                      today, submit))


def change_answers(store: GraphStore, token: str, *, version: int, now: dt.datetime | None = None) -> int:
    """"Change my answers": a draft copied from the submission this link made, which keeps counting until a new
    one is submitted; returns the new version."""
    link, record = link_of(store, token, now)
    shown = form_state(store, link)
    if shown.submitted is None:
        raise SurveyError("There are no answers submitted through this link to change: fill in the form and "
                          "submit it.")
    today = (now or clock.now()).date().isoformat()
    return store.save_sheet(SheetSave(record.round_id, link.staff_id, version, link.digest, shown.submitted, today,
                                      submit=False))


def response_rates(store: GraphStore, round_id: str, leave_out: frozenset[str] = frozenset()
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per school and per role: surveyed, responded, the rate and what it supports (RATE_BANDS); and the list of
    who has not submitted (for reminders). The staff of the `leave_out` schools count in no row (the schools
    hidden from a role that sees aggregates only: no total then includes them, so none can be subtracted)."""
    record = find_round(store, round_id)
    spec = spec_of(record)
    base = store.read_dataset(spec.base_as_of)
    people = asked_staff(base, spec)
    people = people[~people["school_id"].isin(leave_out)]
    _answers, submitted = store.read_answers(round_id)
    names = dict(zip(base.schools["school_id"], base.schools["name"], strict=True))
    people = people.assign(responded=people["staff_id"].isin(set(submitted)))
    rows = []
    for level, column in (("school", "school_id"), ("role", "role")):
        for key, group in people.groupby(column, sort=True):
            rate = float(group["responded"].mean())
            rows.append({"level": level, "id": key, "name": names.get(str(key), str(key)) if level == "school"
                         else key, "surveyed": len(group), "responded": int(group["responded"].sum()),
                         "rate": rate, "reading": next(words for floor, words in RATE_BANDS if rate >= floor)})
    rate = float(people["responded"].mean()) if len(people) else 0.0
    rows.append({"level": "trust", "id": "", "name": "whole trust", "surveyed": len(people),
                 "responded": int(people["responded"].sum()), "rate": rate,
                 "reading": next(words for floor, words in RATE_BANDS if rate >= floor)})
    waiting = people.loc[~people["responded"], ["staff_id", "name", "school_id", "role"]]
    return pd.DataFrame(rows), waiting.reset_index(drop=True)


def round_dataset(store: GraphStore, round_id: str) -> Dataset:
    """What closing the round writes (netmap.survey.closing); SurveyError for a round never opened."""
    record = find_round(store, round_id)
    if record.status == "draft":
        raise SurveyError(f"Round {round_id} was never opened: there is nothing to close.")
    answers, submitted = store.read_answers(round_id)
    spec = spec_of(record)
    # the base as stored, people excluded from analysis included: their exclusion applies when the round's snapshot
    # is read, and ends when they are included again
    return round_snapshot(store.read_dataset(spec.base_as_of, with_excluded=True), spec, answers, submitted,
                          round_id)


def reopen_round(store: GraphStore, round_id: str) -> None:
    """Open a closed round again (an open one stays as it is): answers can change until it is closed again,
    which rewrites its snapshot. The links ended at closing: reissue them (issue_links)."""
    record = find_round(store, round_id)
    if record.status == "draft":
        raise SurveyError(f"Round {round_id} was never opened: open it instead.")
    if record.status == "closed":
        store.save_round(dataclasses.replace(record, status="open"))


def fence_round(store: GraphStore, round_id: str) -> str:
    """Stop the round taking answers, in one transaction every answer save serialises against: a save that was
    acknowledged is in the answers read after this, any later one is refused ("this round has closed"). Returns
    the status the round had; a closed round stays closed."""
    if find_round(store, round_id).status == "draft":
        raise SurveyError(f"Round {round_id} was never opened: there is nothing to close.")
    return store.close_to_answers(round_id)


def close_round(store: GraphStore, round_id: str, progress: Callable[[int], None] | None = None,
                dataset: Dataset | None = None) -> WriteResult:
    """Fence the round (fence_round), then write its snapshot from the answers kept (dated its closing day),
    all-or-nothing like any load, and keep it closed. The first close writes a new snapshot, never replacing
    another (a load or another round's on the same day); its id is kept in the round's record, and closing again
    rebuilds that snapshot alone from the same answers ("unchanged"). `dataset`: built by round_dataset after the
    caller fenced the round (to size a progress bar); one built while the round was open is refused, as answers
    may have landed since."""
    record = find_round(store, round_id)
    spec = spec_of(record)
    was = fence_round(store, round_id)
    if dataset is not None and was == "open":
        raise SurveyError(f"Round {round_id} was still open when its snapshot was built: call fence_round first.")
    dataset = dataset if dataset is not None else round_dataset(store, round_id)
    result = store.write_snapshot(dataset, spec.closes_on, source=f"survey round {round_id}: {spec.title}",
                                  replace=_own_snapshot(store, record), progress=progress)
    if was == "open":
        store.revoke_links(round_id, None, clock.now().isoformat(timespec="seconds"))
    store.save_round(dataclasses.replace(record, status="closed", snapshot_as_of=result.snapshot.snapshot_id))
    return result


def _own_snapshot(store: GraphStore, record: RoundRecord) -> str | None:
    """The id of the snapshot this round's earlier close wrote, when it is still stored and still the round's own
    (a round closed before snapshot ids recorded its date, which a load may since have taken); else None."""
    for info in store.list_snapshots():
        if info.snapshot_id == record.snapshot_as_of and info.source.startswith(f"survey round {record.round_id}:"):
            return info.snapshot_id
    return None
