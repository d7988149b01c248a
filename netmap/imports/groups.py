"""Memberships from group lists: one file per group (a distribution list or a Teams membership export: one email
per line, or a CSV with an email column), matched to staff by email without regard to case.

A line that matches no one is reported with the closest staff names and never stored. Members the list no longer
holds keep their membership's history with a leaving day; new members join on the import's date.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from netmap.contract import GROUP_KINDS, normalise_header
from netmap.dataset import Dataset
from netmap.errors import IngestError

__all__ = ["GroupList", "apply_group_lists", "email_column", "find_group", "match_group_list", "read_group_list"]

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_EMAIL_HEADERS = ("email", "e_mail", "email_address", "mail", "userprincipalname", "user_principal_name", "upn",
                  "smtp_address", "primary_smtp_address")


@dataclass
class GroupList:
    """One group's list matched to staff: the group, the staff ids matched, and each unmatched line (line number,
    text, the closest staff names)."""

    group_id: str
    file: str
    matched: list[str]
    unmatched: list[tuple[int, str, list[str]]]
    new_group: bool = False

    def unmatched_lines(self) -> list[str]:
        """One line per unmatched entry, naming the file, line and closest staff (or none)."""
        return [f"{self.file}, line {n}: {text!r} matches no staff email (never stored). "
                + (f"Closest: {', '.join(close)}." if close else "No staff name is close.")
                for n, text, close in self.unmatched]


def email_column(staff: pd.DataFrame) -> str:
    """The staff table's email column (`email`, or the trust's own column whose name mentions mail); IngestError
    saying how to add one when there is none."""
    for column in staff.columns:
        if "mail" in normalise_header(column):
            return str(column)
    raise IngestError("The latest snapshot's staff have no email column, so group lists cannot be matched to them. "
                      "Import staff with a mapping that maps the export's work email (netmap import staff FILE "
                      "--mapping NAME), or add an email column to staff.csv.", column="email")


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decoded(raw: bytes, name: str) -> str:
    """The text of a group list: by its byte-order mark (UTF-8 or UTF-16, as Teams and Excel save), else UTF-8,
    else Windows-1252; IngestError naming the file and the fix when nothing decodes it."""
    encodings = [encoding for bom, encoding in _BOMS if raw.startswith(bom)][:1] or ["utf-8", "cp1252"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IngestError(f"{name} is not text netmap can read (neither UTF-8, UTF-16 nor Windows-1252). Fix: save the "
                      "list as CSV UTF-8 (or as plain text, one email per line) and upload it again.", file=name)


def read_group_list(path: Path) -> list[tuple[int, str]]:
    """The entries of a group list as (line number, text): one email per line, or the email column of a CSV
    (its header names it: Email, Mail, UserPrincipalName, ...). Blank lines are skipped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path} cannot be read ({exc.strerror}). Check the path.", file=path.name) from exc
    text = _decoded(raw, path.name)
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(reader)
    except csv.Error as exc:
        line = reader.line_num
        raise IngestError(f"{path.name}, row {line}: cannot be read as CSV ({exc}). Fix: save the list as CSV UTF-8 "
                          "(or as plain text, one email per line) and upload it again.",
                          file=path.name, row=line) from exc
    if not rows:
        raise IngestError(f"{path.name} is empty. Export the group's members again.", file=path.name)
    header = [normalise_header(h) for h in rows[0]]
    wanted = next((i for i, h in enumerate(header) if h in _EMAIL_HEADERS), None)
    if wanted is None and len(rows[0]) > 1 and not any(_EMAIL.match(c.strip()) for c in rows[0]):
        raise IngestError(f"{path.name}, row 1: no column is headed Email (or Mail, UserPrincipalName). Fix: head "
                          "the column of email addresses Email, or save the list as one email per line.",
                          file=path.name, row=1)
    start = 2 if wanted is not None or not any("@" in c for c in rows[0]) else 1
    column = wanted or 0
    entries = []
    for number, row in enumerate(rows[start - 1:], start=start):
        cell = row[column].strip() if len(row) > column else ""
        if cell:
            entries.append((number, cell))
    return entries


def _closest(text: str, staff: pd.DataFrame, emails: list[str]) -> list[str]:
    """Up to three staff names closest to an unmatched entry: by email, and by its part before @ read as a name."""
    names = [str(n) for n in staff["name"]]
    local = text.split("@")[0].casefold()
    locals_ = {e.split("@")[0]: name for e, name in zip(emails, names, strict=True)}  # a shared domain says nothing
    by_email = difflib.get_close_matches(local, list(locals_), n=3, cutoff=0.75)
    folded = {n.casefold(): n for n in names}
    by_name = difflib.get_close_matches(re.sub(r"[._\-]+", " ", local), list(folded), n=3, cutoff=0.75)
    return list(dict.fromkeys([locals_[e] for e in by_email] + [folded[n] for n in by_name]))[:3]


def match_group_list(group_id: str, path: Path, staff: pd.DataFrame, *, new_group: bool = False) -> GroupList:
    """The list at `path` matched to `staff` by email, case ignored; unmatched lines with their closest names."""
    column = email_column(staff)
    with_email = staff[staff[column].notna()]
    emails = [str(e).strip().casefold() for e in with_email[column]]
    by_email = dict(zip(emails, with_email["staff_id"], strict=True))
    matched: list[str] = []
    unmatched = []
    for number, text in read_group_list(path):
        address = text.strip().strip("<>").casefold()
        if address in by_email:
            matched.append(str(by_email[address]))
        else:
            unmatched.append((number, text, _closest(text, with_email, emails)))
    return GroupList(group_id, path.name, list(dict.fromkeys(matched)), unmatched, new_group)


def find_group(stem: str, groups: pd.DataFrame) -> str | None:
    """The group a list's file name (without extension) names: a group's id or name, case and spacing ignored."""
    folded = normalise_header(stem)
    for group_id, name in zip(groups["group_id"], groups["name"], strict=True):
        if folded in (normalise_header(str(group_id)), normalise_header(str(name))):
            return str(group_id)
    return None


def apply_group_lists(dataset: Dataset, lists: list[GroupList], as_of: str, *, kind: str | None = None) -> Dataset:
    """`dataset` with each listed group's memberships as its list says on `as_of`: members still listed keep their
    row, new ones join on `as_of`, those no longer listed leave on `as_of`; a new group is added (of `kind`, named
    by its file)."""
    groups, memberships = dataset.groups.copy(), dataset.memberships.copy()
    added = []
    for group in lists:
        if group.new_group:
            if kind not in GROUP_KINDS:
                raise IngestError(f"{group.file}: no group is called {group.group_id!r}. Fix: rename the file to "
                                  f"a group's id or name, or create the group with --kind "
                                  f"({' or '.join(GROUP_KINDS)}).", file=group.file)
            name = Path(group.file).stem  # as the trust wrote it ("Maths community"), the id folded from it
            groups = pd.concat([groups, pd.DataFrame([{"group_id": group.group_id, "name": name, "kind": kind}])],
                               ignore_index=True)
        mine = memberships["group_id"] == group.group_id
        active = mine & (memberships["left_on"].isna() | (memberships["left_on"].fillna("") > as_of))
        listed = set(group.matched)
        memberships.loc[active & ~memberships["staff_id"].isin(listed), "left_on"] = as_of
        present = set(memberships.loc[active, "staff_id"])
        added += [{"staff_id": s, "group_id": group.group_id, "role": "member", "joined_on": as_of}
                  for s in group.matched if s not in present]
    if added:
        memberships = pd.concat([memberships, pd.DataFrame(added)], ignore_index=True)
    tables = dict(dataset.tables())
    tables["groups"], tables["memberships"] = groups, memberships
    return Dataset.from_tables(tables)
