"""How maps look, as data: shapes by role, colours by school or phase, sizes by staff or collaborations, and the
colours, dashes and words of each kind of line. Every map and page takes its colours from here, so a school has
one colour everywhere."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from netmap.contract import PHASES
from netmap.layout.source import MapSource

__all__ = ["CHANGE_STYLES", "FOCUS_COLOUR", "HARD_COLOUR", "HIDDEN_PAIR_COLOUR", "INSIDE_COLOUR", "PAIR_STYLES",
           "PEOPLE_CHANGES", "PHASE_PALETTE", "ROLE_SHAPES", "SCHOOL_PALETTE", "SOFT_COLOUR", "STAFF_LINES", "Colours",
           "colours_of", "faded", "person_size", "school_radius", "tie_width"]

ROLE_SHAPES = {"headteacher": "star", "senior-leader": "diamond", "middle-leader": "triangle", "teacher": "dot",
               "support": "square", "central": "hexagon"}
# Colour-blind-safe palettes, drawn from Okabe and Ito's and Paul Tol's colours and chosen so that every pair stays
# apart (CIEDE2000) for normal vision and simulated protanopia, deuteranopia and tritanopia, both at full strength
# and faded (`faded`, on a person's map), with the first few schools the farthest apart: tests/test_colours.py.
# Up to nine schools get a colour each; beyond nine, schools are coloured by phase, the commonest two (primary and
# secondary) a blue and a red that no fading or colour blindness brings together.
SCHOOL_PALETTE = ("#006CD1", "#F0E442", "#CC3311", "#66CCEE", "#332288", "#999933", "#882255", "#CC6677", "#000000")
PHASE_PALETTE = dict(zip(PHASES, ("#F0E442", "#CC3311", "#006CD1", "#332288", "#CC6677", "#882255", "#66CCEE",
                                  "#999933"), strict=True))
FADE_KEEP = 0.6  # a faded node keeps this much of its colour, the rest white: lighter, never another school's colour
SOFT_COLOUR, HARD_COLOUR = "#4a6fa5", "#c26a00"  # both at least 3:1 against the white page (WCAG non-text contrast)
INSIDE_COLOUR = "#c3cddb"  # ties inside one school, drawn light so that ties between schools stand out
# The lines of a staff map, as its key names them: (words, colour, dashed)
STAFF_LINES = (("collaboration inside a school", INSIDE_COLOUR, False),
               ("collaboration between schools", SOFT_COLOUR, False),
               ("member of a group (hard wiring)", HARD_COLOUR, True))
FOCUS_COLOUR = "#111111"  # the outline of the person a map is focused on
HIDDEN_PAIR_COLOUR = "#8a8a8a"  # a pair of schools linked, its details hidden (a school too small to show)

# How each pair of schools is linked (netmap.analysis.wiring.school_pair_layers), as the hard vs soft map draws it
PAIR_STYLES: dict[str, dict[str, Any]] = {
    "both": {"colour": "#9db3d1", "dashes": False,  # the usual case, drawn light: the exceptions stand out
             "label": "collaboration, some of it within a shared group (line width: collaborations)"},
    "soft only": {"colour": "#A5243D", "dashes": False,
                  "label": "collaboration, none of it within a shared group: informal only"},
    "hard only": {"colour": HARD_COLOUR, "dashes": True,
                  "label": "a shared group, but nobody collaborates: formal only"},
}
# How a pair's collaboration changed from one snapshot to the next: more ties, fewer (the same pair falling from 16
# ties to 1 is a loss of 15), or the same; a blue and a dashed orange that colour-blind viewers tell apart, the
# unchanged a neutral grey (tests/test_colours.py)
CHANGE_STYLES: dict[str, dict[str, Any]] = {
    "gained": {"colour": "#2166ac", "dashes": False,
               "label": "pairs of schools collaborating more (wider: more ties gained)"},
    "lost": {"colour": "#b35806", "dashes": True,
             "label": "pairs of schools collaborating less (dashed; wider: more ties lost)"},
    "persisting": {"colour": "#bdbdbd", "dashes": False, "label": "pairs with as many ties in both (thin grey)"},
}
# How a person's place changed from one snapshot to the next
PEOPLE_CHANGES = {
    "joined": {"colour": CHANGE_STYLES["gained"]["colour"], "label": "joined (blue outline) since"},
    "left": {"colour": "#d9d9d9", "label": "left (grey, dashed outline, where they were) since"},
}


def faded(colour: str) -> str:
    """`colour` faded towards the white page (FADE_KEEP of it kept), as a solid colour: a person further from the
    focus drawn lighter but in their school's own hue, their name left dark enough to read."""
    channels = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(255 - FADE_KEEP * (255 - c)):02x}" for c in channels)


def school_radius(staff: float) -> float:
    """A school's disc: its area grows with its staff."""
    return max(8.0, 3.0 * math.sqrt(max(staff, 0)))


def person_size(soft_degree: float) -> float:
    """A person's node: larger with more collaborators."""
    return 8 + 2 * math.sqrt(soft_degree)


def tie_width(count: float, top: float) -> float:
    """The width of a line between two schools with `count` ties, the widest (`top`) 8."""
    return 1 + 7 * count / top


@dataclass(frozen=True)
class Colours:
    """One colour per school on every map and page: by school up to len(SCHOOL_PALETTE) schools, else by phase."""

    of_school: dict[str, str]
    by_phase: bool
    phase_of: dict[str, str]

    def legend(self, view: MapSource, schools: list[str]) -> list[dict[str, str]]:
        """Legend entries for exactly the `schools` drawn: their names, or their phases."""
        if self.by_phase:
            phases = sorted({self.phase_of.get(s, "") for s in schools}, key=lambda p: (p not in PHASE_PALETTE, p))
            return [{"label": phase or "phase not given", "colour": PHASE_PALETTE.get(phase, "#999999")}
                    for phase in phases]
        return [{"label": view.school_names.get(s, s), "colour": self.of_school[s]} for s in sorted(schools)]


def colours_of(view: MapSource) -> Colours:
    """The snapshot's school colours (cached with the view)."""
    if "colours" not in view.layout_cache:
        schools = view.schools
        phase_of = dict(zip(schools["school_id"], schools["phase"].fillna(""), strict=True))
        ids = sorted(phase_of)
        if len(ids) <= len(SCHOOL_PALETTE):
            view.layout_cache["colours"] = Colours({s: SCHOOL_PALETTE[i] for i, s in enumerate(ids)}, False, phase_of)
        else:
            view.layout_cache["colours"] = Colours({s: PHASE_PALETTE.get(phase_of[s], "#999999") for s in ids}, True,
                                                   phase_of)
    colours: Colours = view.layout_cache["colours"]
    return colours
