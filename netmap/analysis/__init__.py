"""The analysis engine: pure functions over NetworkX graphs, defined in docs/metrics.md."""

from netmap.analysis.engine import Analysis, analyse, analyse_snapshot, write_analysis
from netmap.analysis.options import AnalysisOptions

__all__ = ["Analysis", "AnalysisOptions", "analyse", "analyse_snapshot", "write_analysis"]
