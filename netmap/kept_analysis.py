"""Analyses kept with their snapshots, for code holding a store and a `SnapshotInfo` rather than a `Snapshot`:
read from the store when kept, otherwise computed (a batch of islands at a time, as `netmap analyse` does) and
kept, so that a snapshot is analysed once, not on every start of the web app or every command. Both go through
netmap.snapshot.Snapshot, the one way to a snapshot's analysis."""

from __future__ import annotations

from netmap.analysis.engine import Analysis, Progress
from netmap.analysis.options import AnalysisOptions
from netmap.snapshot import Snapshot
from netmap.store.base import GraphStore, SnapshotInfo

__all__ = ["analysis_of", "kept_analysis"]


def kept_analysis(store: GraphStore, info: SnapshotInfo, options: AnalysisOptions | None = None) -> Analysis | None:
    """The analysis kept for this snapshot's contents and options, or None."""
    return Snapshot(info, store, options).kept_analysis()


def analysis_of(store: GraphStore, info: SnapshotInfo, options: AnalysisOptions | None = None,
                progress: Progress | None = None) -> Analysis:
    """The snapshot's analysis under `options`: the kept one, or computed now and kept."""
    return Snapshot(info, store, options).analyse(progress)
