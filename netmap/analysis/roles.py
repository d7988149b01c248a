"""One plain-language ONA role per person, from thresholds a network lead can change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netmap.analysis.options import AnalysisOptions

__all__ = ["ONA_ROLES", "ona_roles"]

ONA_ROLES = ("isolate", "broker", "boundary spanner", "central connector", "peripheral", "none")


def ona_roles(staff: pd.DataFrame, options: AnalysisOptions) -> pd.Series:
    """The first role in ONA_ROLES order that fits each row of a staff metrics table.

    isolate: no soft tie. broker: betweenness above 0 and at or above the `broker_percentile` of people with
    ties. boundary spanner: ties to at least `spanner_schools` other schools. central connector: soft_degree
    at or above the `connector_percentile`. peripheral: soft_degree at most `peripheral_degree`. Percentiles
    are taken over people with at least one tie, so a trust of many isolates does not lower the bar.
    """
    connected = staff[staff["soft_degree"] > 0]
    if connected.empty:
        return pd.Series("isolate", index=staff.index)
    broker_bar = np.percentile(connected["betweenness"], options.broker_percentile)
    connector_bar = np.percentile(connected["soft_degree"], options.connector_percentile)
    conditions = [
        staff["soft_degree"] == 0,
        (staff["betweenness"] > 0) & (staff["betweenness"] >= broker_bar),
        staff["schools_reached"] >= options.spanner_schools,
        staff["soft_degree"] >= connector_bar,
        staff["soft_degree"] <= options.peripheral_degree,
    ]
    return pd.Series(np.select(conditions, ONA_ROLES[:-1], default="none"), index=staff.index)
