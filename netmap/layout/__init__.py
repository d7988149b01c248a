"""Map layout as plain data: where each school and person is drawn, how overlaps are removed, how places are kept
from one snapshot to the next, and the styling rules (shapes, colours, sizes, line styles). No web framework and
no drawing library: the web (webapp/graphview.py) chooses what to show and renders it."""

from netmap.layout.focus import around_group, around_person, around_school, middle_of, school_label_places
from netmap.layout.force import LAYOUT_SEED, SCALE
from netmap.layout.geographic import geographic_positions, has_places, school_places
from netmap.layout.overlap import FONT_SIZE, footprint, overlapping_pairs, separate
from netmap.layout.schools import (
    MAX_SCHOOL_NODES,
    WIDE,
    school_layout,
    school_partners,
    school_positions,
    schools_around,
)
from netmap.layout.source import MapSource
from netmap.layout.staff import staff_centres, staff_positions
from netmap.layout.style import (
    CHANGE_STYLES,
    FOCUS_COLOUR,
    HARD_COLOUR,
    HIDDEN_PAIR_COLOUR,
    INSIDE_COLOUR,
    PAIR_STYLES,
    PEOPLE_CHANGES,
    ROLE_SHAPES,
    SOFT_COLOUR,
    STAFF_LINES,
    Colours,
    colours_of,
    faded,
    person_size,
    school_radius,
    tie_width,
)

__all__ = ["CHANGE_STYLES", "Colours", "FOCUS_COLOUR", "FONT_SIZE", "HARD_COLOUR", "HIDDEN_PAIR_COLOUR",
           "INSIDE_COLOUR", "LAYOUT_SEED", "MAX_SCHOOL_NODES", "MapSource", "PAIR_STYLES", "PEOPLE_CHANGES",
           "ROLE_SHAPES", "SCALE", "SOFT_COLOUR", "STAFF_LINES", "WIDE", "around_group", "around_person",
           "around_school", "colours_of", "faded", "footprint", "geographic_positions", "has_places", "middle_of",
           "overlapping_pairs", "person_size", "school_label_places", "school_layout", "school_partners",
           "school_places", "school_positions", "school_radius", "schools_around", "separate", "staff_centres",
           "staff_positions", "tie_width"]
