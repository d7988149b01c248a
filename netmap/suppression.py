"""Small-group suppression: no aggregate shown to a role that sees aggregates may single anyone out.

A cell computed from fewer than `min_group_size` people (default 5, never below 3; Microsoft Viva Insights uses
5) is shown as "fewer than 5". Suppressing only those cells is not enough when a total is published elsewhere:
with one school of 2 hidden among schools whose sizes and the trust's total are shown, subtraction gives it
back. So suppression is complementary, as statistical offices do it: while the hidden rows are a single row or
add up to fewer than the threshold, the smallest shown row is hidden too, so that what subtraction can recover
is only a combined figure of at least `min_group_size` people.
"""

from __future__ import annotations

from collections.abc import Hashable

import pandas as pd

from netmap.errors import ConfigError

__all__ = ["DEFAULT_MIN_GROUP_SIZE", "LOWEST_MIN_GROUP_SIZE", "check_min_group_size", "fewer_than", "hide_rows",
           "suppressed_keys", "suppressed_table"]

DEFAULT_MIN_GROUP_SIZE = 5
LOWEST_MIN_GROUP_SIZE = 3


def check_min_group_size(size: int, where: str = "The minimum group size") -> int:
    """`size`, or ConfigError when it is below LOWEST_MIN_GROUP_SIZE (groups of 2 identify people)."""
    if size < LOWEST_MIN_GROUP_SIZE:
        raise ConfigError(f"{where} must be at least {LOWEST_MIN_GROUP_SIZE}, not {size}: a figure about 1 or 2 "
                          "people identifies them.")
    return size


def fewer_than(min_group_size: int) -> str:
    """What a suppressed cell shows."""
    return f"fewer than {min_group_size}"


def suppressed_keys(sizes: pd.Series, min_group_size: int) -> set[Hashable]:
    """The index labels of `sizes` (people behind each row) to hide: every row of 1 to min_group_size - 1 people,
    and then the smallest others until the hidden rows are at least two and together at least min_group_size
    people (or every non-empty row is hidden). Rows of 0 people describe nobody and are never hidden.

    Examples
    --------
    >>> sorted(suppressed_keys(pd.Series({"A": 2, "B": 30, "C": 40}), 5))
    ['A', 'B']
    >>> sorted(suppressed_keys(pd.Series({"A": 8, "B": 30}), 5))
    []
    """
    check_min_group_size(min_group_size)
    people = sizes[sizes > 0].sort_values(kind="stable")
    hidden = list(people.index[people < min_group_size])
    shown = [k for k in people.index if k not in set(hidden)]
    while hidden and (len(hidden) < 2 or people[hidden].sum() < min_group_size) and shown:
        hidden.append(shown.pop(0))
    return set(hidden)


def suppressed_table(frame: pd.DataFrame, size_column: str, columns: list[str], min_group_size: int,
                     key: str | None = None) -> tuple[pd.DataFrame, set[Hashable]]:
    """A copy of `frame` whose `columns` (and `size_column`) read "fewer than N" on every suppressed row; returns
    it and the suppressed rows' `key` values (index labels when `key` is None)."""
    keys = frame[key] if key else pd.Series(frame.index, index=frame.index)
    hidden = suppressed_keys(pd.Series(frame[size_column].to_numpy(), index=keys.to_numpy()).fillna(0),
                             min_group_size)
    return hide_rows(frame, keys, hidden, [size_column, *columns], min_group_size), hidden


def hide_rows(frame: pd.DataFrame, keys: pd.Series, hidden: set[Hashable] | set[str], columns: list[str],
              min_group_size: int) -> pd.DataFrame:
    """A copy of `frame` whose `columns` read "fewer than N" on the rows whose `keys` value is in `hidden`
    (`frame` itself when nothing is hidden)."""
    mask = keys.isin(hidden).to_numpy()
    if not mask.any():
        return frame
    out = frame.copy()
    label = fewer_than(min_group_size)
    for column in dict.fromkeys(columns):
        out[column] = out[column].astype(object)
        out.loc[mask, column] = label
    return out
