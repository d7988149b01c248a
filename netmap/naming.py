"""People and schools named on the command line by id or by name: "ST0042", "Amelia Clarke", "amelia" or
"Oakfield" all work when they pick out one; otherwise the error lists who or what matched."""

from __future__ import annotations

import pandas as pd

from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs

__all__ = ["school_id_of", "staff_id_of"]

SHOWN = 5


def _matching(ids: pd.Series, names: pd.Series, text: str) -> list[tuple[str, str]]:
    """(id, name) of the rows whose name is `text` (any case), or else contains every word of it."""
    words = text.casefold().split()
    folded = names.fillna("").str.casefold()
    exact = folded == text.strip().casefold()
    found = exact if exact.any() else folded.map(lambda n: all(w in n for w in words)) & bool(words)
    return sorted(zip(ids[found], names[found], strict=True), key=lambda m: (m[1], m[0]))


def _one(kind: tuple[str, str], text: str, matches: list[tuple[str, str]], as_of: str) -> str:
    """The one id matched; otherwise AnalysisError naming (singular, plural) `kind` and up to SHOWN matches."""
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise AnalysisError(f"No {kind[0]} in the snapshot of {as_of} has the id or name {text!r}.")
    shown = ", ".join(f"{n} ({i})" for i, n in matches[:SHOWN])
    raise AnalysisError(f"{len(matches)} {kind[1]} match {text!r}: {shown}{', ...' if len(matches) > SHOWN else ''}"
                        ". Give more of the name, or the id.")


def staff_id_of(graphs: TrustGraphs, text: str) -> str:
    """The staff id of the one person in post that `text` is the id of, or names."""
    if text in graphs.soft:
        return text
    staff = graphs.dataset.staff
    staff = staff[staff["staff_id"].isin(set(graphs.soft))]
    matches = _matching(staff["staff_id"], staff["name"], text)
    return _one(("member of staff in post", "people in post"), text, matches, graphs.as_of)


def school_id_of(graphs: TrustGraphs, text: str) -> str:
    """The id of the one school that `text` is the id of, or names."""
    schools = graphs.dataset.schools
    if text in set(schools["school_id"]):
        return text
    matches = _matching(schools["school_id"], schools["name"], text)
    return _one(("school", "schools"), text, matches, graphs.as_of)
