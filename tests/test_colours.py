"""The maps' colours read for everyone: labels and lines stand out from the white page (WCAG 2.1 contrast), and
colours that must be told apart stay apart (CIEDE2000), at full strength and faded, for normal vision and simulated
protanopia, deuteranopia and tritanopia (Brettel's model, through coloraide)."""

from __future__ import annotations

import itertools

import pytest
from coloraide import Color

from netmap.layout.style import (
    CHANGE_STYLES,
    HARD_COLOUR,
    HIDDEN_PAIR_COLOUR,
    INSIDE_COLOUR,
    PAIR_STYLES,
    PHASE_PALETTE,
    SCHOOL_PALETTE,
    SOFT_COLOUR,
    faded,
)

PAGE = "#ffffff"
VISIONS = ("normal", "protan", "deutan", "tritan")
MIN_APART = 10.0  # CIEDE2000 between two schools' colours at full strength, in every vision
MIN_APART_FADED = 6.5  # ... when one or both are faded (a person two steps away): lighter, still another colour


def seen(colour: str, vision: str) -> Color:
    """`colour` as a viewer with `vision` sees it."""
    c = Color(colour)
    return c if vision == "normal" else c.filter(vision, method="brettel").convert("srgb").clip()


def apart(a: str, b: str) -> float:
    """The least CIEDE2000 difference between `a` and `b` over the visions."""
    return min(seen(a, v).delta_e(seen(b, v), method="2000") for v in VISIONS)


def contrast(colour: str) -> float:
    return Color(colour).contrast(PAGE, method="wcag21")


def test_faded_mixes_a_colour_with_the_white_page() -> None:
    assert faded("#000000") == "#666666"  # 255 - 0.6 * 255 = 102
    assert faded("#ffffff") == "#ffffff"
    assert faded("#006CD1") == "#66a7e3"


@pytest.mark.parametrize("palette", [SCHOOL_PALETTE, tuple(PHASE_PALETTE.values())], ids=["schools", "phases"])
def test_every_pair_of_school_colours_stays_apart_full_and_faded_for_colour_blind_viewers(
        palette: tuple[str, ...]) -> None:
    close = [(a, b, round(apart(a, b), 1)) for a, b in itertools.combinations(palette, 2) if apart(a, b) < MIN_APART]
    assert not close
    close = [(x, y, round(apart(x, y), 1)) for a, b in itertools.combinations(palette, 2)
             for x, y in ((faded(a), faded(b)), (faded(a), b), (a, faded(b))) if apart(x, y) < MIN_APART_FADED]
    assert not close


def test_faded_secondary_staff_never_look_like_primary_staff() -> None:
    """The case a user met: two steps from a person, secondary-school staff faded to the primary schools' blue."""
    primary, secondary = PHASE_PALETTE["primary"], PHASE_PALETTE["secondary"]
    for x, y in ((primary, secondary), (primary, faded(secondary)), (faded(primary), secondary),
                 (faded(primary), faded(secondary))):
        assert apart(x, y) > 30


def test_a_small_trusts_first_schools_get_the_colours_farthest_apart() -> None:
    first = SCHOOL_PALETTE[:3]
    assert min(apart(x, y) for a, b in itertools.combinations(first, 2)
               for x, y in ((a, b), (faded(a), faded(b)), (faded(a), b), (a, faded(b)))) > 15


@pytest.mark.parametrize("name, colour", [("collaboration", SOFT_COLOUR), ("group membership", HARD_COLOUR),
                                          ("hidden pair", HIDDEN_PAIR_COLOUR)]
                         + [(f"change: {k}", s["colour"]) for k, s in CHANGE_STYLES.items() if k != "persisting"]
                         + [(f"wiring: {k}", s["colour"]) for k, s in PAIR_STYLES.items() if k != "both"])
def test_lines_that_carry_meaning_stand_out_from_the_page(name: str, colour: str) -> None:
    assert contrast(colour) >= 3.0  # WCAG 2.1 1.4.11, non-text contrast


def test_background_lines_are_lighter_than_the_lines_they_set_off() -> None:
    """Ties inside a school and kept pairs are drawn light on purpose, so that the lines that matter stand out."""
    for light in (INSIDE_COLOUR, PAIR_STYLES["both"]["colour"], CHANGE_STYLES["persisting"]["colour"]):
        assert 1.5 <= contrast(light) < contrast(SOFT_COLOUR)


@pytest.mark.parametrize("colour", ["#343434", "#1d2733"])  # vis-network's label colour; a school's name on a map
def test_labels_read_against_the_page(colour: str) -> None:
    assert contrast(colour) >= 7.0  # WCAG 2.1 1.4.6, enhanced contrast for text


def test_lost_and_gained_lines_are_told_apart_by_colour_blind_viewers() -> None:
    lost, gained, kept = (CHANGE_STYLES[k]["colour"] for k in ("lost", "gained", "persisting"))
    assert apart(lost, gained) >= MIN_APART and apart(lost, kept) >= MIN_APART and apart(gained, kept) >= MIN_APART
