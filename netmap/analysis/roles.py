"""One plain-language ONA role per person, from thresholds a network lead can change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netmap.analysis.options import AnalysisOptions
from netmap.graphs import MISSING_RESPONSES

__all__ = ["ONA_ROLES", "ona_roles"]

ONA_ROLES = ("isolate", "no response", "broker", "not enough responses", "boundary spanner", "central connector",
             "peripheral", "none")


def ona_roles(staff: pd.DataFrame, options: AnalysisOptions, thin_schools: set[str] | None = None) -> pd.Series:
    """The first role in ONA_ROLES order that fits each row of a staff metrics table.

    isolate: no soft tie, and their own answers are known (responded, or coverage unknown). no response: no
    soft tie, but they were not surveyed or did not answer, so nothing says they are isolated. broker:
    betweenness above 0 and at or above the `broker_percentile` of people with ties, at a school not in
    `thin_schools`; at a school in it (response rate under `min_response_rate`) the same person is labelled
    "not enough responses" instead of broker. boundary spanner: ties to at least `spanner_schools` other
    schools. central connector: soft_degree at or above the `connector_percentile`. peripheral: soft_degree at
    most `peripheral_degree`. Percentiles are taken over people with at least one tie, so a trust of many
    isolates does not lower the bar.
    """
    missing = staff["response"].isin(MISSING_RESPONSES)
    works_at = staff["seconded_to"].where(staff["seconded_to"] != "", staff["school_id"])
    thin = works_at.isin(thin_schools or set())
    connected = staff[staff["soft_degree"] > 0]
    if connected.empty:
        return pd.Series(np.where(missing, "no response", "isolate"), index=staff.index)
    broker_bar = np.percentile(connected["betweenness"], options.broker_percentile)
    connector_bar = np.percentile(connected["soft_degree"], options.connector_percentile)
    broker = (staff["betweenness"] > 0) & (staff["betweenness"] >= broker_bar)
    conditions = [
        (staff["soft_degree"] == 0) & ~missing,
        staff["soft_degree"] == 0,
        broker & ~thin,
        broker,
        staff["schools_reached"] >= options.spanner_schools,
        staff["soft_degree"] >= connector_bar,
        staff["soft_degree"] <= options.peripheral_degree,
    ]
    return pd.Series(np.select(conditions, ONA_ROLES[:-1], default="none"), index=staff.index)
