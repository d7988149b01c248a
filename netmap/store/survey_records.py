"""What every store keeps of survey rounds (netmap.survey), alongside its snapshots: each round's definition and
status, the digests of the personal links, and each respondent's answers and whether they submitted."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from netmap.survey.answers import Nomination
from netmap.survey.links import Link

__all__ = ["RoundRecord", "SurveyRecords"]


@dataclass(frozen=True)
class RoundRecord:
    """A round as kept: its id, its definition (netmap.survey.rounds.RoundSpec as JSON), draft / open / closed,
    when it was created, and the id of the snapshot its closing wrote (`snapshot_as_of`: named when snapshots were
    identified by their date, which a round closed then still holds and which is that snapshot's id)."""

    round_id: str
    spec: str
    status: str
    created_at: str
    snapshot_as_of: str | None = None


class SurveyRecords(ABC):
    """Survey rounds in a store; every write is one transaction."""

    @abstractmethod
    def save_round(self, record: RoundRecord) -> None:
        """Keep `record`, replacing the round of the same id."""

    @abstractmethod
    def list_rounds(self) -> list[RoundRecord]:
        """Every round, oldest first."""

    @abstractmethod
    def delete_round(self, round_id: str) -> None:
        """Delete the round with its links, answers and responses (retention; nothing of it stays)."""

    @abstractmethod
    def add_links(self, links: list[Link]) -> None:
        """Keep new links (their digests)."""

    @abstractmethod
    def find_link(self, digest: str) -> Link | None:
        """The link whose token has this digest, or None."""

    @abstractmethod
    def round_links(self, round_id: str) -> list[Link]:
        """Every link of a round, by staff id."""

    @abstractmethod
    def revoke_links(self, round_id: str, staff_ids: list[str] | None, when: str) -> int:
        """Revoke the round's links of `staff_ids` (None: all) not yet revoked; returns how many."""

    @abstractmethod
    def save_answers(self, round_id: str, respondent: str, nominations: list[Nomination], saved_on: str,
                     submitted_on: str | None) -> None:
        """Replace everything `respondent` has answered in the round (a draft, or with `submitted_on` their
        submitted answers) in one transaction: never half of an old and half of a new set."""

    @abstractmethod
    def read_answers(self, round_id: str, respondent: str | None = None
                     ) -> tuple[list[tuple[Nomination, str]], dict[str, str]]:
        """Every nomination kept (of `respondent` alone, when given: what a form needs) with the day it was
        saved, and who submitted on which day."""
