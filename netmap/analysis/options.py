"""The analysis thresholds, declared as data with defaults and help, so each is documented and settable."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any

from netmap.errors import AnalysisError
from netmap.graphs import DEFAULT_TIE_WINDOW_DAYS

__all__ = ["PROFILES", "AnalysisOptions"]


_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}

# Declared sets of options, each changing only how much resampling an analysis does, never a threshold: "full" is
# every default; "quick" draws 99 relabellings behind the p-values (the smallest p-value 0.01) and leaves out the
# named lists' stability, for checks that read neither (the test suite's fixtures analyse with it).
PROFILES: dict[str, dict[str, int]] = {"full": {}, "quick": {"permutations": 99, "stability_draws": 0}}


def _option(default: float | int | bool, help: str) -> Any:  # Any: a dataclass field stands in for its value
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class AnalysisOptions:
    """Thresholds and seeds of the analysis; see docs/metrics.md for what each one changes."""

    dormant_share: float = _option(0.2, "A group is dormant when fewer than this share of members are active.")
    key_connector_share: float = _option(
        0.5, "A key connector's departure removes at least this share of their school's external ties; a school "
             "whose top person holds this share is a key-person risk.")
    min_external_ties: int = _option(
        5, "A school with fewer external ties has its key connectors and dependency flagged 'few ties', not as a "
           "key-person risk.")
    min_response_rate: float = _option(
        0.8, "A school's people are named (broker, boundary spanner, central connector, peripheral, disconnected) "
             "only at or above this survey response rate.")
    pattern_response_rate: float = _option(
        0.65, "Under min_response_rate but at or above this rate, a school's patterns are shown without naming "
              "anyone in it; under it, its findings are held back ('not enough responses').")
    tie_window_days: int = _option(
        DEFAULT_TIE_WINDOW_DAYS, "A tie counts when observed within this many days before the snapshot "
                                 "(undated ties always count).")
    weighted: bool = _option(
        False, "Use tie weights (strength) in betweenness (distance 1/weight) and constraint.")
    broker_percentile: float = _option(95, "ona_role broker: betweenness at or above this percentile.")
    connector_percentile: float = _option(90, "ona_role central connector: soft_degree at or above this percentile.")
    spanner_schools: int = _option(3, "ona_role boundary spanner: ties to at least this many other schools.")
    peripheral_degree: int = _option(1, "ona_role peripheral: soft_degree at most this (and above 0).")
    formal_home_share: float = _option(
        0.5, "An informal cluster has a formal home when one group holds at least this share of its members.")
    louvain_seed: int = _option(42, "Seed of the Louvain community detection, so results repeat.")
    permutations: int = _option(
        999, "Random relabellings behind the E-I index's and QAP's p-values (the smallest p-value is "
             "1 / (permutations + 1)).")
    permutation_seed: int = _option(7, "Seed of those relabellings, so p-values repeat.")
    exact_path_limit: int = _option(5000, "Average shortest path is exact up to this many staff, sampled above.")
    path_sample_size: int = _option(500, "Sources sampled for the average shortest path above the limit.")
    stability_draws: int = _option(
        20, "Draws behind the stability of named lists, each dropping 10 % of respondents (0: not computed).")
    stability_staff_limit: int = _option(
        3000, "Stability of named lists is skipped, with a stated message, when the largest island has more "
              "staff than this (each draw recomputes betweenness).")

    def __post_init__(self) -> None:
        for name in ("dormant_share", "key_connector_share", "formal_home_share", "min_response_rate",
                     "pattern_response_rate"):
            if not 0 < getattr(self, name) <= 1:
                raise AnalysisError(f"{name} must be above 0 and at most 1, not {getattr(self, name)}.")
        if self.pattern_response_rate > self.min_response_rate:
            raise AnalysisError(f"pattern_response_rate ({self.pattern_response_rate}) must not be above "
                                f"min_response_rate ({self.min_response_rate}).")
        for name in ("broker_percentile", "connector_percentile"):
            if not 0 <= getattr(self, name) <= 100:
                raise AnalysisError(f"{name} must be between 0 and 100, not {getattr(self, name)}.")
        for name in ("min_external_ties", "tie_window_days", "permutations", "stability_staff_limit"):
            if getattr(self, name) < 1:
                raise AnalysisError(f"{name} must be at least 1, not {getattr(self, name)}.")
        if self.stability_draws < 0:
            raise AnalysisError(f"stability_draws must be 0 (not computed) or more, not {self.stability_draws}.")

    @classmethod
    def profile(cls, name: str, **changes: Any) -> AnalysisOptions:
        """The options of the declared profile `name` (PROFILES), with `changes` on top; an unknown name is refused
        naming the profiles there are."""
        if name not in PROFILES:
            raise AnalysisError(f"Unknown analysis profile {name!r}; use one of {', '.join(PROFILES)}.")
        return cls(**{**PROFILES[name], **changes})

    @classmethod
    def from_thresholds(cls, thresholds: dict[str, str]) -> AnalysisOptions:
        """Build from the NAME: VALUE text an admin keeps with a snapshot (GraphStore.read_thresholds)."""
        return cls.from_strings([f"{name}={value}" for name, value in thresholds.items()])

    @classmethod
    def from_strings(cls, pairs: list[str]) -> AnalysisOptions:
        """Build from NAME=VALUE strings (the CLI's --set), naming the fix for an unknown or bad one."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for pair in pairs:
            name, _, text = pair.partition("=")
            name = name.strip().replace("-", "_")
            if name not in fields or not text:
                raise AnalysisError(f"Unknown or empty option {pair!r}; use NAME=VALUE with NAME one of "
                                    f"{', '.join(fields)}.")
            kind = typing.get_type_hints(cls)[name]
            try:
                values[name] = _parse_bool(text) if kind is bool else kind(text)
            except ValueError:
                raise AnalysisError(f"Option {name} needs a {kind.__name__}, not {text!r}.") from None
        return cls(**values)


def _parse_bool(text: str) -> bool:
    folded = text.strip().lower()
    if folded not in _TRUE | _FALSE:
        raise ValueError(text)
    return folded in _TRUE
