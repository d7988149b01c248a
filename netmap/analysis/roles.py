"""One plain-language ONA role per person, from thresholds a network lead can change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netmap.analysis.options import AnalysisOptions
from netmap.graphs import MISSING_RESPONSES

__all__ = ["ONA_ROLES", "ona_roles"]

ONA_ROLES = ("isolate", "no response", "not enough responses", "broker", "boundary spanner", "central connector",
             "unknown", "peripheral", "none")


def ona_roles(staff: pd.DataFrame, options: AnalysisOptions, thin_schools: set[str] | None = None) -> pd.Series:
    """The first role in ONA_ROLES order that fits each row of a staff metrics table.

    isolate: no soft tie, and their own answers are known (responded, or coverage unknown). no response: no
    soft tie, but they were not surveyed or did not answer, so nothing says they are isolated. not enough
    responses: anyone else working at a school in `thin_schools` (a response rate under `min_response_rate`),
    where nobody is named. broker: betweenness above 0 and at or above the `broker_percentile` of people with
    ties. boundary spanner: ties to at least `spanner_schools` other schools. central connector: soft_degree at
    or above the `connector_percentile`. unknown: a non-respondent with ties that fit none of these; their own
    ties are unknown, so they are not called peripheral. peripheral: soft_degree at most `peripheral_degree`.
    Percentiles are taken over people with at least one tie, so a trust of many isolates does not lower the bar.
    """
    missing = staff["response"].isin(MISSING_RESPONSES)
    works_at = staff["seconded_to"].where(staff["seconded_to"] != "", staff["school_id"])
    thin = works_at.isin(thin_schools or set())
    unconnected = staff["soft_degree"] == 0
    connected = staff[~unconnected]
    if connected.empty:
        return pd.Series(np.select([~missing & ~thin, missing], ONA_ROLES[:2], default=ONA_ROLES[2]),
                         index=staff.index)
    broker_bar = np.percentile(connected["betweenness"], options.broker_percentile)
    connector_bar = np.percentile(connected["soft_degree"], options.connector_percentile)
    conditions = [
        unconnected & ~missing & ~thin,
        unconnected & missing,
        thin,
        (staff["betweenness"] > 0) & (staff["betweenness"] >= broker_bar),
        staff["schools_reached"] >= options.spanner_schools,
        staff["soft_degree"] >= connector_bar,
        missing,
        staff["soft_degree"] <= options.peripheral_degree,
    ]
    return pd.Series(np.select(conditions, ONA_ROLES[:-1], default="none"), index=staff.index)
