"""Network maps for the browser, built on the server: the school map and filtered staff maps.

This module chooses what a request shows (which schools and people, within the user's scope, which figures are
hidden) and renders it as vis-network's nodes, edges and options through pyvis; where everything goes and how it
looks comes from netmap.layout, computed once per snapshot and kept. pyvis builds the network and its options;
node and edge lists are assigned in bulk (pyvis's add_node/add_edge are quadratic). Physics and curved edges are
off: a trust-sized graph stays responsive. Every label and tooltip is plain text; the page puts them into the DOM
as text, never as HTML.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from pyvis.network import Network

import netmap.layout as layout
import netmap.layout.schools as laid_schools
from netmap.layout.backbone import backbone
from netmap.layout.labels import LABEL_FONT, LABEL_PX, name_order, name_places, screen_places
from netmap.layout.screen import quarter_turned, turn_helps
from netmap.layout.sizes import (
    SIZE_MEASURES,
    SizeMeasure,
    measure_of,
    person_radius,
    person_values,
    school_radii,
    school_values,
)
from netmap.layout.staff import GROUP_FROM
from webapp.data import TrustView

__all__ = ["BACKBONE_FROM_LINKS", "BACKBONE_FROM_SCHOOLS", "MAX_STAFF_NODES", "MapFilters", "TooLarge",
           "backbone_by_default", "changes_map", "on_screen", "people_changes_map", "school_map", "staff_map",
           "wiring_map", "with_backbone"]

MAX_STAFF_NODES = 2500  # above this the browser gets a filtered view only, never the whole trust
LARGE_EDGES = 1000  # a map of more lines hides them while it is dragged or zoomed: it follows the hand
SCHOOL_LABEL = "\x1eschool:"  # a school's name over its people on a school's staff map (not a person)
HUB = "\x1egroup:"  # a group hub's node id: ids from the data never hold control characters (validation refuses them)
Place = tuple[float, float]


class TooLarge(Exception):  # noqa: N818 - a condition the view turns into advice, not an error
    """The staff map asked for would be too large to send whole."""


@dataclass(frozen=True)
class MapFilters:
    school: str = ""
    group: str = ""
    subject: str = ""
    phase: str = ""
    role: str = ""
    kind: str = ""
    person: str = ""
    depth: int = 1
    hard: bool = False
    soft: bool = True

    @property
    def any_node_filter(self) -> bool:
        return any((self.school, self.group, self.subject, self.phase, self.role, self.person))


def _network() -> Network:
    net = Network(directed=False, cdn_resources="local")
    net.toggle_physics(False)
    net.options.edges.smooth.enabled = False
    return net


def _options(net: Network, large: bool) -> dict:
    options = json.loads(net.get_network_data()[5])
    options["interaction"] = {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                              "hideEdgesOnZoom": large, "navigationButtons": False,
                              "keyboard": {"enabled": True, "bindToWindow": False}}  # when the map has the focus
    options["nodes"] = {"font": {"size": 12}}
    # positions come from netmap.layout: nothing for vis-network to simulate, stabilise or lay out before the
    # first frame (benchmarks/first_draw.py)
    options["physics"] = {"enabled": False, "stabilization": {"enabled": False}}
    options["layout"] = {"improvedLayout": False}
    return options


def _drawn(view: str, nodes: list[dict], edges: list[dict], legend: list[dict], info: dict,
           message: str) -> dict:
    """A map's JSON: nodes and edges as pyvis holds them, with vis-network's options."""
    net = _network()
    net.nodes, net.edges = nodes, edges
    return {"view": view, "nodes": net.nodes, "edges": net.edges,
            "options": _options(net, len(nodes) > 500 or len(edges) > LARGE_EDGES),
            "legend": legend, "info": info, "message": message}


# --- staff maps: choosing the people, placing them by the kind of map, rendering them --------------------------

def _select(view: TrustView, f: MapFilters) -> set[str]:
    staff = view.staff
    chosen = staff
    if f.school:
        chosen = chosen[chosen["school_id"] == f.school]
    if f.role:
        chosen = chosen[chosen["role"] == f.role]
    if f.subject:
        chosen = chosen[chosen["subjects"].fillna("").map(lambda s: f.subject in s.split(";"))]
    if f.group:
        chosen = chosen[chosen["groups"].map(lambda s: f.group in s.split(";"))]
    if f.phase:
        phases = view.schools.set_index("school_id")["phase"]
        chosen = chosen[chosen["school_id"].map(phases) == f.phase]
    selected = set(chosen["staff_id"])
    if f.person:
        if f.person not in view.undirected:
            return set()
        ego = nx.ego_graph(view.undirected, f.person, radius=max(1, min(f.depth, 2)))
        selected = set(ego) if not (f.school or f.role or f.subject or f.group or f.phase) else (
            set(ego) & selected) | {f.person}
    return selected



def _around_focus(view: TrustView, f: MapFilters) -> TrustView:
    """The view with the graphs of the island of the person or school in focus only (TrustView.around): every
    person such a map draws, their contacts and ties are in it; the whole view for a map without that focus."""
    school = view.works_at.get(f.person, "") if f.person else f.school
    return view.around(school) if school in view.school_names else view


def _chosen_people(view: TrustView, f: MapFilters, allowed: frozenset[str] | None) -> set[str]:
    """The people a staff map draws: those the filters choose (everyone without one), within `allowed`; refused
    (TooLarge) when they are too many to send."""
    total = view.graphs.soft.number_of_nodes()
    if not f.any_node_filter and total > MAX_STAFF_NODES:
        raise TooLarge(f"This trust has {total:,} staff: choose a school, group, subject, role or person to map "
                       f"(at most {MAX_STAFF_NODES:,} people are drawn at once).")
    selected = _select(view, f) if f.any_node_filter else set(view.graphs.soft)
    if allowed is not None:
        selected &= allowed
    if len(selected) > MAX_STAFF_NODES:
        raise TooLarge(f"{len(selected):,} people match: narrow the filters (at most {MAX_STAFF_NODES:,} are "
                       "drawn at once).")
    return selected


def _is_school_map(f: MapFilters) -> bool:
    """A school's own map: its people and, the point of the page, their contacts in other schools."""
    return bool(f.school and f.soft and not (f.person or f.group or f.subject or f.phase or f.role))


def _with_contacts(view: TrustView, selected: set[str], allowed: frozenset[str] | None) -> set[str]:
    """`selected` and their contacts at other schools (within `allowed`), as many as can be drawn."""
    contacts = {n for p in selected for n in view.undirected[p]} - selected
    if allowed is not None:
        contacts &= allowed
    return selected | set(sorted(contacts, key=str)[:max(0, MAX_STAFF_NODES - len(selected))])


def _placed(view: TrustView, f: MapFilters, selected: set[str]) -> tuple[dict[str, Place], dict[str, int], list[dict]]:
    """Where the staff map of `f` draws `selected` (netmap.layout), each person's steps from a person in focus,
    and the school names drawn over their people."""
    if _is_school_map(f):
        positions = layout.around_school(view, f.school, selected)
        return positions, {}, _school_labels(view, positions) + _role_labels(view, f.school, positions)
    if f.person in selected:
        positions, steps = layout.around_person(view, f.person, selected)
        return positions, steps, []
    if f.group and not (f.school or f.subject or f.phase or f.role):
        positions = layout.around_group(view, selected)
        return positions, {}, _school_labels(view, positions)
    return layout.staff_positions(view, selected), {}, []


def _school_labels(view: TrustView, positions: dict[str, Place]) -> list[dict]:
    """Each school's name above its people on a school's staff map, so that a reader sees which schools its staff
    reach without hovering (colours go by phase in larger trusts)."""
    return [{"id": SCHOOL_LABEL + school, "label": view.school_names.get(school, school), "x": x, "y": y,
             "shape": "text", "font": {"size": 36, "strokeWidth": 6, "strokeColor": "#ffffff", "color": "#1d2733"},
             "title": view.school_names.get(school, school), "chosen": False}
            for school, (x, y) in layout.school_label_places(view.graphs.school_of, positions)]


def _role_labels(view: TrustView, school: str, positions: dict[str, Place]) -> list[dict]:
    """Under each role's group of a big school's staff (netmap.layout.staff.grouped_staff), its name and count."""
    school_of, nodes = view.graphs.school_of, view.graphs.soft.nodes
    roles: dict[str, list[Place]] = {}
    for person, place in positions.items():
        if school_of.get(person) == school:
            roles.setdefault(str(nodes[person].get("role", "")), []).append(place)
    if sum(len(places) for places in roles.values()) <= GROUP_FROM:
        return []
    return [{"id": f"{SCHOOL_LABEL}{school}\x1erole:{role}", "label": f"{role} ({len(places):,})",
             "x": sum(x for x, _ in places) / len(places), "y": max(y for _, y in places) + 40, "shape": "text",
             "font": {"size": 22, "strokeWidth": 5, "strokeColor": "#ffffff", "color": "#3d4a57"},
             "title": f"{len(places):,} {role} staff of {view.school_names.get(school, school)}", "chosen": False}
            for role, places in sorted(roles.items())]


def _person_nodes(view: TrustView, staff: pd.DataFrame, selected: set[str], positions: dict[str, Place],
                  steps: dict[str, int]) -> tuple[list[dict], dict[str, dict]]:
    """A node per person (colour by school, shape by role, size by collaborators; the person in focus large and
    outlined, people two steps away fainter), and the details the page shows for each; `staff` by staff_id."""
    colours = layout.colours_of(view).of_school
    nodes, info = [], {}
    rows = staff.loc[sorted(selected)].to_dict("index")  # one lookup, not one a person: 1,500 cost a second
    for person in sorted(selected):
        row = rows[person]
        x, y = positions[person]
        name = view.staff_names.get(person, person)
        school = view.school_names.get(row["school_id"], row["school_id"])
        step = steps.get(person)
        size = layout.person_size(row["soft_degree"])
        title = f"{name}\n{row['role']}, {school}"
        node: dict[str, Any] = {"id": person, "label": name, "x": x, "y": y,
                                "shape": layout.ROLE_SHAPES.get(row["role"], "dot"), "color": colours[row["school_id"]],
                                "size": size, "borderWidth": 1, "title": title}
        if step == 0:  # the person in focus: in the middle, large, outlined, named in letters that read at fit
            node.update(size=size + 12, borderWidth=5, font={"size": 48, "strokeWidth": 6, "strokeColor": "#ffffff"},
                        color={"background": colours[row["school_id"]], "border": layout.FOCUS_COLOUR})
        elif step == 2:  # two steps away: lighter than direct contacts, in their own school's hue and outline
            node.update(color={"background": layout.faded(colours[row["school_id"]]),
                               "border": colours[row["school_id"]]}, title=f"{title}\n2 steps away")
        nodes.append(node)
        info[person] = {"name": name, "school": school, "role": row["role"], "subjects": row["subjects"] or "",
                        "soft_degree": int(row["soft_degree"]), "schools_reached": int(row["schools_reached"]),
                        "betweenness": round(float(row["betweenness"]), 4), "ona_role": row["ona_role"],
                        "groups": row["groups"]}
    return nodes, info


def _soft_edges(view: TrustView, f: MapFilters, selected: set[str], steps: dict[str, int]) -> list[dict]:
    """The collaborations among `selected` (of kind `f.kind`, if given), one line per pair: between schools
    strong, inside a school light; around a person, none between two people two steps away."""
    edges: list[dict] = []
    if not f.soft:
        return edges
    seen = set()
    # in order: a pair reported both ways is drawn once, titled by the way met first (the subgraph's own order
    # varies with Python's string hashing from one process to the next)
    successors = view.graphs.soft.succ  # the subgraph's edges, read straight off the adjacency (a subgraph view
    # filters every neighbour through its own checks: a third of a 1,500-person map's time)
    ties = [(a, b, data) for a in selected if a in successors for b, data in successors[a].items() if b in selected]
    for a, b, data in sorted(ties, key=lambda e: (e[0], e[1])):
        kinds = data["kinds"]
        if f.kind and f.kind not in kinds:
            continue
        pair = (a, b) if a < b else (b, a)
        if pair in seen or (steps.get(a) == 2 and steps.get(b) == 2):
            continue  # around a person, ties between two people two steps away say nothing about them
        seen.add(pair)
        across = view.graphs.school_of[a] != view.graphs.school_of[b]
        edges.append({"from": pair[0], "to": pair[1], "color": layout.SOFT_COLOUR if across else layout.INSIDE_COLOUR,
                      "width": 2.5 if across else 1, "layer": "soft",
                      "title": ", ".join(sorted(kinds)) + (" (between schools)" if across else "")})
    return sorted(edges, key=lambda e: e["width"])  # ties between schools drawn last: on top of those inside one


def _group_hubs(view: TrustView, selected: set[str], positions: dict[str, Place],
                only: str = "") -> tuple[list[dict], list[dict]]:
    """The hard wiring of `selected` as a node per group joined to each of its members drawn (one line per
    membership, never a clique), for groups with at least two of them (with `only`, that group alone: a group's
    own map); each hub sits among its members."""
    members: dict[str, list[str]] = {}
    for person in sorted(selected):
        for group in view.graphs.hard.groups_of(person):
            if not only or group == only:
                members.setdefault(group, []).append(person)
    hubs: list[dict] = []
    spokes: list[dict] = []
    for group, people in sorted(members.items()):
        if len(people) < 2:
            continue
        x, y = layout.middle_of(people, positions)
        name = view.group_names.get(group, group)
        hubs.append({"id": HUB + group, "label": name, "x": x, "y": y, "shape": "box", "layer": "hard",
                     "color": {"background": "#ffffff", "border": layout.HARD_COLOUR},
                     "font": {"size": 30 if only else 14},
                     "title": f"{name}: {len(people)} of its members on this map"})
        spokes.extend({"from": p, "to": HUB + group, "color": layout.HARD_COLOUR, "width": 1, "dashes": True,
                       "layer": "hard", "title": f"member of {name}"} for p in people)
    return hubs, spokes


def staff_map(view: TrustView, f: MapFilters, allowed: frozenset[str] | None = None, size: str = "", *,
              for_screen: bool = False) -> dict:
    """People as nodes (colour by school, shape by role, size by the measure `size` names); soft ties and, on
    request, hard links. With `allowed`, only those people are drawn (a network lead's scope). With `for_screen`,
    the names are only ordered, for on_screen to place once for the page's box (see _named)."""
    view = _around_focus(view, f)
    selected = _chosen_people(view, f, allowed)
    if _is_school_map(f):
        selected = _with_contacts(view, selected, allowed)
    positions, steps, labels = _placed(view, f, selected)
    staff = view.staff.set_index("staff_id")
    nodes, info = _person_nodes(view, staff, selected, positions, steps)
    edges = _soft_edges(view, f, selected, steps)
    nodes.extend(labels)
    if f.hard:
        hubs, spokes = _group_hubs(view, selected, positions, only=f.group)
        nodes.extend(hubs)
        edges.extend(spokes)
    present = Counter(staff.loc[sorted(selected), "school_id"])  # one lookup, not one a person
    measure = measure_of(size)
    values = person_values(view, measure)
    _sized_people(nodes, values, measure, f.person)
    drawn = _drawn("staff", nodes, edges, layout.colours_of(view).legend(view, sorted(present)), info,
                   "" if nodes else "Nobody matches these filters.")
    if _is_school_map(f):
        drawn = fade_contacts(drawn, f.school, view.graphs.school_of)
    focus, key = staff_key(view, f, drawn)
    drawn = {**drawn, "legend": focus + drawn["legend"] + key}
    top = f.person if f.person in selected else min(selected, key=lambda p: (-values.get(p, 0.0), p), default="")
    return _named(view, drawn, values, [top] + [n["id"] for n in labels], measure, "people", for_screen=for_screen)


# --- who joined and left: the people of a school or group in two snapshots ---------------------------------------

@dataclass(frozen=True)
class _Changed:
    """The people a changes map draws: `now` and `then` in each snapshot, the `chosen` (not contacts elsewhere),
    those chosen now, and who `left` and `joined`."""

    now: set[str]
    then: set[str]
    chosen: set[str]
    left: set[str]
    joined: set[str]


def _changed_people(view: TrustView, earlier: TrustView, f: MapFilters, allowed: frozenset[str] | None,
                    allowed_before: frozenset[str] | None) -> _Changed:
    """Who the filter chooses in either snapshot (within each one's scope) and, for a school, their contacts at
    other schools; refused (TooLarge) when too many."""
    chosen_now = _select(view, f) if f.any_node_filter else set()
    now = set(chosen_now)
    then = _select(earlier, f) if f.any_node_filter else set()
    if allowed is not None:
        now &= allowed
        chosen_now &= allowed
    if allowed_before is not None:
        then &= allowed_before
    chosen = now | then
    if f.school:  # a school's people reach other schools: the point of watching a school change
        now |= {n for p in now for n in view.undirected[p]} & (allowed if allowed is not None else set(view.undirected))
        then |= {n for p in then for n in earlier.undirected[p]} & (
            allowed_before if allowed_before is not None else set(earlier.undirected))
    if len(now | then) > MAX_STAFF_NODES:
        raise TooLarge(f"{len(now | then):,} people match: choose a smaller school or group (at most "
                       f"{MAX_STAFF_NODES:,} are drawn at once).")
    in_view, in_earlier = view.graphs.school_of, earlier.graphs.school_of
    left = {p for p in then - now if p not in in_view or p in chosen - chosen_now}
    joined = {p for p in now - left if p not in in_earlier or (p in chosen and p not in then)}
    return _Changed(now, then, chosen, left, joined)


def _changed_nodes(view: TrustView, earlier: TrustView, f: MapFilters, people: _Changed) -> list[dict]:
    """A node per person where the staff maps draw them (those who left at their earlier place, grey; those who
    joined outlined green; contacts elsewhere smaller and fainter)."""
    left, joined = people.left, people.joined
    positions = _changed_places(view, earlier, f, people)
    colours, colours_before = layout.colours_of(view).of_school, layout.colours_of(earlier).of_school
    names = {**earlier.staff_names, **view.staff_names}
    school_names = {**earlier.school_names, **view.school_names}
    nodes = []
    for person in sorted(people.now | people.then):
        side = earlier if person in left else view
        school = side.graphs.school_of[person]
        name = names.get(person, person)
        x, y = positions[person]
        node: dict[str, Any] = {"id": person, "label": name, "x": x, "y": y, "size": 10, "borderWidth": 1,
                                "shape": layout.ROLE_SHAPES.get(side.graphs.soft.nodes[person].get("role", ""), "dot"),
                                "title": f"{name}\n{school_names.get(school, school)}"}
        if person in left:
            gone = "the trust" if person not in view.graphs.school_of else "the school" if f.school else "the group"
            node.update(color={"background": layout.PEOPLE_CHANGES["left"]["colour"],
                               "border": layout.CHANGE_STYLES["lost"]["colour"]},
                        shapeProperties={"borderDashes": [4, 4]}, borderWidth=2, layer="left",
                        title=f"{node['title']}\nleft {gone} after {earlier.as_of}")
        elif person in joined:
            node.update(color={"background": colours[school], "border": layout.PEOPLE_CHANGES["joined"]["colour"]},
                        borderWidth=4, layer="joined", title=f"{node['title']}\njoined after {earlier.as_of}")
        else:
            node["color"] = colours.get(school, colours_before.get(school, "#999999"))
        if person not in people.chosen:  # a contact at another school
            node.update(size=6, opacity=0.6, font={"size": 10}, title=f"{node['title']}\n(a contact elsewhere)")
        nodes.append(node)
    return nodes


def _changed_places(view: TrustView, earlier: TrustView, f: MapFilters, people: _Changed) -> dict[str, Place]:
    """Where a changes map draws each person: for a school, as its staff map does (its people where they always
    are, their contacts in small groups round them, not spread over the whole trust's width), those who left where
    the earlier map had them; else where the trust's staff map draws them."""
    present = (people.now | people.then) - people.left
    if not f.school:
        return {**layout.staff_positions(earlier, people.left), **layout.staff_positions(view, present)}
    return {**layout.around_school(earlier, f.school, people.then), **layout.around_school(view, f.school, present)}


TIE_CHANGES = {"gained": "collaboration begun", "lost": "collaboration ended", "persisting": "collaboration kept"}


def _changed_ties(view: TrustView, earlier: TrustView, people: _Changed) -> list[dict]:
    """The chosen people's collaborations begun, ended and kept, each a layer; judged on the whole trust: two
    people who left a group but still work together kept their collaboration."""

    def ties(v: TrustView, drawn: set[str]) -> set[tuple[str, str]]:
        return {(a, b) if a < b else (b, a) for a, b in v.undirected.subgraph(drawn).edges()}

    drawn = people.now | people.then
    chosen = people.chosen
    before = {t for t in ties(earlier, drawn & set(earlier.graphs.school_of)) if chosen & set(t)}  # not contacts'
    after = {t for t in ties(view, drawn & set(view.graphs.school_of)) if chosen & set(t)}
    names = {**earlier.staff_names, **view.staff_names}
    edges = []
    for a, b in sorted(before | after):
        kind = "gained" if (a, b) not in before else "lost" if (a, b) not in after else "persisting"
        style = layout.CHANGE_STYLES[kind]
        edges.append({"from": a, "to": b, "color": style["colour"], "dashes": style["dashes"], "layer": kind,
                      "width": 1 if kind == "persisting" else 2.5,
                      "title": f"{names.get(a, a)} - {names.get(b, b)}: {TIE_CHANGES[kind]}"})
    return edges


def people_changes_map(view: TrustView, earlier: TrustView, f: MapFilters, allowed: frozenset[str] | None = None,
                       allowed_before: frozenset[str] | None = None) -> dict:
    """The people a filter chooses (a school's staff, a group's members) in either snapshot and, for a school, their
    contacts at other schools (smaller, fainter), where the staff maps draw them (places kept from one snapshot to
    the next): those who joined outlined green, those who left grey at their earlier place; the chosen people's
    collaborations begun, ended and kept as layers. With `allowed` (and `allowed_before` for the earlier
    snapshot), only those people (a network lead's scope)."""
    people = _changed_people(view, earlier, f, allowed, allowed_before)
    nodes = _changed_nodes(view, earlier, f, people)
    edges = _changed_ties(view, earlier, people)
    counts = Counter(e["layer"] for e in edges) + Counter(n.get("layer") for n in nodes)
    legend = layout.colours_of(view).legend(view, sorted({view.graphs.school_of[p] for p in people.now}))
    legend += [{"label": f"{TIE_CHANGES[k].replace('tion', 'tions', 1)}: {counts[k]:,}",
                "colour": str(style["colour"]), "line": "dashed" if style["dashes"] else "solid", "layer": k}
               for k, style in layout.CHANGE_STYLES.items() if counts[k]]
    legend += [{"label": f"{style['label']} {earlier.as_of}: {counts[k]:,}", "colour": style["colour"], "mark": k,
                "layer": k} for k, style in layout.PEOPLE_CHANGES.items() if counts[k]]
    drawn = _drawn("people changes", nodes, edges, legend, {},
                   "" if nodes else "Nobody matches: choose a school or group.")
    measure = measure_of("")
    return _named(view, drawn, person_values(view, measure), sorted(people.chosen), measure, "people",
                  offered=False)


# --- school maps: which schools, which figures hidden, rendered --------------------------------------------------

def _school_nodes(view: TrustView, schools: pd.DataFrame, hidden: set[str], min_group_size: int,
                  geographic: bool = False) -> list[dict]:
    """One disc per school, where the school map has it (by collaboration, or with `geographic` at its place),
    sized by staff and coloured as on every map."""
    positions = layout.geographic_positions(view) if geographic else layout.school_positions(view)
    colours = layout.colours_of(view).of_school
    nodes = []
    for sid, row in schools.iterrows():
        x, y = positions[sid]
        name = view.school_names.get(sid, sid)
        if sid in hidden:
            nodes.append({"id": sid, "label": name, "x": x, "y": y, "shape": "dot", "color": colours[sid],
                          "size": layout.school_radius(min_group_size),  # the same for every hidden school
                          "title": f"{name}\nFigures hidden: fewer than {min_group_size} staff"})
            continue
        nodes.append({"id": sid, "label": name, "x": x, "y": y, "shape": "dot", "color": colours[sid],
                      "size": layout.school_radius(row["staff"]),
                      "title": f"{name}\n{row['staff']:,} staff, {row['external_ties']:,} ties to "
                               f"{row['schools_reached']:,} other schools"
                               + ("\nIsolated: no tie to another school" if row["is_isolated"] else "")})
        if row["is_isolated"]:
            nodes[-1].update(isolated=True, borderWidth=3,
                             color={"background": colours[sid], "border": layout.FOCUS_COLOUR})
        if row["is_hard_isolated"]:  # in no group with anyone elsewhere: a diamond, whatever its collaboration
            nodes[-1].update(hard_isolated=True, shape="diamond",
                             title=nodes[-1]["title"] + "\nIn no group with anyone at another school")
    return nodes


def school_map(view: TrustView, focus: str = "", suppressed: set[str] | None = None,
               min_group_size: int = 5, geographic: bool = False, size: str = "", *, for_screen: bool = False) -> dict:
    """Schools sized by staff, joined by their cross-school soft ties (width by count); with `focus`, only that
    school and the schools up to two steps from it; with `geographic`, each school at its place
    (netmap.layout.geographic) rather than by its ties. A snapshot of more than MAX_SCHOOL_NODES schools is only
    ever drawn around a chosen school. Schools in `suppressed` show no figures (see netmap.suppression): their
    tooltips say "fewer than N staff" and their ties are drawn without counts. Discs are sized by the measure
    `size` names (netmap.layout.sizes; staff by default), and names shown biggest first (with `for_screen` only
    ordered, for on_screen to place: see _named)."""
    hidden = suppressed or set()
    schools = view.analysis.schools.set_index("school_id")
    if focus and focus not in schools.index:
        focus = ""
    if not focus and len(schools) > laid_schools.MAX_SCHOOL_NODES:
        return {"view": "schools", "nodes": [], "edges": [], "options": _options(_network(), False), "legend": [],
                "info": {}, "message": f"This snapshot has {len(schools):,} schools: choose a school to map it "
                                       "with the schools its staff reach, up to two steps away (at most "
                                       f"{laid_schools.MAX_SCHOOL_NODES:,} schools are drawn at once)."}
    if focus:
        schools = schools.loc[layout.schools_around(view, focus)]
    nodes = _school_nodes(view, schools, hidden, min_group_size, geographic and layout.has_places(view))
    measure = measure_of(size)
    _sized_schools(view, nodes, hidden, measure)
    wiring = view.analysis.wiring
    soft = wiring[(wiring["soft_ties"] > 0) & wiring["school_a"].isin(schools.index) &
                  wiring["school_b"].isin(schools.index)]
    top = max(soft["soft_ties"].max(), 1) if len(soft) else 1
    edges = [{"from": a, "to": b, "value": int(n), "width": layout.tie_width(n, top), "color": layout.SOFT_COLOUR,
              "title": f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}: {int(n)} ties"}
             if a not in hidden and b not in hidden else
             {"from": a, "to": b, "value": 1, "width": 1, "color": layout.SOFT_COLOUR,
              "title": f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}: ties (count hidden)"}
             for a, b, n in zip(soft["school_a"], soft["school_b"], soft["soft_ties"], strict=True)]
    net = _network()
    net.nodes, net.edges = nodes, edges
    options = _options(net, len(edges) > LARGE_EDGES)
    # the size overlap removal kept labels apart at, outlined in white so that lines passing behind stay behind
    options["nodes"]["font"] = {"size": layout.FONT_SIZE, "strokeWidth": 4, "strokeColor": "#ffffff"}
    values = {s: v for s, v in school_values(view, measure).items() if s not in hidden}
    return _named(view, {"view": "schools", "nodes": net.nodes, "edges": net.edges, "options": options,
                   "legend": layout.colours_of(view).legend(view, list(schools.index)) + _marks_legend(nodes, edges),
                   "info": {}, "message": ""}, values, [focus] if focus else [], measure, "schools",
                  for_screen=for_screen)


BACKBONE_FROM_LINKS = 400  # above this many lines (or BACKBONE_FROM_SCHOOLS schools) the backbone is the default
BACKBONE_FROM_SCHOOLS = 60
LINKS = ("all", "backbone")  # the school map's choice of lines: every link, or the backbone (netmap.layout.backbone)


def backbone_by_default(schools: int, links: int) -> bool:
    """Whether a school map of `schools` and `links` shows its backbone unless asked for all links: past about 60
    schools or 400 lines the map is a hairball of equal lines."""
    return schools > BACKBONE_FROM_SCHOOLS or links > BACKBONE_FROM_LINKS


def with_backbone(drawn: dict, links: str = "") -> dict:
    """A school map's JSON (`drawn`, after suppression: only what is drawn counts) with only its backbone's lines
    when `links` is "backbone", or by default (links "") on a large map, and a note saying how many lines are
    hidden and how to show them. The backbone is weighed by the counts as drawn (a hidden pair counts 1), and no
    school loses its last line to it."""
    edges = drawn["edges"]
    schools = sum(1 for n in drawn["nodes"] if n.get("shape") != "text")
    mode = links if links in LINKS else "backbone" if backbone_by_default(schools, len(edges)) else "all"
    if not edges:
        return {**drawn, "links": mode}
    graph = nx.Graph()
    for e in edges:  # one line per pair on a school map
        graph.add_edge(e["from"], e["to"], weight=e.get("value", 1))
    kept = backbone(graph)
    shown = [e for e in edges if (e["from"], e["to"]) in kept or (e["to"], e["from"]) in kept]
    hidden = len(edges) - len(shown)
    where = "above the map" if links in LINKS else "on the School map page"  # only the map page has the control
    if mode == "all":
        note = (f"All {len(edges):,} links between schools are drawn. Choose “backbone” {where} to "
                f"draw only the {len(shown):,} that carry an unusually large share of a school’s "
                "collaborations." if hidden and backbone_by_default(schools, len(edges)) else "")
        return {**drawn, "links": mode, "note": note}
    note = (f"Backbone: {len(shown):,} of {len(edges):,} links between schools are drawn, those that carry an "
            "unusually large share of either school’s collaborations (the disparity filter); every school "
            f"keeps at least one link, so none is cut off by the filter. {hidden:,} weaker "
            f"link{'' if hidden == 1 else 's'} {'is' if hidden == 1 else 'are'} hidden: choose “all links” "
            f"{where} to draw them.")
    return {**drawn, "edges": shown, "links": mode, "note": note}


def wiring_map(view: TrustView, focus: str = "", suppressed: set[str] | None = None,
               min_group_size: int = 5, geographic: bool = False, *, for_screen: bool = False) -> dict:
    """The school map's schools, in the same places, joined by how each pair is linked: by both wirings, by
    collaboration only, or by a shared group only; each kind a layer the page can hide. Pairs with a school in
    `suppressed` are drawn grey, without counts or kind; `for_screen` as for school_map."""
    drawn = school_map(view, focus, suppressed, min_group_size, geographic, for_screen=for_screen)
    if not drawn["nodes"]:
        return {**drawn, "view": "wiring"}
    hidden = suppressed or set()
    shown = {n["id"] for n in drawn["nodes"]}
    pairs = view.school_pairs
    pairs = pairs[pairs["school_a"].isin(shown) & pairs["school_b"].isin(shown)]
    top = max(int(pairs["soft_ties"].max()), 1) if len(pairs) else 1
    edges = []
    for a, b, hard, soft, inside, linked in pairs[["school_a", "school_b", "hard_links", "soft_ties",
                                                   "soft_ties_in_groups", "linked_by"]].itertuples(index=False):
        names = f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}"
        if a in hidden or b in hidden:
            edges.append({"from": a, "to": b, "width": 1, "color": layout.HIDDEN_PAIR_COLOUR, "layer": "hidden",
                          "title": f"{names}: linked (details hidden: fewer than {min_group_size} staff)"})
            continue
        style = layout.PAIR_STYLES[linked]
        edges.append({"from": a, "to": b, "color": style["colour"], "dashes": style["dashes"],
                      "width": 1.5 if linked == "hard only" else layout.tie_width(soft, top), "layer": linked,
                      "title": f"{names}: {soft:,} collaborations, {inside:,} of them between people who share a "
                               f"group; {hard:,} pairs of staff share a group"})
    return _relined(drawn, "wiring", edges, layout.PAIR_STYLES, min_group_size,
                    lambda n: f"{n:,} pair{'' if n == 1 else 's'}")


def changes_map(view: TrustView, earlier: TrustView, suppressed: set[str] | None = None,
                min_group_size: int = 5, geographic: bool = False) -> dict:
    """The later snapshot's school map (places kept from the earlier one, or with `geographic` each school at its
    place) with each pair of schools' collaboration drawn as its change: more ties, fewer (dashed), or as many,
    each wider by the size of the change (a pair fallen from 16 ties to 1 a wide loss) and a layer the page can
    hide. Pairs with a school in `suppressed` are drawn grey without counts."""
    drawn = school_map(view, "", suppressed, min_group_size, geographic)
    if not drawn["nodes"]:
        return {**drawn, "view": "changes"}
    hidden = suppressed or set()

    def ties(v: TrustView) -> dict[tuple[str, str], int]:
        w = v.analysis.wiring
        w = w[w["soft_ties"] > 0]
        return {(a, b): int(n) for a, b, n in zip(w["school_a"], w["school_b"], w["soft_ties"], strict=True)}

    then, now = ties(earlier), ties(view)
    shown = {n["id"] for n in drawn["nodes"]}
    top = max([abs(now.get(p, 0) - then.get(p, 0)) for p in set(then) | set(now)] + [1])  # the largest change
    edges = []
    for a, b in sorted(set(then) | set(now)):
        if a not in shown or b not in shown:
            continue  # a school that left the trust: not on the later map
        names = f"{view.school_names.get(a, a)} - {view.school_names.get(b, b)}"
        if a in hidden or b in hidden:
            edges.append({"from": a, "to": b, "width": 1, "color": layout.HIDDEN_PAIR_COLOUR, "layer": "hidden",
                          "title": f"{names}: changed or not (details hidden: fewer than {min_group_size} staff)"})
            continue
        before, after = then.get((a, b), 0), now.get((a, b), 0)
        kind = "gained" if after > before else "lost" if after < before else "persisting"
        style = layout.CHANGE_STYLES[kind]
        edges.append({"from": a, "to": b, "color": style["colour"], "dashes": style["dashes"], "layer": kind,
                      "width": layout.tie_width(abs(after - before), top) if kind != "persisting" else 1,
                      "title": f"{names}: {before:,} collaborations on {earlier.as_of}, {after:,} on {view.as_of}"
                               + (f" ({after - before:+,})" if kind != "persisting" else " (unchanged)")})
    return _relined(drawn, "changes", edges, layout.CHANGE_STYLES, min_group_size, lambda n: f"{n:,}")


def _relined(drawn: dict, kind: str, edges: list[dict], styles: dict[str, dict[str, Any]], min_group_size: int,
             counted: Callable[[int], str]) -> dict:
    """A school map (`drawn`) with `edges` in place of its ties, each edge's layer one of `styles`; its key lists
    the schools, each kind of line drawn with how many (`counted`), its checkbox, and the school map's marks."""
    counts = Counter(e["layer"] for e in edges)
    legend = [entry for entry in drawn["legend"] if "line" not in entry and "mark" not in entry]
    legend += [{"label": f"{style['label']}: {counted(counts[layer])}", "colour": style["colour"],
                "line": "dashed" if style["dashes"] else "solid", "layer": layer}
               for layer, style in styles.items() if counts[layer]]
    if counts["hidden"]:
        legend.append({"label": f"linked, details hidden (a school with fewer than {min_group_size} staff): "
                                f"{counts['hidden']:,} pairs", "colour": layout.HIDDEN_PAIR_COLOUR, "line": "solid"})
    legend += _marks_legend(drawn["nodes"], [])
    return {**drawn, "view": kind, "edges": edges, "legend": legend}


def _marks_legend(nodes: list[dict], edges: list[dict]) -> list[dict]:
    """Legend entries for the school map's lines and marks, only those drawn."""
    entries = []
    if edges:
        entries.append({"label": "collaboration between two schools (wider: more)", "colour": layout.SOFT_COLOUR,
                        "line": "solid"})
    if any(n.get("isolated") for n in nodes):
        entries.append({"label": "isolated school: nobody there collaborates with another school (dark outline)",
                        "colour": "#ffffff", "mark": "isolated"})
    if any(n.get("hard_isolated") for n in nodes):
        entries.append({"label": "diamond: nobody there shares a group with anyone at another school",
                        "colour": "#ffffff", "mark": "hard-isolated"})
    return entries


# --- focus and keys: the page's own school, group or person picked out; what each shape and line means -----------

FOCUS_FONT = {"size": 20, "color": "#111111", "strokeWidth": 5, "strokeColor": "#ffffff"}
FADED_FONT = {"color": "#4d4d4d"}  # a faded school's name: lighter than the focus's, still 8:1 on white


def highlight_school(drawn: dict, school: str, name: str) -> dict:
    """A school map (school, wiring or changes) with `school` picked out: its disc outlined and named larger, its
    lines as drawn; every other school lighter in its own hue and every other line light, all still readable;
    the key names the focus. Unchanged when `school` is not drawn."""
    if not any(n["id"] == school for n in drawn["nodes"]):
        return drawn
    nodes = []
    for node in drawn["nodes"]:
        fill = node.get("color")
        colour = fill.get("background") if isinstance(fill, dict) else fill
        if node["id"] == school:
            node = {**node, "borderWidth": 6, "font": FOCUS_FONT, "focus": True,
                    "color": {"background": colour, "border": layout.FOCUS_COLOUR}}
        elif isinstance(colour, str) and colour.startswith("#"):
            border = fill.get("border", colour) if isinstance(fill, dict) else colour
            node = {**node, "color": {"background": layout.faded(colour), "border": border}, "font": FADED_FONT}
        nodes.append(node)
    edges = [e if school in (e["from"], e["to"]) else {**e, "color": layout.INSIDE_COLOUR} for e in drawn["edges"]]
    entry = {"label": f"{name}: this page's school (dark outline; its own lines in full colour, the rest lighter)",
             "colour": next(n["color"]["background"] for n in nodes if n.get("focus")), "mark": "focus"}
    return {**drawn, "nodes": nodes, "edges": edges, "legend": [entry, *drawn["legend"]]}


def staff_key(view: TrustView, f: MapFilters, drawn: dict) -> tuple[list[dict], list[dict]]:
    """The key's entries for a staff map beyond its school colours: who the map is about (a school's staff, a
    group, a person; first in the key), and the shape of each role drawn and each kind of line drawn."""
    nodes = [n for n in drawn["nodes"] if n.get("shape") not in ("text", "box")]
    entries: list[dict] = []
    if f.person and any(n.get("borderWidth") == 5 for n in nodes):
        name = view.staff_names.get(f.person, f.person)
        entries.append({"label": f"{name}: the person this map is about (large, dark outline); their direct "
                                 "contacts in full colour, people two steps away lighter", "colour": "#ffffff",
                        "mark": "focus"})
    elif _is_school_map(f):
        name = view.school_names.get(f.school, f.school)
        entries.append({"label": f"{name}'s staff (full colour); their contacts at other schools lighter, grouped "
                                 "by school", "colour": "#ffffff", "mark": "focus"})
    elif f.group and any(n.get("shape") == "box" for n in drawn["nodes"]):
        name = view.group_names.get(f.group, f.group)
        entries.append({"label": f"{name}: the group this map is about (the box in the middle, joined to each "
                                 "member by a dashed line)", "colour": "#ffffff", "mark": "focus"})
    drawn_shapes = {n.get("shape") for n in nodes}
    focus, entries = entries, []
    entries += [{"label": role, "shape": shape, "colour": "#5b6775"}
                for role, shape in layout.ROLE_SHAPES.items() if shape in drawn_shapes]
    colours = {e.get("color") for e in drawn["edges"]}
    entries += [{"label": label, "colour": colour, "line": "dashed" if dashed else "solid"}
                for label, colour, dashed in layout.STAFF_LINES if colour in colours]
    return focus, entries


def fade_contacts(drawn: dict, school: str, school_of: Mapping[Hashable, str]) -> dict:
    """A school's staff map with their contacts at other schools lighter (outlined in their school's colour), so
    that the school's own people stand out."""
    nodes = []
    for node in drawn["nodes"]:
        colour = node.get("color")
        if node["id"] in school_of and school_of[node["id"]] != school and isinstance(colour, str):
            node = {**node, "color": {"background": layout.faded(colour), "border": colour}}
        nodes.append(node)
    return {**drawn, "nodes": nodes}


# --- sizes and names: nodes sized by a chosen measure, names shown biggest first where they fit ----------------

def _sized_schools(view: TrustView, nodes: list[dict], hidden: set[str], measure: SizeMeasure) -> None:
    """Each shown school's disc by `measure` (hidden schools keep their one size: no figure of theirs shows)."""
    if measure.key == "staff":
        return  # the discs the places were made for
    shown = [n["id"] for n in nodes if n["id"] not in hidden]
    radii = school_radii(view, measure, shown, {n["id"]: (n["x"], n["y"]) for n in nodes})
    for node in nodes:
        if node["id"] in radii:
            node["size"] = radii[node["id"]]


def _sized_people(nodes: list[dict], values: dict[str, float], measure: SizeMeasure, focus: str) -> None:
    """Each person's node by `measure` (the person in focus as much larger as always)."""
    if measure.key == "staff":
        return
    people = [n for n in nodes if n["id"] in values]
    top = max((values[n["id"]] for n in people), default=0.0)
    for node in people:
        node["size"] = person_radius(values[node["id"]], top, measure) + (12 if node["id"] == focus else 0)


NAMES_KEPT = 32  # maps whose name places a snapshot's view keeps


def _kept(view: TrustView, key: str, place: Callable[[], Any]) -> Any:
    """What `place` returns, kept with the view under `key` for the NAMES_KEPT maps last asked for: placing the
    names of a map of thousands takes seconds, and a map is asked for again as people come back to it."""
    return view.kept("name places", key, place, NAMES_KEPT)


def _name_places_of(view: TrustView, nodes: list[dict], values: dict[str, float], first: list[str]) -> dict:
    """netmap.layout.labels.name_places, kept (_kept)."""
    key = json.dumps([first, [(n["id"], n.get("x"), n.get("y"), n.get("size"), n.get("label"),
                               values.get(str(n["id"]))) for n in nodes]], default=str)
    return _kept(view, key, lambda: name_places(nodes, values, first))


LEADER_ENTRY = {"label": "a name set apart from its disc, joined to it by a dotted hairline (not a link)",
                "colour": "#1d2733", "line": "leader"}


def on_screen(view: TrustView, drawn: dict, width: int, height: int, turnable: bool = True) -> dict:
    """A named map (`drawn`, from _named) for a page whose map box is `width` by `height` CSS pixels: turned a
    quarter turn when that draws it larger (a wide map on a phone held upright; never with `turnable` off, as
    for a map of real places, north up), its names placed again for what that box shows at fit
    (netmap.layout.labels.screen_places: the most important always named, set apart with a leader where their
    disc leaves no room), and the frame the page fits to (`fit`). Anything else is returned as it is."""
    nodes = drawn.get("nodes") or []
    if "sizing" not in drawn or not nodes:
        return drawn
    placed = [n for n in nodes if "x" in n and "y" in n]
    turned = turnable and turn_helps(np.array([(float(n["x"]), float(n["y"])) for n in placed]),
                                     np.array([float(n.get("size", 0.0)) for n in placed]), width, height)
    if turned:
        nodes = quarter_turned(nodes)
    key = json.dumps(["screen", width, height, [(n["id"], n.get("x"), n.get("y"), n.get("size"), n.get("label"),
                                                 _order_of(n)) for n in nodes]], default=str)
    places, fit = view.kept("screen places", key, lambda: screen_places(nodes, width, height), NAMES_KEPT)
    nodes = [{**n, "name_at": places[str(n["id"])]} if str(n["id"]) in places else n for n in nodes]
    leaders = any("leader" in p for p in places.values())
    return {**drawn, "nodes": nodes, "fit": fit.as_dict(), "turned": turned,
            "legend": [*drawn.get("legend", []), *([LEADER_ENTRY] if leaders else [])]}


def _order_of(node: dict) -> Any:
    """What screen_places reads of a node's name place: its order and rank (None: it has none)."""
    place = node.get("name_at")
    return [place.get("order"), place.get("rank")] if isinstance(place, dict) else None


def _named(view: TrustView, drawn: dict, values: dict[str, float], first: list[str], measure: SizeMeasure,
           noun: str, offered: bool = True, for_screen: bool = False) -> dict:
    """`drawn` with each node's name place (netmap.layout.labels: from which zoom its name shows, and where),
    the nodes in `first` named first, then the highest by `measure`; and the words the map's key says it with.
    With `for_screen`, each place only says its node's order and rank (name_order): on_screen places the names
    for the page's box from those alone, so a map sent to a page has its names placed once, not twice (the
    zoom-only places, seconds on a map of thousands, are made when a download or a page without a box asks)."""
    first = [n for n in first if n]
    places = name_order(drawn["nodes"], values, first) if for_screen else _name_places_of(view, drawn["nodes"],
                                                                                          values, first)
    for node in drawn["nodes"]:
        if node["id"] in places:
            node["name_at"] = places[node["id"]]
    person = noun == "people"
    sizing = {"measure": measure.key, "words": measure.person_words if person else measure.school_words,
              "most": measure.most, "noun": noun, "px": LABEL_PX, "font": LABEL_FONT,
              "offered": [[m.key, m.person_words if person else m.school_words] for m in SIZE_MEASURES.values()]
              if offered else []}
    return {**drawn, "sizing": sizing}
