"""Validation problems and the report that gathers all of them, so a user fixes everything in one pass."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from netmap.spreadsheet import neutralise

__all__ = ["Problem", "ValidationReport"]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding: where it is (file, spreadsheet row, column), the bad value, what is wrong and the fix."""

    severity: Severity
    rule: str
    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    fix: str

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def describe(self) -> str:
        """One line a user can act on: location, what is wrong, the fix."""
        return f"{self.location()}: {self.message} Fix: {self.fix}"


@dataclass
class ValidationReport:
    """Every problem found in one source, errors and warnings alike."""

    source: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def counts_by_rule(self, severity: Severity) -> Counter[str]:
        return Counter(p.rule for p in self.problems if p.severity == severity)

    def shown(self, per_rule: int = 3) -> list[tuple[Problem, int]]:
        """What a page lists: every error, and the first `per_rule` warnings of each rule, the last of them with how
        many more of its rule there are (a first import's hundreds of "no collaborations yet" read as one finding);
        the rest with 0."""
        total = self.counts_by_rule("warning")
        seen: Counter[str] = Counter()
        listed = []
        for p in self.problems:
            if p.severity == "warning":
                seen[p.rule] += 1
                if seen[p.rule] > per_rule:
                    continue
                listed.append((p, total[p.rule] - per_rule if seen[p.rule] == per_rule else 0))
            else:
                listed.append((p, 0))
        return listed

    def write_csv(self, path: Path) -> None:
        """Write every problem to a CSV the user can sort and filter in a spreadsheet."""
        path.write_text(self.csv_text(), encoding="utf-8", newline="")

    def csv_text(self) -> str:
        """Every problem as CSV text (what write_csv writes, and the upload page offers as a download)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["severity", "rule", "file", "row", "column", "value", "message", "fix"])
        for p in self.problems:  # values and file names come from the user's files: neutralised
            writer.writerow([neutralise(v) for v in (p.severity, p.rule, p.file, p.row or "", p.column or "",
                                                     p.value or "", p.message, p.fix)])
        return buffer.getvalue()
