"""Small-group suppression on hand-built cases: primary, complementary (a total would give a hidden row back),
and the threshold's floor."""

from __future__ import annotations

import pandas as pd
import pytest

from netmap.errors import ConfigError
from netmap.suppression import suppressed_keys, suppressed_table


def test_rows_under_the_threshold_are_hidden() -> None:
    sizes = pd.Series({"A": 4, "B": 5, "C": 3, "D": 12})
    assert suppressed_keys(sizes, 5) == {"A", "C"}  # two rows, 7 people together: nothing more to hide


def test_a_lone_small_row_takes_the_next_smallest_with_it() -> None:
    """Schools of 2, 30 and 40 staff, and the trust's 72 published: hiding only the 2 lets 72 - 30 - 40 give it
    back. Hiding the 30 too leaves 32 people together, which says nothing about the two."""
    sizes = pd.Series({"small": 2, "middle": 30, "large": 40})
    hidden = suppressed_keys(sizes, 5)
    assert hidden == {"small", "middle"}
    shown_total = sizes.drop(list(hidden)).sum()
    assert sizes.sum() - shown_total >= 5  # what subtraction recovers is at least 5 people


def test_small_rows_that_add_up_to_fewer_than_the_threshold_take_another() -> None:
    sizes = pd.Series({"a": 1, "b": 2, "c": 9, "d": 20})
    hidden = suppressed_keys(sizes, 5)
    assert hidden == {"a", "b", "c"} and sizes[list(hidden)].sum() >= 5


def test_nothing_is_hidden_when_every_row_is_large_enough_and_empty_rows_never_are() -> None:
    assert suppressed_keys(pd.Series({"a": 5, "b": 0, "c": 7}), 5) == set()


def test_when_all_rows_are_small_all_are_hidden() -> None:
    assert suppressed_keys(pd.Series({"a": 1, "b": 1}), 5) == {"a", "b"}


@pytest.mark.parametrize("size", [0, 1, 2])
def test_a_threshold_below_three_is_refused(size: int) -> None:
    with pytest.raises(ConfigError, match="at least 3"):
        suppressed_keys(pd.Series({"a": 1}), size)


def test_a_table_shows_fewer_than_n_in_every_cell_of_a_hidden_row() -> None:
    frame = pd.DataFrame({"school_id": ["S", "M", "L"], "staff": [2, 30, 40], "external_ties": [1, 12, 30],
                          "is_isolated": [False, False, False]})
    shown, hidden = suppressed_table(frame, "staff", ["external_ties", "is_isolated"], 5, key="school_id")
    assert hidden == {"S", "M"}
    assert shown.set_index("school_id").loc["S"].tolist() == ["fewer than 5"] * 3
    assert shown.set_index("school_id").loc["L"].tolist() == [40, 30, False]
