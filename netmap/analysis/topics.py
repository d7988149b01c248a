"""Topics as people type them: a vocabulary of terms and what they mean (netmap's own, shipped as vocabulary.csv,
plus a trust's own), matched after folding case, accents and full stops (P.E. is pe) and stemming each word
(Snowball's English stemmer: sciences is science, mathematic is mathematics), a typing slip corrected by
rapidfuzz when the word is close to a known one (mathmatics), and the words of a phrase read longest first
("phonics catch-up" is phonics; "assessment data" is data, not curriculum).

A text means the concepts (a vocabulary's `means`) its phrases name; a subject or group name whose words are not
in the vocabulary means those words themselves, so a trust's own subjects are found by their own names.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import snowballstemmer
from rapidfuzz import fuzz, process

from netmap.naming import folded

__all__ = ["Reading", "Vocabulary", "nearest", "phase_named", "read_topic", "vocabulary", "words"]

LONGEST_PHRASE = 5  # words
FUZZY_CUTOFF = 85  # rapidfuzz ratio (0-100) for a word to be read as a known one it does not equal
# Words that say nothing about a topic: in group names ("Secondary maths community") and requests ("help with
# Year 5 fractions"). Phase words are read as the phase, not a topic (see PHASES).
FILLER = frozenset(
    "a an and the of for in on with to our my we us help needed need needs catch up community communities network "
    "networks group groups lead leads leader leaders team teams trust school schools staff support ideas problem "
    "pupils children students class classes year years key stage ks y who what how is are best practice "
    "programme project".split())
PHASES = {"primary": "primary", "secondary": "secondary", "ks1": "primary", "ks2": "primary", "ks3": "secondary",
          "ks4": "secondary", "ks5": "secondary", "sixth form": "secondary", "post 16": "secondary"}
_STEMMER = snowballstemmer.stemmer("english")
_PHASE_WORDS = frozenset({"primari", "secondari", "ks1", "ks2", "ks3", "ks4", "ks5", "sixth", "form", "post", "16"})


def _plain(text: str) -> list[str]:
    """`text` folded (case, accents), full stops dropped (P.E. is PE), & read as "and", split into words."""
    plain = folded(str(text)).replace(".", "").replace("'", "").replace("&", " and ")
    return [w for w in re.split(r"[^0-9a-z]+", plain) if w]


def words(text: str) -> list[str]:
    """The stemmed words of `text` (see _plain)."""
    return [_stem(w) for w in _plain(text)]


@lru_cache(maxsize=20_000)
def _stem(word: str) -> str:
    """The word's Snowball stem (kept: the stemmer is pure Python, and a trust's words repeat)."""
    return str(_STEMMER.stemWord(word))


def _key(text: str) -> str:
    return " ".join(words(text))


@dataclass(frozen=True)
class Vocabulary:
    """Stemmed phrase -> the concept it means, with the terms people type for each concept (for "did you mean")."""

    means: Mapping[str, str]
    terms: Mapping[str, tuple[str, ...]]

    def with_terms(self, extra: Iterable[tuple[str, str]]) -> Vocabulary:
        """This vocabulary with a trust's own (term, means) pairs added; theirs win where a term is in both."""
        pairs = [(t, m) for t, m in extra if str(t).strip() and str(m).strip()]
        if not pairs:
            return self
        return _build([*((t, c) for c, ts in self.terms.items() for t in ts), *pairs])


def _build(pairs: Iterable[tuple[str, str]]) -> Vocabulary:
    means: dict[str, str] = {}
    terms: dict[str, list[str]] = {}
    for term, concept in pairs:
        concept = concept.strip().lower()
        for said in (concept, term):
            if key := _key(said):
                means[key] = concept
                terms.setdefault(concept, [])
                if said.strip().lower() not in terms[concept]:
                    terms[concept].append(said.strip().lower())
    return Vocabulary(means, {c: tuple(ts) for c, ts in terms.items()})


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """netmap's own vocabulary (netmap/analysis/vocabulary.csv: term, means)."""
    text = resources.files("netmap.analysis").joinpath("vocabulary.csv").read_text(encoding="utf-8")
    return _build((row["term"], row["means"]) for row in csv.DictReader(text.splitlines()))


@dataclass(frozen=True)
class Reading:
    """What a text was read as: the concepts it names, its phase (primary, secondary) if it says one, and the
    words read as another (typed, read as) by the fuzzy match."""

    concepts: frozenset[str]
    phase: str | None = None
    corrected: tuple[tuple[str, str], ...] = ()
    shown: Mapping[str, str] = field(default_factory=dict)  # a word that means itself: its stem -> as typed

    def names(self) -> tuple[str, ...]:
        """The concepts as a page shows them (a word that means itself as it was typed)."""
        return tuple(sorted(self.shown.get(c, c) for c in self.concepts))


def read_topic(text: str, vocab: Vocabulary, *, known: Iterable[str] = (), label: bool = False) -> Reading:
    """The concepts `text` names, its phrases matched longest first. A word left over means itself (`label`:
    a subject or group name) or, in a request, the known concept or vocabulary phrase it is a slip for
    (rapidfuzz ratio >= FUZZY_CUTOFF among `known` concepts and the vocabulary's phrases), or itself."""
    typed = _plain(text)
    tokens = [_stem(w) for w in typed]
    concepts: set[str] = set()
    phase: str | None = phase_named(text)
    left: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        for n in range(min(LONGEST_PHRASE, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i:i + n])
            if phrase in vocab.means and (n > 1 or phrase not in FILLER):
                concepts.add(vocab.means[phrase])
                i += n
                break
        else:
            left.append((tokens[i], typed[i]))
            i += 1
    corrected: list[tuple[str, str]] = []
    shown: dict[str, str] = {}
    choices = {**{_key(c): vocab.means.get(_key(c), _key(c)) for c in known}, **vocab.means}
    for token, word in left:
        if token in FILLER or word in FILLER or token.isdigit() or token in _PHASE_WORDS:
            continue
        if label or len(token) < 4:
            concepts.add(token)
            shown.setdefault(token, word)
            continue
        match = process.extractOne(token, list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if match is None or match[0] == token:
            concepts.add(choices.get(token, token))
            shown.setdefault(token, word)
        else:
            concepts.add(choices[match[0]])
            corrected.append((word, choices[match[0]]))
    if not concepts and phase:  # "primary" alone: the primary generalists (their subject)
        concepts.add(phase)
    return Reading(frozenset(concepts), phase, tuple(corrected), shown)


def phase_named(text: str) -> str | None:
    """The phase a request names: primary or secondary (also by key stage, Year 1-6 or 7-13), else None."""
    plain = " ".join(folded(str(text)).replace(".", "").split())
    for said, phase in PHASES.items():
        if re.search(rf"\b{said}\b", plain):
            return phase
    if year := re.search(r"\b(?:year|y)\s*(\d{1,2})\b", plain):
        return "primary" if int(year.group(1)) <= 6 else "secondary"
    return None


def nearest(text: str, topics: Mapping[str, int], vocab: Vocabulary, *, top: int = 5) -> list[tuple[str, int]]:
    """The `top` topics with evidence (topic -> people) nearest to `text` as typed (rapidfuzz WRatio over each
    topic's terms, at least 60), else the topics with most people: what to suggest when nothing was found."""
    typed = " ".join(folded(str(text)).split())
    scored: dict[str, float] = {}
    for topic in topics:
        for term in (topic, *vocab.terms.get(topic, ())):
            score = fuzz.WRatio(typed, term)
            scored[topic] = max(scored.get(topic, 0.0), score)
    close = sorted((t for t, s in scored.items() if s >= 60), key=lambda t: (-scored[t], -topics[t], t))
    chosen = close[:top] or sorted(topics, key=lambda t: (-topics[t], t))[:top]
    return [(t, topics[t]) for t in chosen]
