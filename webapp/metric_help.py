"""One-line explanations shown on every heading (the full definitions are on /metrics).

The analysis columns' help comes from netmap.analysis.columns, with the thresholds it quotes filled in from the
options, so the web, the outputs and docs/metrics.md describe one set of columns.
"""

from __future__ import annotations

from netmap.analysis.columns import COLUMNS, help_text
from netmap.analysis.options import AnalysisOptions

__all__ = ["HELP", "help_for", "help_texts"]

# Headings the web shows that are not analysis outputs: from the data itself, or from a validation report.
_OTHER = {
    "name": "Name as given in the data.",
    "role": "Role from staff.csv.",
    "subjects": "Subjects or specialisms.",
    "priority": "The trust's own judgement of how much the school needs support now (schools.csv): high, medium "
                "or low. Isolated or weakly connected high-priority schools are helped first.",
    "severity": "Error (blocks the load) or warning.",
    "file": "File or sheet.",
    "row": "Row number as your spreadsheet shows it.",
    "column": "Column.",
    "value": "The value found.",
    "message": "What is wrong.",
    "fix": "How to fix it.",
    "stable_in": "Draws, each dropping 10 % of respondents at random, whose list still names this person. A name "
                 "seen in fewer than half the draws rests on a few answers: check it before acting.",
}


def help_texts(options: AnalysisOptions) -> dict[str, str]:
    """Every heading's one-line help, quoting the thresholds of `options` (a name shared by two tables, such
    as schools_reached, has one text that reads for both)."""
    texts: dict[str, str] = {}
    for column in COLUMNS:
        texts.setdefault(column.name, help_text(column, options))
    return {**texts, **_OTHER}


HELP = help_texts(AnalysisOptions())


def help_for(key: str) -> str:
    return HELP.get(key, "")
