"""Analyses kept with their snapshots: read from the store when kept, otherwise computed (a batch of islands at
a time, as `netmap analyse` does) and kept, so that a snapshot is analysed once, not on every start of the web
app or every command."""

from __future__ import annotations

import logging

from netmap.analysis.engine import Analysis, Progress, analyse_snapshot
from netmap.analysis.options import AnalysisOptions
from netmap.analysis.stored import analysis_from_parts, analysis_to_parts, options_key
from netmap.store.base import GraphStore, SnapshotInfo

__all__ = ["analysis_of", "kept_analysis"]

log = logging.getLogger(__name__)


def kept_analysis(store: GraphStore, info: SnapshotInfo, options: AnalysisOptions | None = None) -> Analysis | None:
    """The analysis kept for this snapshot's contents and options, or None."""
    parts = store.read_analysis(info, options_key(options or AnalysisOptions()))
    return analysis_from_parts(parts) if parts is not None else None


def analysis_of(store: GraphStore, info: SnapshotInfo, options: AnalysisOptions | None = None,
                progress: Progress | None = None) -> Analysis:
    """The snapshot's analysis under `options`: the kept one, or computed now and kept."""
    options = options or AnalysisOptions()
    kept = kept_analysis(store, info, options)
    if kept is not None:
        return kept
    analysis = analyse_snapshot(store.read_dataset(info.snapshot_id), info.as_of, options, progress=progress)
    store.write_analysis(info, options_key(options), analysis_to_parts(analysis))
    log.info("snapshot %s analysed in %.1f s and kept", info.snapshot_id, sum(analysis.timings.values()))
    return analysis
