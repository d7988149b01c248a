"""A subject access export (UK GDPR article 15): everything netmap holds about one person as one zip file of
CSV tables, a summary.json and a README.txt that says what each file is.

Ties follow the ICO's guidance on other people's data in a subject access request: the ties the person reported
(they are the source) are given in full, with the colleague they named; the ties other people reported about them
are given as counts per kind and snapshot, without who reported them, and so are survey answers of others that
name them. The README says so.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from netmap import clock
from netmap.rights.holdings import Holdings

__all__ = ["README", "export_bytes", "export_tables", "write_export"]

README = """\
What netmap holds about staff id {staff_id}, as of {generated_at} (UTC)
{rule}
This is a subject access export (UK GDPR article 15) from netmap, the tool {trust} uses to map how its staff
work together. Each CSV file opens in a spreadsheet; a file missing below holds nothing about you.

staff.csv                     Your staff record in each snapshot (a snapshot is the trust's data as loaded on one
                              date): school, role, name, subjects, dates and any further columns the trust keeps.
memberships.csv               The groups (expert networks, subject communities) you belonged to, per snapshot.
secondments.csv               Your secondments to other schools, per snapshot.
respondents.csv               The survey rounds you were asked in, and when you answered, per snapshot.
ties_reported_by_you.csv      Working ties you reported (you are their source), with the colleague you named.
ties_reported_about_you.csv   Ties other people reported naming you: how many of each kind, per snapshot. Who
                              reported them is not given: that is those colleagues' own data (ICO guidance on
                              requests that involve other people's information).
survey_answers.csv            Your answers in each survey round: submitted ones (counted) and drafts (never counted),
                              with the colleagues you named.
survey_links.csv              The personal survey links you were sent: when each stops working, whether it was
                              withdrawn, and whether answers were saved through it. The link itself is not kept by
                              netmap (only a digest of it), so it cannot be given.
survey_named_by_others.csv    How many times colleagues named you in each round's answers, per question (not who).
exclusion.csv                 Your objection: since when you have been left out of every analysis, and the reason.
users_file/*.csv              What the web app's own file holds: your account (never its password or keys), who may
                              see you by name for a stated purpose (by role), a leaver record, challenge invitations
                              and answers, and the audit log's entries about you: views of your page, exports naming
                              you, your own logins. Who viewed is given by role, not by name.
summary.json                  The snapshots and survey rounds that hold you, and each file's number of rows.
"""

_RULE = "=" * 100


def _dated(holdings: Holdings, table: str) -> pd.DataFrame:
    """The person's rows of `table` in every snapshot, each with the snapshot's id and date first."""
    frames = []
    for info in holdings.snapshots:
        found = holdings.rows[info.snapshot_id].get(table)
        if found is not None:
            frames.append(found.assign(snapshot_id=info.snapshot_id, as_of=info.as_of))
    if not frames:
        return pd.DataFrame()
    joined = pd.concat(frames, ignore_index=True)
    return joined[["snapshot_id", "as_of", *[c for c in joined.columns if c not in ("snapshot_id", "as_of")]]]


def _names(holdings: Holdings) -> dict[str, str]:
    """Staff id -> name, latest snapshot last (so the newest name wins), for naming colleagues the person named."""
    names: dict[str, str] = {}
    for dataset in holdings.datasets.values():
        staff = dataset.table("staff")
        names.update(zip(staff["staff_id"].astype(str), staff["name"].fillna("").astype(str), strict=True))
    return names


def _ties(holdings: Holdings, names: Mapping[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ties the person reported, with the colleague; counts per snapshot and kind of ties reported about them)."""
    staff_id = holdings.person.staff_id
    ties = _dated(holdings, "collaborations")
    if ties.empty:
        return pd.DataFrame(), pd.DataFrame()
    theirs = ties[ties["source_staff_id"] == staff_id]
    reported = pd.DataFrame({
        "snapshot_id": theirs["snapshot_id"], "as_of": theirs["as_of"],
        "colleague_staff_id": theirs["target_staff_id"],
        "colleague_name": theirs["target_staff_id"].map(lambda s: names.get(str(s), "")),
        "kind": theirs["kind"], "weight": theirs["weight"], "observed_on": theirs["observed_on"]})
    about = ties[(ties["target_staff_id"] == staff_id) & (ties["source_staff_id"] != staff_id)]
    counts = (about.groupby(["snapshot_id", "as_of", "kind"], sort=True).size().rename("ties").reset_index()
              if len(about) else pd.DataFrame())
    return reported.reset_index(drop=True), counts


def _memberships(holdings: Holdings) -> pd.DataFrame:
    """Memberships with the group's name beside its id."""
    frame = _dated(holdings, "memberships")
    if frame.empty:
        return frame
    groups: dict[str, str] = {}
    for dataset in holdings.datasets.values():
        table = dataset.table("groups")
        groups.update(zip(table["group_id"].astype(str), table["name"].fillna("").astype(str), strict=True))
    frame.insert(int(frame.columns.get_loc("group_id")) + 1, "group_name",
                 frame["group_id"].map(lambda g: groups.get(str(g), "")))
    return frame


def _surveys(holdings: Holdings, names: Mapping[str, str]) -> dict[str, pd.DataFrame]:
    answers, links, named = [], [], []
    for held in holdings.surveys:
        sheet = held.sheet
        for kind, nominations, day in (("submitted", sheet.submitted, sheet.submitted_on),
                                       ("draft", sheet.draft, None)):
            answers += [{"round_id": held.round_id, "sheet": kind, "question": n.question,
                         "colleague_staff_id": n.target, "colleague_name": names.get(n.target, ""),
                         "weight": n.weight, "saved_on": day or ""} for n in nominations or ()]
        links += [{"round_id": held.round_id, "expires_at": k.expires_at, "withdrawn_at": k.revoked_at or "",
                   "answers_submitted_through_it": "yes" if sheet.submitted_via == k.digest else "no",
                   "draft_saved_through_it": "yes" if sheet.draft_via == k.digest else "no"} for k in held.links]
        by_question: dict[str, int] = {}
        for n in held.named_by_others:
            by_question[n.question] = by_question.get(n.question, 0) + 1
        named += [{"round_id": held.round_id, "question": q, "times_named": c} for q, c in sorted(by_question.items())]
    return {"survey_answers": pd.DataFrame(answers), "survey_links": pd.DataFrame(links),
            "survey_named_by_others": pd.DataFrame(named)}


def export_tables(holdings: Holdings) -> dict[str, pd.DataFrame]:
    """The export's tables by file name (without .csv); empty ones left out."""
    names = _names(holdings)
    reported, about = _ties(holdings, names)
    exclusion = holdings.exclusion
    tables = {
        "staff": _dated(holdings, "staff"),
        "memberships": _memberships(holdings),
        "secondments": _dated(holdings, "secondments"),
        "respondents": _dated(holdings, "respondents"),
        "ties_reported_by_you": reported,
        "ties_reported_about_you": about,
        **_surveys(holdings, names),
        "exclusion": pd.DataFrame([{"since": exclusion.since, "reason": exclusion.reason}] if exclusion else []),
    }
    return {name: frame for name, frame in tables.items() if len(frame)}


def export_bytes(holdings: Holdings, others: Mapping[str, pd.DataFrame], trust: str = "your trust") -> bytes:
    """The export as the bytes of a zip file: README.txt, summary.json, the store's tables and `others` (what
    the users file holds, under users_file/)."""
    generated_at = clock.now().isoformat(timespec="seconds")
    tables = export_tables(holdings)
    files = {f"{name}.csv": frame for name, frame in tables.items()}
    files.update({f"users_file/{name}.csv": frame for name, frame in others.items() if len(frame)})
    summary = {"staff_id": holdings.person.staff_id, "generated_at": generated_at,
               "snapshots": [{"snapshot_id": s.snapshot_id, "as_of": s.as_of} for s in holdings.snapshots],
               "survey_rounds": [h.round_id for h in holdings.surveys],
               "excluded_from_analysis": holdings.exclusion is not None,
               "files": {name: len(frame) for name, frame in files.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(staff_id=holdings.person.staff_id, generated_at=generated_at,
                                                     rule=_RULE, trust=trust))
        archive.writestr("summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
        for name, frame in files.items():
            archive.writestr(name, frame.to_csv(index=False))
    return buffer.getvalue()


def write_export(path: Path, data: bytes) -> None:
    """Write the export to `path`, readable by its owner only (0600) from the first byte; an existing file is
    replaced."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
