"""Staff exports as a trust's MIS or HR system would write them, made deterministically from a trust's staff table
for the tests of netmap.imports: each built-in mapping's layout (headers, role and subject codes, date formats,
school names or codes), with the columns netmap must never keep (NI number, date of birth, ethnicity, gender),
rows in the system's own order rather than netmap's, and the census's repeated rows (one per contract)."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd

from netmap.imports.mapping import StaffMapping, find_mapping, save_mapping

__all__ = ["census_mapping", "laestab", "write_export"]

_ROLE_CODES = {"headteacher": "HDT", "senior-leader": "DHT", "middle-leader": "LDR", "teacher": "TCH",
               "support": "TAS", "central": "central"}
_ETHNICITY = ("WBRI", "WIRI", "AIND", "BCRB", "MWBC", "CHNE", "WOTH")


def laestab(index: int) -> str:
    """A made-up LA and establishment number for the school at `index` (1-based), as the census writes it."""
    return f"{380 + index % 7}{4000 + index}"


def census_mapping(schools: pd.DataFrame, folder: Path) -> StaffMapping:
    """The built-in workforce-census mapping with a [schools] entry per school's LAESTAB, saved in `folder` as a
    trust would on the mapping page (name census-trust)."""
    base = find_mapping("workforce-census", folder)
    codes = {laestab(i): str(s) for i, s in enumerate(schools["school_id"], start=1)}
    mapping = StaffMapping("census-trust", base.title, base.columns, base.roles, base.subjects, codes,
                           base.subject_separators)
    save_mapping(mapping, folder)
    return mapping


def _date(value: object, layout: str) -> str:
    if not isinstance(value, str) or not value:
        return ""
    year, month, day = value.split("-")
    if layout == "itrent":
        months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
        return f"{day}-{months[int(month) - 1]}-{year}"
    return f"{day}/{month}/{year}"


def write_export(layout: str, staff: pd.DataFrame, schools: pd.DataFrame, path: Path, *, seed: int = 7,
                 repeats: int = 0) -> Path:
    """Write `staff` as `layout` (sims, itrent or workforce-census) would export it, rows shuffled with `seed`;
    `repeats` rows written twice (a census person with two identical contract rows)."""
    rng = random.Random(seed)
    mapping = find_mapping(layout)
    codes = {name: code for code, name in mapping.subjects.items()}
    index = {str(s): i for i, s in enumerate(schools["school_id"], start=1)}
    names = dict(zip(schools["school_id"], schools["name"], strict=True))
    rows = []
    for person in staff.itertuples(index=False):
        forename, _, surname = str(person.name or "").partition(" ")
        subjects = [codes.get(s, s) for s in str(person.subjects or "").split(";") if s]
        email = f"{forename}.{surname}".lower().replace(" ", "") + "@trust.example"
        common = {"NI Number": f"QQ{rng.randrange(10**6):06d}C", "Date of Birth": f"{rng.randrange(1, 28):02d}/"
                  f"{rng.randrange(1, 13):02d}/{rng.randrange(1960, 2000)}", "Gender": rng.choice("MF")}
        if layout == "sims":
            rows.append({"Employee Number": person.staff_id, "Legal Surname": surname, "Preferred Forename": forename,
                         **common, "Ethnicity": rng.choice(_ETHNICITY), "Work Email": email,
                         "Role": _ROLE_CODES[person.role], "Subjects": ", ".join(subjects),
                         "Employment Start Date": _date(person.started_on, layout),
                         "Employment End Date": _date(person.left_on, layout),
                         "Staff Code": forename[:1] + surname[:2]})
        elif layout == "itrent":
            rows.append({"Person Number": person.staff_id, "Surname": surname, "Forenames": forename, **common,
                         "Ethnic Origin": rng.choice(_ETHNICITY), "Work Email Address": email,
                         "Location": names[person.school_id], "Post Category": _ROLE_CODES[person.role],
                         "Job Title": person.role.replace("-", " ").title(), "Grade": f"SCP {rng.randrange(5, 40)}",
                         "Assignment Start Date": _date(person.started_on, layout),
                         "Assignment End Date": _date(person.left_on, layout)})
        else:
            rows.append({"LAESTAB": laestab(index[person.school_id]), "Staff Member ID": person.staff_id,
                         "Family Name": surname, "Given Name": forename, **common,
                         "Ethnic Code": rng.choice(_ETHNICITY), "Email": email,
                         "Role Identifier": _ROLE_CODES[person.role], "Curriculum Subject": "/".join(subjects),
                         "Contract Start Date": _date(person.started_on, layout),
                         "Contract End Date": _date(person.left_on, layout), "FTE": "1.0"})
    rng.shuffle(rows)
    rows += [rows[i] for i in range(repeats)]
    with path.open("w", encoding="cp1252" if layout == "itrent" else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
