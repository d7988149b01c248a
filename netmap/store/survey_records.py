"""What every store keeps of survey rounds (netmap.survey), alongside its snapshots: each round's definition and
status, the digests of the personal links, and each respondent's answer sheet: the submitted answers and the
working draft kept apart, with one version number that every save must quote (compare-and-set), and the link
each was saved through (a form shows only what its own link saved)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from netmap.errors import RoundClosed, StaleAnswers, SurveyError

__all__ = ["CLOSED_MESSAGE", "ELSEWHERE_MESSAGE", "STALE_MESSAGE", "WITHDRAWN_MESSAGE", "AnswerSheet", "Link",
           "Nomination", "RoundRecord", "SheetSave", "SurveyRecords", "check_save"]

# What a refused save says, whichever store refused it (the web shows it, the autosave too)
CLOSED_MESSAGE = ("This survey round has closed: answers can no longer be given or changed. Answers submitted "
                  "before it closed are counted; nothing sent after was kept.")
STALE_MESSAGE = ("Your answers were changed in another tab or window after this page was opened, so this page's "
                 "answers were not saved (they would have overwritten the newer ones). Reload the page to see the "
                 "answers kept; what you typed here is still on this page until then.")
WITHDRAWN_MESSAGE = "This survey link has been withdrawn. Ask whoever runs the survey for a new one."
ELSEWHERE_MESSAGE = ("Your answers were already submitted through the link sent to you earlier; use that link "
                     "to see or change them. Nothing was saved through this one.")


@dataclass(frozen=True)
class Nomination:
    """One name given: `respondent` named `target` for question `question`; `weight` the frequency scale's value
    (1 when the round does not ask how often)."""

    respondent: str
    question: str
    target: str
    weight: int = 1


@dataclass(frozen=True)
class Link:
    """A person's link to a round, as kept: the token's digest, when it stops working, and when it was revoked."""

    round_id: str
    staff_id: str
    digest: str
    expires_at: str  # ISO date-time, UTC
    revoked_at: str | None = None


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


@dataclass(frozen=True)
class AnswerSheet:
    """What one respondent has answered in a round. `version` counts the saves (0: nothing kept yet); the
    submission (`submitted`, None if never submitted) counts until a new one replaces it; the draft (None if
    none) is work in progress that never counts; `*_via` the digest of the link each was saved through (None
    when unknown, e.g. converted from a store that did not record it)."""

    version: int = 0
    submitted: tuple[Nomination, ...] | None = None
    submitted_on: str | None = None
    submitted_via: str | None = None
    draft: tuple[Nomination, ...] | None = None
    draft_via: str | None = None


@dataclass(frozen=True)
class SheetSave:
    """One save of a respondent's sheet: applied only if the sheet is still at `expected_version` (the version
    the page was rendered with), the round still open, the link `via` still not revoked, and no submission was
    made through another of the respondent's links that still works (a reminder's link, or whoever holds the
    file of them, must not overwrite answers it cannot see; a reissue revokes the old link, and then the new one
    may). `submit`: the nominations become the submission (and the draft goes); else they become the draft (the
    submission stays)."""

    round_id: str
    respondent: str
    expected_version: int
    via: str
    nominations: tuple[Nomination, ...]
    day: str
    submit: bool


def check_save(change: SheetSave, *, round_open: bool, link_usable: bool, submitted_elsewhere: bool,
               version: int) -> None:
    """Refuse `change` as every store does, in this order, inside the save's transaction: RoundClosed when the
    round is not open or the link was revoked, SurveyError when the respondent submitted through another link that
    still works, StaleAnswers when the sheet has moved on from the version the page quoted (`version`: the kept
    sheet's, 0 for none)."""
    if not round_open:
        raise RoundClosed(CLOSED_MESSAGE)
    if not link_usable:
        raise RoundClosed(WITHDRAWN_MESSAGE)
    if submitted_elsewhere:
        raise SurveyError(ELSEWHERE_MESSAGE)
    if version != change.expected_version:
        raise StaleAnswers(STALE_MESSAGE)


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
    def close_to_answers(self, round_id: str) -> str:
        """The fence: set an open round's status to "closed" in one transaction that every save_sheet
        serialises against, so any save after it is refused and any save acknowledged before it is visible to
        reads that follow; returns the status the round had (a closed round stays closed)."""

    @abstractmethod
    def save_sheet(self, change: SheetSave) -> int:
        """Apply `change` in one transaction (compare-and-set) and return the sheet's new version; RoundClosed
        when the round is not open or the link was revoked, SurveyError (ELSEWHERE_MESSAGE) when the submission
        was made through another link not revoked, StaleAnswers when the sheet has moved on since
        `change.expected_version`. A refused save changes nothing."""

    @abstractmethod
    def read_sheet(self, round_id: str, respondent: str) -> AnswerSheet:
        """`respondent`'s sheet (an empty one, version 0, when they have saved nothing)."""

    @abstractmethod
    def read_answers(self, round_id: str, respondent: str | None = None
                     ) -> tuple[list[tuple[Nomination, str]], dict[str, str]]:
        """Every submitted nomination (of `respondent` alone, when given) with the day it was saved, and who
        submitted on which day. Drafts are not answers and are not read here."""
