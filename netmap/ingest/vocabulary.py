"""A trust's own topic vocabulary: a CSV of `term,means` rows ("sums,maths", "forest school,outdoor learning")
that the expertise finder and challenges add to netmap's own (netmap/analysis/vocabulary.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

from netmap.errors import IngestError

__all__ = ["read_vocabulary"]


def read_vocabulary(path: Path) -> list[tuple[str, str]]:
    """The (term, means) pairs of `path`; IngestError naming the file, row and column of the first problem."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = set(reader.fieldnames or ())
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path}: cannot be read ({exc}); give the path of a UTF-8 CSV with the columns term and "
                          "means.", file=str(path)) from exc
    for column in ("term", "means"):
        if column not in header:
            raise IngestError(f"{path}, row 1, column {column}: missing; the vocabulary needs the columns term and "
                              "means (e.g. sums,maths).", file=str(path), row=1, column=column)
    for row_number, row in enumerate(rows, start=2):
        for column in ("term", "means"):
            if not (row.get(column) or "").strip():
                raise IngestError(f"{path}, row {row_number}, column {column}: empty; write the word people type "
                                  "in term and the topic it means in means, or delete the row.",
                                  file=str(path), row=row_number, column=column)
    return [(row["term"].strip(), row["means"].strip()) for row in rows]
