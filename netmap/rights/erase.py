"""Erasure (UK GDPR article 17): a person removed from every snapshot and survey round of a store, all at once.

Each snapshot that holds them is rewritten without them (their staff rows, memberships, secondments, survey
responses and every tie to or from them) and keeps its id, date, source and load time; its kept analyses go (the
command computes the default one again). Their survey links, answer sheets and answers, and the answers of others
that name them, go too. The users file's share is the web app's (webapp.accounts.rights), reached through the
netmap.person_erasure entry point.
"""

from __future__ import annotations

from dataclasses import dataclass

from netmap.rights.holdings import Holdings
from netmap.rights.people import without_people
from netmap.store.base import GraphStore

__all__ = ["Erasure", "erase_from_store"]


@dataclass(frozen=True)
class Erasure:
    """What an erasure changed in a store: the snapshots rewritten, the survey rounds that held records of the
    person, and whether an exclusion of theirs was removed."""

    staff_id: str
    snapshots: tuple[str, ...]
    rounds: tuple[str, ...]
    had_exclusion: bool


def erase_from_store(store: GraphStore, holdings: Holdings) -> Erasure:
    """Erase `holdings.person` from `store` in one all-or-nothing write (GraphStore.erase_person)."""
    staff_id = holdings.person.staff_id
    rewritten = {info.snapshot_id: without_people(holdings.datasets[info.snapshot_id], [staff_id])
                 for info in holdings.snapshots}
    store.erase_person(staff_id, rewritten)
    return Erasure(staff_id, tuple(rewritten), tuple(h.round_id for h in holdings.surveys),
                   holdings.exclusion is not None)
