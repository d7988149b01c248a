"""Column mappings: how a MIS or HR export's headers, role codes and subject codes become netmap's staff fields.

A mapping is a small file (TOML or JSON) made once per export layout and reused every term. netmap ships mappings
for the layouts it can document (netmap/imports/mappings/); a trust's own live in its data folder
(`mappings_dir()`), saved by the mapping page or by hand. Only the fields in FIELDS are ever read from an export:
every other column (NI number, date of birth, ethnicity, pay, ...) is dropped unread, and a mapping that points a
field at such a column is refused.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from netmap.config import data_dir
from netmap.contract import ROLES, normalise_header
from netmap.errors import ConfigError

__all__ = ["FIELDS", "Field", "StaffMapping", "builtin_names", "find_mapping", "is_sensitive", "load_mapping",
           "mapping_from_dict", "mappings_dir", "save_mapping", "suggest_columns"]


@dataclass(frozen=True)
class Field:
    """One netmap staff field an export column can fill: its name, label, whether it must be mapped, and headers
    that commonly hold it (for suggestions)."""

    name: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field("staff_id", "Staff id (never reused)", True,
          ("staff id", "staff code", "person number", "employee number", "payroll number", "staff number", "id")),
    Field("name", "Name (one column, or forename and surname)", False,
          ("name", "full name", "preferred name", "forename", "surname", "legal surname", "first name", "last name")),
    Field("email", "Work email (matches group lists)", False,
          ("email", "work email", "email address", "work email address", "e-mail")),
    Field("school_id", "School", True,
          ("school", "establishment", "location", "site", "org unit", "organisation", "dfe number", "laestab")),
    Field("role", "Role", True, ("role", "post", "role identifier", "staff category", "category", "job role")),
    Field("subjects", "Subjects", False, ("subjects", "subject", "subject code", "subjects taught", "specialism")),
    Field("started_on", "Start date", False,
          ("start date", "contract start", "post start date", "assignment start date", "date of arrival",
           "employment start")),
    Field("left_on", "Leave date", False,
          ("end date", "leaving date", "leave date", "contract end", "assignment end date", "date of leaving",
           "termination date")),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)

# Headers that hold what netmap must never keep: national insurance numbers, dates of birth, ethnicity and the
# other special categories (UK GDPR art. 9). Never read, never mappable.
_SENSITIVE = re.compile(r"ni_?(number|no)|national_?ins|insurance|birth|ethnic|religio|disab|gender|nationality|"
                        r"sexual|medical|health|trade_?union|salary|pay_?(point|scale)", re.IGNORECASE)
# ... and the short ones as whole words of the header (`Staff NI`, `Legal Sex`), or spelt letter by letter (`D.O.B.`)
_SENSITIVE_WORDS = frozenset({"ni", "nino", "dob", "sex"})
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,47}$")


def is_sensitive(header: str) -> bool:
    """True for a header netmap never reads: NI number, date of birth, ethnicity and other special categories."""
    name = normalise_header(header)
    words = [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]
    spelt = "".join(w for w in words if len(w) == 1)
    return bool(_SENSITIVE.search(name) or _SENSITIVE_WORDS.intersection({*words, spelt}))


@dataclass(frozen=True)
class StaffMapping:
    """A named mapping: each staff field's export header (a name may join several, e.g. forename and surname),
    the role and subject vocabularies, school codes, and where the layout comes from."""

    name: str
    title: str
    columns: dict[str, tuple[str, ...]]
    roles: dict[str, str] = field(default_factory=dict)
    subjects: dict[str, str] = field(default_factory=dict)
    schools: dict[str, str] = field(default_factory=dict)
    subject_separators: str = ";,/"
    verified: bool = False
    source: str = ""

    def header_of(self, field_name: str) -> tuple[str, ...]:
        """The export headers that fill `field_name` (empty when unmapped)."""
        return self.columns.get(field_name, ())

    def role_of(self, code: str) -> str | None:
        """The netmap role an export's role value stands for: the vocabulary's, or the value itself when it is
        already one of netmap's roles; None when neither."""
        folded = normalise_header(code)
        for key, role in self.roles.items():
            if normalise_header(key) == folded:
                return role
        return next((r for r in ROLES if normalise_header(r) == folded), None)

    def subject_of(self, code: str) -> str:
        """The subject name a code stands for, the code matched exactly (case too: "PE" is a code, "pe" may be a
        trust's own name for it); a code not in the vocabulary is taken as the subject's name."""
        return self.subjects.get(code.strip(), code.strip())

    def to_dict(self) -> dict[str, Any]:
        """The mapping as saved: plain data, readable as TOML or JSON."""
        return {"name": self.name, "title": self.title, "verified": self.verified, "source": self.source,
                "subject_separators": self.subject_separators,
                "columns": {k: (list(v) if len(v) > 1 else v[0]) for k, v in self.columns.items()},
                "roles": self.roles, "subjects": self.subjects, "schools": self.schools}


def mapping_from_dict(data: dict[str, Any], where: str) -> StaffMapping:
    """Check a mapping's data and build it; ConfigError naming the file and what to change."""

    def fail(message: str) -> ConfigError:
        return ConfigError(f"Mapping {where}: {message}")

    name = str(data.get("name", ""))
    if not _NAME_RE.match(name):
        raise fail(f"name {name!r} must be 1-48 lower-case letters, digits, - or _, e.g. sims-staff.")
    columns: dict[str, tuple[str, ...]] = {}
    raw_columns = data.get("columns", {})
    if not isinstance(raw_columns, dict):
        raise fail("[columns] must be a table of netmap field = export header.")
    for key, value in raw_columns.items():
        if key not in FIELD_NAMES:
            raise fail(f"[columns] names {key!r}, which is not a netmap staff field; use {', '.join(FIELD_NAMES)}.")
        headers = tuple(str(h).strip() for h in (value if isinstance(value, list) else [value]) if str(h).strip())
        if len(headers) > 1 and key != "name":
            raise fail(f"{key} is mapped to {len(headers)} columns; only name may join several (forename, surname).")
        for header in headers:
            if is_sensitive(header):
                raise fail(f"{key} is mapped to {header!r}, a column netmap never reads (NI number, date of birth, "
                           "ethnicity and other special categories). Map it to another column or leave it out.")
        if headers:
            columns[key] = headers
    missing = [f.name for f in FIELDS if f.required and f.name not in columns and f.name != "school_id"]
    if missing:
        raise fail(f"{', '.join(missing)} must be mapped to a column of the export.")
    roles = {str(k): str(v) for k, v in dict(data.get("roles", {})).items()}
    wrong = sorted({v for v in roles.values() if v not in ROLES})
    if wrong:
        raise fail(f"[roles] maps to {', '.join(map(repr, wrong))}, not netmap roles; use {', '.join(ROLES)}.")
    return StaffMapping(name=name, title=str(data.get("title", name)), columns=columns, roles=roles,
                        subjects={str(k): str(v) for k, v in dict(data.get("subjects", {})).items()},
                        schools={str(k): str(v) for k, v in dict(data.get("schools", {})).items()},
                        subject_separators=str(data.get("subject_separators", ";,/")),
                        verified=bool(data.get("verified", False)), source=str(data.get("source", "")))


def mappings_dir() -> Path:
    """Where a trust's own mappings are kept: the mappings folder in netmap's data folder."""
    return data_dir() / "mappings"


def _builtin_files() -> dict[str, Any]:
    folder = resources.files("netmap.imports") / "mappings"
    return {entry.name.rsplit(".", 1)[0]: entry for entry in folder.iterdir() if entry.name.endswith(".toml")}


def builtin_names() -> list[str]:
    """The names of the mappings netmap ships."""
    return sorted(_builtin_files())


def load_mapping(path: Path) -> StaffMapping:
    """Read a mapping file (.toml or .json); ConfigError naming the file when it cannot be read or is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # tomllib's and json's errors are ValueErrors
        raise ConfigError(f"Mapping {path} cannot be read ({exc}). Check it is UTF-8 TOML or JSON.") from exc
    return mapping_from_dict(data, str(path))


def find_mapping(name: str, folder: Path | None = None) -> StaffMapping:
    """The mapping called `name`: the trust's own (in `folder`, default mappings_dir()) before a built-in one;
    ConfigError listing those available when there is none."""
    folder = folder or mappings_dir()
    for suffix in (".toml", ".json"):
        path = folder / f"{name}{suffix}"
        if _NAME_RE.match(name) and path.is_file():
            return load_mapping(path)
    builtin = _builtin_files()
    if name in builtin:
        return mapping_from_dict(tomllib.loads(builtin[name].read_text(encoding="utf-8")), f"built-in {name}")
    own = sorted(p.stem for p in folder.glob("*.*") if p.suffix in (".toml", ".json")) if folder.is_dir() else []
    raise ConfigError(f"No mapping called {name!r}. Built in: {', '.join(builtin_names())}; saved in {folder}: "
                      f"{', '.join(own) or 'none'}. Make one on the mapping page (Admin, Staff export mapping).")


def save_mapping(mapping: StaffMapping, folder: Path | None = None) -> Path:
    """Write `mapping` as JSON in `folder` (default mappings_dir()), replacing one of that name; returns the path."""
    folder = folder or mappings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    checked = mapping_from_dict(mapping.to_dict(), mapping.name)  # never save what could not be read back
    path = folder / f"{checked.name}.json"
    path.write_text(json.dumps(checked.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def suggest_columns(headers: list[str]) -> dict[str, str | None]:
    """For each staff field, the export header most like one of its usual names (difflib's ratio, 0.75 at
    least), never a sensitive one, each header suggested once; None where nothing is close."""
    usable = [h for h in headers if h.strip() and not is_sensitive(h)]
    scored = []
    for f in FIELDS:
        for header in usable:
            folded = normalise_header(header).replace("_", " ")
            score = max(difflib.SequenceMatcher(None, folded, s).ratio() for s in (f.name.replace("_", " "),
                                                                                    *f.synonyms))
            if score >= 0.75:
                scored.append((score, f.name, header))
    chosen: dict[str, str | None] = {f.name: None for f in FIELDS}
    taken: set[str] = set()
    for _score, name, header in sorted(scored, key=lambda s: -s[0]):
        if chosen[name] is None and header not in taken:
            chosen[name] = header
            taken.add(header)
    return chosen
