"""People and schools named by id or by name: "ST0042", "Amelia Clarke", "amelia" or "Oakfield" all pick out
one when only one matches. The command line and the web app's person search share these rules."""

from __future__ import annotations

from collections.abc import Mapping

from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs

__all__ = ["matching_names", "narrowed", "school_id_of", "staff_id_of"]

SHOWN = 5


def matching_names(names: Mapping[str, str], text: str) -> list[tuple[str, str]]:
    """(id, name) of the names containing every word of `text` (any case, in any order), by name then id."""
    words = text.casefold().split()
    if not words:
        return []
    return sorted(((i, n) for i, n in names.items() if all(w in n.casefold() for w in words)),
                  key=lambda m: (m[1], m[0]))


def narrowed(matches: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """The matches whose whole name is `text` (any case), when there are any; otherwise all of them."""
    exact = [m for m in matches if m[1].casefold() == text.strip().casefold()]
    return exact or matches


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
    names = {p: n for p, n in zip(staff["staff_id"], staff["name"], strict=True) if n and p in graphs.soft}
    matches = narrowed(matching_names(names, text), text)
    return _one(("member of staff in post", "people in post"), text, matches, graphs.as_of)


def school_id_of(graphs: TrustGraphs, text: str) -> str:
    """The id of the one school that `text` is the id of, or names."""
    schools = graphs.dataset.schools
    if text in set(schools["school_id"]):
        return text
    matches = narrowed(matching_names(dict(zip(schools["school_id"], schools["name"], strict=True)), text), text)
    return _one(("school", "schools"), text, matches, graphs.as_of)
