"""Survey rounds kept in a store: create a round over a snapshot's staff, open it (issuing everyone's link),
reissue or revoke links, take a respondent's answers through their link, follow response rates, and close it
into a snapshot. The command line and the web app both call these."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Callable

import pandas as pd

from netmap.dataset import Dataset
from netmap.errors import SurveyError
from netmap.store.base import GraphStore, WriteResult
from netmap.store.survey_records import RoundRecord
from netmap.survey.answers import Nomination, check_answers
from netmap.survey.closing import round_snapshot, surveyed_staff
from netmap.survey.links import Link, check_usable, digest, new_link
from netmap.survey.questions import Question
from netmap.survey.roster import Roster
from netmap.survey.rounds import RoundSpec, check_can_open, check_spec

__all__ = ["RATE_BANDS", "answer", "close_round", "create_round", "find_round", "issue_links", "last_round_answers",
           "link_of", "link_rows", "open_round", "reopen_round", "response_rates", "round_dataset", "roster_of",
           "spec_of"]

# What a response rate supports (research on organisational network surveys): from each rate up, the reading
RATE_BANDS = ((0.8, "fit for naming brokers"), (0.65, "directional only"), (0.0, "interpret with caution"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def spec_of(record: RoundRecord) -> RoundSpec:
    data = json.loads(record.spec)
    return RoundSpec(**{**data, "questions": tuple(Question(**q) for q in data["questions"])})


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
    store.save_round(_record(round_id, spec, "draft", _now().isoformat(timespec="microseconds")))
    return round_id


def _expiry(spec: RoundSpec) -> dt.datetime:
    """Links work until the end of the closing day (UTC)."""
    return dt.datetime.combine(dt.date.fromisoformat(spec.closes_on) + dt.timedelta(days=1), dt.time(),
                               tzinfo=dt.UTC)


def open_round(store: GraphStore, round_id: str) -> list[tuple[str, str]]:
    """Open a draft round (dates and a privacy notice required) and issue a link to everyone it surveys;
    returns (staff_id, token) for each: the only time the tokens exist outside the respondents' hands."""
    record = find_round(store, round_id)
    spec = spec_of(record)
    if record.status != "draft":
        raise SurveyError(f"Round {round_id} is {record.status}; only a draft round opens. Use `netmap survey "
                          "links --reissue` for new links.")
    check_can_open(spec)
    people = list(surveyed_staff(store.read_dataset(spec.base_as_of), spec)["staff_id"])
    issued = [new_link(round_id, str(p), _expiry(spec)) for p in people]
    store.add_links([link for _token, link in issued])
    store.save_round(dataclasses.replace(record, status="open"))
    return [(link.staff_id, token) for token, link in issued]


def issue_links(store: GraphStore, round_id: str, staff_ids: list[str] | None) -> list[tuple[str, str]]:
    """Revoke the links of `staff_ids` (None: everyone's) and issue new ones; returns (staff_id, token)."""
    record = find_round(store, round_id)
    if record.status != "open":
        raise SurveyError(f"Round {round_id} is {record.status}: links are issued while a round is open.")
    spec = spec_of(record)
    surveyed = set(surveyed_staff(store.read_dataset(spec.base_as_of), spec)["staff_id"])
    chosen = sorted(surveyed) if staff_ids is None else staff_ids
    unknown = sorted(set(chosen) - surveyed)
    if unknown:
        raise SurveyError(f"Not surveyed by round {round_id}: {', '.join(unknown[:5])}. Check the staff ids.")
    store.revoke_links(round_id, chosen, _now().isoformat(timespec="seconds"))
    issued = [new_link(round_id, p, _expiry(spec)) for p in chosen]
    store.add_links([link for _token, link in issued])
    return [(link.staff_id, token) for token, link in issued]


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
    """The usable link a token opens and its round (which must be open), or SurveyError saying why not."""
    link = check_usable(store.find_link(digest(token)), now or _now())
    record = find_round(store, link.round_id)
    if record.status != "open":
        raise SurveyError("This survey round is closed: answers can no longer be changed.")
    return link, record


def answer(store: GraphStore, token: str, nominations: list[Nomination], *, submit: bool,
           roster_ids: frozenset[str] | None = None, now: dt.datetime | None = None) -> None:
    """Keep a respondent's answers (a draft, or submitted) through their link; changeable until the round
    closes."""
    link, record = link_of(store, token, now)
    spec = spec_of(record)
    ids = roster_ids if roster_ids is not None else roster_of(store, spec).ids
    check_answers(spec, ids, link.staff_id, nominations)
    today = (now or _now()).date().isoformat()
    store.save_answers(record.round_id, link.staff_id, nominations, today, today if submit else None)


def last_round_answers(store: GraphStore, round_id: str, respondent: str) -> list[Nomination]:
    """What `respondent` submitted in the latest closed round before this one (to offer for confirming), or
    nothing."""
    rounds = store.list_rounds()
    this = next(r for r in rounds if r.round_id == round_id)
    earlier = [r for r in rounds if r.status == "closed" and r.created_at < this.created_at]
    if not earlier:
        return []
    answers, submitted = store.read_answers(earlier[-1].round_id, respondent)
    return [n for n, _day in answers] if respondent in submitted else []


def response_rates(store: GraphStore, round_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per school and per role: surveyed, responded, the rate and what it supports (RATE_BANDS); and the list of
    who has not submitted (for reminders)."""
    record = find_round(store, round_id)
    spec = spec_of(record)
    base = store.read_dataset(spec.base_as_of)
    people = surveyed_staff(base, spec)
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
    return round_snapshot(store.read_dataset(spec.base_as_of), spec, answers, submitted)


def reopen_round(store: GraphStore, round_id: str) -> None:
    """Open a closed round again (an open one stays as it is): answers can change until it is closed again,
    which rewrites its snapshot. The links ended at closing: reissue them (issue_links)."""
    record = find_round(store, round_id)
    if record.status == "draft":
        raise SurveyError(f"Round {round_id} was never opened: open it instead.")
    if record.status == "closed":
        store.save_round(dataclasses.replace(record, status="open"))


def close_round(store: GraphStore, round_id: str, progress: Callable[[int], None] | None = None,
                dataset: Dataset | None = None) -> WriteResult:
    """Write the round's snapshot (dated its closing day; `dataset` when the caller has built it with
    round_dataset), all-or-nothing like any load, and close the round. The first close writes a new snapshot,
    never replacing another (a load or another round's on the same day); its id is kept in the round's record,
    and closing again rewrites that snapshot alone ("unchanged" when nothing changed)."""
    record = find_round(store, round_id)
    spec = spec_of(record)
    dataset = dataset if dataset is not None else round_dataset(store, round_id)
    result = store.write_snapshot(dataset, spec.closes_on, source=f"survey round {round_id}: {spec.title}",
                                  replace=_own_snapshot(store, record), progress=progress)
    if record.status == "open":
        store.revoke_links(round_id, None, _now().isoformat(timespec="seconds"))
    store.save_round(dataclasses.replace(record, status="closed", snapshot_as_of=result.snapshot.snapshot_id))
    return result


def _own_snapshot(store: GraphStore, record: RoundRecord) -> str | None:
    """The id of the snapshot this round's earlier close wrote, when it is still stored and still the round's own
    (a round closed before snapshot ids recorded its date, which a load may since have taken); else None."""
    for info in store.list_snapshots():
        if info.snapshot_id == record.snapshot_as_of and info.source.startswith(f"survey round {record.round_id}:"):
            return info.snapshot_id
    return None
