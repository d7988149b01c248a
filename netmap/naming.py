"""People and schools named by id or by name: "ST0042", "Amelia Clarke", "clarke amelia" or "Oakfield" all pick
out one when only one matches. The command line, the web app's person search and the survey's roster share
these rules, so a name found in one is found in the others.

Matching folds case and accents and transliterates letters that do not decompose (Ł -> l, ß -> ss, ø -> o,
æ -> ae, đ -> d, with anyascii), drops apostrophes (' ’ ‘ ` ´) and treats hyphens and spaces alike; then every
typed word must begin some word of the name, in any order: "williams liam", "liam will", "lukasz" for Łukasz,
and "o’brien", "obrien" and "o brien" for O'Brien. A name's words are its pieces and every run of adjacent
pieces joined ("O'Brien-Smith": o, brien, smith, obrien, briensmith, obriensmith)."""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from anyascii import anyascii

from netmap.errors import AnalysisError
from netmap.graphs import TrustGraphs

__all__ = ["NameIndex", "folded", "matching_names", "name_words", "narrowed", "school_id_of", "staff_id_of",
           "typed_words"]

SHOWN = 5
MAX_PIECES = 8  # a name's words joined in runs up to this many pieces (real names have far fewer)
_APOSTROPHES = re.compile(r"['`]")  # after anyascii, which makes ’ ‘ ´ ʼ into '
_NOT_LETTERS = re.compile(r"[^0-9a-z]+")


def folded(text: str) -> str:
    """Lower case, in ASCII letters: "Zoë Łukasz Straße" -> "zoe lukasz strasse" (see the module's notes)."""
    return anyascii(text).casefold()


def typed_words(text: str) -> tuple[str, ...]:
    """The words of what someone typed, folded, apostrophes dropped, split at anything not a letter or digit:
    "O’Brien-Smith  liam" -> ("obrien", "smith", "liam")."""
    return tuple(w for w in _NOT_LETTERS.split(_APOSTROPHES.sub("", folded(text))) if w)


@lru_cache(maxsize=65536)
def _pieces(name: str) -> tuple[str, ...]:
    return tuple(w for w in _NOT_LETTERS.split(folded(name)) if w)[:MAX_PIECES]


@lru_cache(maxsize=65536)
def name_words(name: str) -> frozenset[str]:
    """The words a typed word may begin: the name's pieces (split at apostrophes, hyphens, spaces and any other
    non-letter) and every run of adjacent pieces joined."""
    pieces = _pieces(name)
    return frozenset("".join(pieces[i:j]) for i in range(len(pieces)) for j in range(i + 1, len(pieces) + 1))


def _rank(words: tuple[str, ...], name: str) -> int | None:
    """How well `words` match `name`: None not at all (some word begins no word of the name); 0 the whole name
    (in any order, spaced or not); 1 whole words of it; 2 the starts of words."""
    own = name_words(name)
    if not all(w in own for w in words):
        return 2 if all(any(o.startswith(w) for o in own) for w in words) else None
    return 0 if sum(map(len, words)) == sum(map(len, _pieces(name))) else 1


def matching_names(names: Mapping[str, str], text: str) -> list[tuple[str, str]]:
    """(id, name) of the names matching `text` (see the module's notes): the whole name first, then whole words,
    then by name and id. A scan of every name (their words are cached), for the command line and the web's person
    search."""
    words = typed_words(text)
    if not words:
        return []
    ranked = ((rank, n, i) for i, n in names.items() if (rank := _rank(words, n)) is not None)
    return [(i, n) for _rank_, n, i in sorted(ranked)]


class NameIndex:
    """Names searched as someone types (the survey's roster): each name's words kept in one sorted list, so the
    names a typed word begins are found by bisection, not by reading every name.

    Parameters
    ----------
    names : the names, in the order results are given in (ties between equally good matches).
    """

    def __init__(self, names: Sequence[str]) -> None:
        self._own = [name_words(n) for n in names]
        self._letters = [sum(map(len, _pieces(n))) for n in names]
        pairs = sorted((w, k) for k, own in enumerate(self._own) for w in own)
        self._words = [w for w, _k in pairs]
        self._positions = [k for _w, k in pairs]

    def _beginning(self, word: str) -> set[int]:
        """Positions of the names with a word that begins with `word`."""
        lo = bisect.bisect_left(self._words, word)
        hi = bisect.bisect_left(self._words, word + "\x7f", lo)  # folded words are ASCII: \x7f sorts after them
        return set(self._positions[lo:hi])

    def _rank(self, words: tuple[str, ...], letters: int, k: int) -> int:
        """_rank for a name every typed word is known to begin a word of."""
        own = self._own[k]
        if not all(w in own for w in words):
            return 2
        return 0 if letters == self._letters[k] else 1

    def search(self, text: str, limit: int, keep: Callable[[int], bool] = lambda _k: True) -> list[int]:
        """Positions of up to `limit` names matching `text` that `keep` accepts, best first (the whole name, then
        whole words, then the starts of words; then in the index's order). More than `limit` only when more
        people than that share the whole name typed: each of them must be offered.

        Notes
        -----
        Each typed word costs a bisection and the set of names it begins; the rest is the intersection of
        those sets. A two-letter word begins about a tenth of 12,000 names: a few milliseconds.
        """
        words = typed_words(text)
        if not words:
            return []
        first, *rest = sorted(set(words), key=len, reverse=True)  # longest first: the smallest set
        found = self._beginning(first)
        for word in rest:
            found &= self._beginning(word)
        letters = sum(map(len, words))
        ranked = [(self._rank(words, letters, k), k) for k in found if keep(k)]
        namesakes = sorted(k for rank, k in ranked if rank == 0)
        if len(namesakes) > limit:
            return namesakes
        return [k for _rank_, k in heapq.nsmallest(limit, ranked)]


def narrowed(matches: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """The matches whose whole name is `text` (folded: case, accents, apostrophes and word order aside), when
    there are any; otherwise all of them."""
    wanted = sorted(typed_words(text))
    exact = [m for m in matches if sorted(typed_words(m[1])) == wanted]
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
