"""The tie kinds of a snapshot: the built-in ones and those the trust declares, each with the way it flows."""

from __future__ import annotations

import pandas as pd

from netmap.contract import BUILTIN_TIE_KINDS, TieKind
from netmap.dataset import Dataset

__all__ = ["flows_from", "tie_kinds"]


def tie_kinds(dataset: Dataset) -> list[TieKind]:
    """Built-in kinds first, then the trust's own; a declared kind with a built-in's name replaces it."""
    declared = {kind.kind: kind for kind in _declared(dataset.tie_kinds)}
    kinds = [declared.pop(k.kind, k) for k in BUILTIN_TIE_KINDS]
    return kinds + list(declared.values())


def flows_from(dataset: Dataset) -> dict[str, str]:
    """Each kind's flow: target-to-source, source-to-target or mutual (see netmap.contract.TIE_FLOWS)."""
    return {kind.kind: kind.flow for kind in tie_kinds(dataset)}


def _declared(table: pd.DataFrame) -> list[TieKind]:
    return [TieKind(kind, flow, label or kind, question or "")
            for kind, flow, label, question in zip(table["kind"], table["flow"], table["label"], table["question"],
                                                   strict=True)]
