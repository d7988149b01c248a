"""netmap's exception tree: every error a user can meet, each saying what failed, where, and the fix.

    NetmapError
    ├── ConfigError          a setting is unknown or malformed
    ├── IngestError          input files cannot be read or fail validation (carries file, row, column)
    │   └── ValidationFailed the whole validation report, when it holds errors
    ├── StorageError         the graph store is unavailable or a query failed
    ├── AnalysisError        a metric cannot be computed on this input
    ├── SurveyError          a survey round, link or answer is not valid as given
    │   ├── UnknownLink      a survey link no round issued
    │   ├── StaleAnswers     a save from a page older than the answers kept (refused)
    │   └── RoundClosed      an answer after its round closed, or before it opened (refused)
    ├── ChallengeError       a challenge, invitation or recorded collaboration is not valid as given
    ├── AccountError         a web user cannot be added, found or changed as asked
    └── RightsError          a person's rights request (export, erase, exclude) names no one held, or cannot be met
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netmap.ingest.report import ValidationReport

__all__ = [
    "AccountError",
    "AnalysisError",
    "ChallengeError",
    "ConfigError",
    "IngestError",
    "NetmapError",
    "RightsError",
    "RoundClosed",
    "StaleAnswers",
    "StorageError",
    "SurveyError",
    "UnknownLink",
    "ValidationFailed",
]


class NetmapError(Exception):
    """Base of every error netmap raises on purpose; the CLI prints its message as one line."""


class ConfigError(NetmapError):
    """A setting (environment variable or option) is unknown or malformed."""


class IngestError(NetmapError):
    """Input cannot be read; names the file and, where known, the row and column."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.row = row
        self.column = column


class ValidationFailed(IngestError):
    """Validation found errors; `report` holds every problem, not just the first."""

    def __init__(self, report: ValidationReport) -> None:
        errors = report.errors
        first = errors[0]
        super().__init__(
            f"{len(errors)} error(s) in the input; first: {first.describe()}. "
            "Run `netmap validate` on the folder to see them all.",
            file=first.file, row=first.row, column=first.column,
        )
        self.report = report


class StorageError(NetmapError):
    """The graph store is unavailable, or a read or write failed."""


class AnalysisError(NetmapError):
    """A metric cannot be computed on the given graph or options."""


class SurveyError(NetmapError):
    """A survey round, link or answer is not valid as given; the message says what to change."""


class ChallengeError(NetmapError):
    """A challenge, invitation or recorded collaboration is not valid as given; the message says what to change."""


class UnknownLink(SurveyError):
    """A survey link that no round issued (a guess, or a copy with a typo): counted against the address."""


class AccountError(NetmapError):
    """A web user cannot be added, found or changed as asked (no such user, a taken name, a short password)."""


class StaleAnswers(SurveyError):
    """A save from a page older than the answers kept (another tab or device saved since): refused, not applied."""


class RoundClosed(SurveyError):
    """An answer that arrived after its round closed (or before it opened): refused, never kept."""


class RightsError(NetmapError):
    """A data subject's request (export, erase, exclude) names no one held, or cannot be carried out as asked."""
