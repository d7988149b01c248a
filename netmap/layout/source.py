"""What map layout reads of a snapshot: its schools, its analysis, its graphs, its names, a cache for places
computed once, and the snapshot before it (whose places a later map keeps).

A structural type, so that layout depends on no particular snapshot class: the web's view of a snapshot has these
members, and so can any library object that holds a dated snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import networkx as nx
import pandas as pd

from netmap.analysis import Analysis
from netmap.graphs import TrustGraphs

__all__ = ["MapSource"]


class MapSource(Protocol):
    """One snapshot as map layout reads it. Places are cached in `layout_cache` under the keys "school layout",
    "schools", "staff centres", "staff", "colours" and "school_neighbours"."""

    @property
    def schools(self) -> pd.DataFrame:
        """The schools in the trust on the snapshot's date (school_id, name, phase, ...)."""

    @property
    def analysis(self) -> Analysis:
        """The snapshot's analysis: its schools, wiring and summary tables."""

    @property
    def graphs(self) -> TrustGraphs:
        """The snapshot's soft and hard graphs, and each person's school."""

    @property
    def undirected(self) -> nx.Graph:
        """The soft graph, undirected."""

    @property
    def school_names(self) -> dict[str, str]:
        """Each school's name by its id."""

    @property
    def layout_cache(self) -> dict[str, Any]:
        """Places computed once per snapshot, kept with it."""

    @property
    def load_previous(self) -> Callable[[], MapSource | None]:
        """The snapshot just before this one, if any (its places are kept)."""
