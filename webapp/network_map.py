"""The network map page and the JSON it draws: the school map by default, filtered staff maps on request."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, jsonify, render_template, request

from netmap.contract import PHASES, ROLES, TIE_KINDS
from netmap.layout import ROLE_SHAPES, has_places, school_places
from netmap.naming import matching_names, narrowed
from webapp.access import Scope, require_names, scope, suppressed_schools
from webapp.auth import audit, audit_people
from webapp.data import TrustView, require_view
from webapp.gate import may_use
from webapp.graphview import (
    MapFilters,
    TooLarge,
    backbone_by_default,
    highlight_school,
    on_screen,
    school_map,
    staff_map,
    wiring_map,
    with_backbone,
)
from webapp.hidden import without_hidden_schools
from webapp.map_image import map_image
from webapp.map_wire import packed
from webapp.standalone import standalone_html

bp = Blueprint("network_map", __name__, url_prefix="/map")


def _filters() -> MapFilters:
    args = request.args
    return MapFilters(school=args.get("school", ""), group=args.get("group", ""), subject=args.get("subject", ""),
                      phase=args.get("phase", ""), role=args.get("role", ""), kind=args.get("kind", ""),
                      person=args.get("person", "").strip(), depth=args.get("depth", 1, type=int),
                      hard=args.get("hard") == "1", soft=args.get("layer") != "hard")


def resolve_person(view: TrustView, text: str,
                   allowed: frozenset[str] | None = None) -> tuple[str, list[tuple[str, str]]]:
    """A staff id from an id or a name, among `allowed` people (None: everyone); with several people of that name,
    none and the candidates (netmap.naming's rules)."""
    if not text or (text in view.works_at and (allowed is None or text in allowed)):
        return text, []
    matches = narrowed(matching_people(view, text, allowed), text)
    if len(matches) == 1:
        return matches[0][0], []
    return "", matches


def one_person(view: TrustView, text: str, allowed: frozenset[str] | None = None) -> str:
    """The staff id `text` names (an id, or any part of a name that one person in post, among `allowed`,
    matches); otherwise "" with a message flashed saying why."""
    person, matches = resolve_person(view, text, allowed)
    if person and person in view.works_at:
        return person
    if matches:
        shown = ", ".join(f"{n} ({p})" for p, n in matches[:5])
        flash(f"{len(matches):,} people match {text!r}: {shown}{', ...' if len(matches) > 5 else ''}. Type more of "
              "the name, or the id.", "error")
    else:
        flash(f"Nobody in post matches {text!r}: type part of their name or their staff id.", "error")
    return ""


MAX_SUGGESTIONS = 15


def matching_people(view: TrustView, text: str, allowed: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """People in post whose name contains every word of `text` (any case, in any order), among `allowed`;
    sorted by name."""
    in_post = view.works_at
    return matching_names({p: n for p, n in view.staff_names.items()
                           if p in in_post and (allowed is None or p in allowed)}, text)


@bp.route("/people")
def people() -> Any:
    """Suggestions for the person search: up to MAX_SUGGESTIONS people whose name contains what was typed, with
    their school, within the user's scope (none for roles that see no names)."""
    view = require_view()
    found = require_names(view)
    school_of = view.works_at
    matches = matching_people(view, request.args.get("q", ""), found.people)[:MAX_SUGGESTIONS]
    audit_people("search", "the staff map's name suggestions", [p for p, _name in matches])
    return jsonify([{"id": p, "name": n, "school": view.school_names.get(school_of.get(p, ""), "")}
                    for p, n in matches])


@bp.route("/")
def index() -> Any:
    view = require_view()
    found = scope(view)
    f = _filters()
    person, matches = resolve_person(view, f.person, found.people) if found.sees_names else ("", [])
    school_of = view.works_at if matches else {}
    more = max(0, len(matches) - MAX_SUGGESTIONS)
    candidates = [(p, n, view.school_names.get(school_of.get(p, ""), "")) for p, n in matches[:MAX_SUGGESTIONS]]
    subjects = sorted({s for v in view.staff["subjects"].dropna() for s in v.split(";")})
    places = school_places(view)
    geographic = request.args.get("layout") == "geographic" and has_places(view)
    links = request.args.get("links", "")
    if links not in ("all", "backbone"):
        wiring = view.analysis.wiring
        links = "backbone" if backbone_by_default(len(view.schools), int((wiring["soft_ties"] > 0).sum())) else ""
    return render_template("network_map/index.html", view=view, f=f, person=person, candidates=candidates, more=more,
                           schools=sorted(view.school_names.items()), groups=sorted(view.group_names.items()),
                           subjects=subjects, phases=PHASES, roles=ROLES, kinds=TIE_KINDS, shapes=ROLE_SHAPES,
                           names=found.sees_names, placed=len(places), offers_geography=has_places(view),
                           geographic=geographic, unplaced=len(view.schools) - len(places), links=links,
                           staff_view=found.sees_names and request.args.get("show") != "schools"
                           and (request.args.get("view") == "staff" or f.any_node_filter))


@bp.route("/data")
def data() -> Any:
    """A map's JSON (or, with ?format=, its download). The JSON is kept per snapshot view for the request's map
    parameters and the user's scope (`_kept_json`): a map of 1,500 people costs the server a few hundred ms of CPU
    to build and encode, and people come back to the same maps."""
    view = require_view()
    f = _filters()
    found = scope(view)
    kind = request.args.get("view")
    if kind == "staff":
        require_names(view)
        person, _ = resolve_person(view, f.person, found.people)
        if f.person and not person and f.person in view.works_at:
            abort(403)  # someone outside the user's scope: not even their network's shape
        f = replace(f, person=person or f.person)  # an unknown name stays, and matches nobody
    if request.args.get("format") in DOWNLOADS:  # a download is audited by send_map, as every map's is
        drawn, staff_drawn = _built(view, f, found, kind)
        if kind == "staff" and not staff_drawn:
            return jsonify(drawn)  # too large to draw: the school map with the reason, as the page gets it
        return send_map(view, drawn)
    body, staff_drawn = _kept_json(view, f, found, kind, request.headers.get(FORM_HEADER) == "packed")
    if staff_drawn:
        audit("view", f"staff map ({request.query_string.decode()})")
    response = Response(body, mimetype="application/json")
    response.vary.add(FORM_HEADER)
    return response


MAPS_KEPT = 32  # map JSONs a snapshot's view keeps
FORM_HEADER = "X-Map-Form"  # "packed": the page's compact form of the map (webapp.map_wire); else plain objects


def _kept_json(view: TrustView, f: MapFilters, found: Scope, kind: str | None,
               compact: bool) -> tuple[bytes, bool]:
    """The map's JSON as `_built` makes it (`compact`: in webapp.map_wire's packed form), and whether it is a
    staff map (audited on every view), kept in the view's layout cache under everything the map depends on: the
    request's map parameters (every argument but the download format), the filters as resolved (a name to a
    person), the user's whole scope (role, people and groups seen, suppression) and the form (TrustView.kept)."""
    key = (tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "format")), f, found, compact)

    def build() -> tuple[bytes, bool]:
        box = _box()
        drawn, staff_drawn = _built(view, f, found, kind, for_screen=box is not None)
        drawn = _for_box(view, drawn, box)  # the box's size is among the request's arguments, so in the key
        return _json(packed(drawn) if compact else drawn), staff_drawn

    return view.kept("map json", key, build, MAPS_KEPT)


def _json(drawn: dict) -> bytes:
    """`drawn` as jsonify sends it (the app's JSON provider: keys sorted, compact)."""
    return (current_app.json.dumps(drawn, separators=(",", ":")) + "\n").encode()


def _built(view: TrustView, f: MapFilters, found: Scope, kind: str | None,
           for_screen: bool = False) -> tuple[dict, bool]:
    """The map the request asks for (school, wiring or staff map), and whether it is a staff map (False when the
    staff map asked for is too large and the school map is drawn instead). With `for_screen`, its names are only
    ordered, for _for_box to place for the page's box (webapp.graphview._named)."""
    if kind != "staff":
        hidden = suppressed_schools(view, found)
        focus = "" if f.school in hidden else f.school  # a hidden school's surroundings are its links
        geographic = request.args.get("layout") == "geographic"
        drawn = (wiring_map(view, focus, hidden, found.min_group_size, geographic=geographic, for_screen=for_screen)
                 if kind == "wiring" else
                 school_map(view, focus, hidden, found.min_group_size, geographic=geographic,
                            size=request.args.get("size", ""), for_screen=for_screen))
        shown = without_hidden_schools(drawn, view, hidden, found.min_group_size, focus)
        if kind != "wiring":
            shown = with_backbone(shown, request.args.get("links", ""))
        if focus and not shown["edges"] and shown["nodes"] and not shown["message"]:
            shown = {**shown, "message": isolated_advice(view, focus)}
        elif f.school in hidden and not shown["message"]:  # not drawn: its place and links would show its figures
            shown = {**shown, "message": f"{view.school_names.get(f.school, f.school)} has fewer than "
                                         f"{found.min_group_size} staff, or is hidden with one, so it is among the "
                                         "small schools drawn apart, without its links; the map shows the rest of "
                                         "the trust."}
        return highlight_school(shown, f.school, view.school_names.get(f.school, f.school)), False
    try:
        result = staff_map(view, f, found.people, size=request.args.get("size", ""), for_screen=for_screen)
        return {**result, "message": result["message"] and empty_advice(view, f, found)}, True
    except TooLarge as exc:
        hidden = suppressed_schools(view, found)
        focus = "" if f.school in hidden else f.school
        drawn = school_map(view, focus, hidden, found.min_group_size, for_screen=for_screen)
        return {**without_hidden_schools(drawn, view, hidden, found.min_group_size, focus), "message": str(exc)}, False


TITLES = {"schools": "School map", "wiring": "Hard vs soft wiring by school", "staff": "Staff map",
          "changes": "What changed between two snapshots", "people changes": "Who joined, left and collaborates anew"}


DOWNLOADS = ("html", "png", "pdf")
MIN_BOX, MAX_BOX = 100, 3840  # a map box the page may ask names placed for, in CSS pixels (else: none asked;
# 3840: a 4K screen's width, so that no request makes the server place names for a box no screen has)
_IMAGE_TYPES = {"png": "image/png", "pdf": "application/pdf"}


def _box() -> tuple[int, int] | None:
    """The page's map box, width by height in CSS pixels, when the request gives a size names may be placed
    for (MIN_BOX to MAX_BOX each way); else None."""
    width, height = (request.args.get(k, 0, type=int) or 0 for k in ("width", "height"))
    return (width, height) if MIN_BOX <= width <= MAX_BOX and MIN_BOX <= height <= MAX_BOX else None


def _for_box(view: TrustView, drawn: dict, box: tuple[int, int] | None) -> dict:
    """`drawn` fitted to the page's map `box` (_box) when the request gives one (names placed for what it shows
    at fit, a wide map turned on a tall box: netmap.layout.screen); as it is otherwise."""
    if box is None:
        return drawn
    return on_screen(view, drawn, *box, turnable=request.args.get("layout") != "geographic")


def send_map(view: TrustView, drawn: dict) -> Any:
    """The map as JSON for the page; with ?format=html as a standalone HTML file to keep or send, with ?format=png
    or pdf as a page to print (title, date, key and names: webapp.map_image). Every download is audited: a map of
    schools is a file that leaves netmap too."""
    fmt = request.args.get("format", "")
    if fmt not in DOWNLOADS:
        return jsonify(_for_box(view, drawn, _box()))
    title = TITLES.get(drawn["view"], "Map")
    audit("download", f"{title} as {fmt}, snapshot {view.snapshot_id} ({request.query_string.decode()})")
    stamp = "-".join(filter(None, (drawn["view"], request.args.get("school"), request.args.get("group"), view.as_of)))
    if fmt in ("png", "pdf"):
        focus = view.school_names.get(request.args.get("school", "")) or view.group_names.get(
            request.args.get("group", ""), "")
        image = map_image(drawn, f"{title}{': ' + focus if focus else ''}", f"Snapshot of {view.as_of}",
                          "png" if fmt == "png" else "pdf")
        return Response(image, mimetype=_IMAGE_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="netmap-{_safe(stamp)}.{fmt}"'})
    note = (f"netmap, snapshot of {view.as_of}. Staff data: keep this file as the trust's data protection policy "
            "says. Hover for details; scroll to zoom; drag to move.")
    return Response(standalone_html(drawn, f"{title}, {view.as_of}", note), mimetype="text/html",
                    headers={"Content-Disposition": f'attachment; filename="netmap-{_safe(stamp)}.html"'})


def _safe(text: str) -> str:
    """A file name's part: letters, digits and dashes only (ids may hold anything)."""
    return "".join(c if c.isalnum() or c == "-" else "_" for c in text)[:80]


def empty_advice(view: TrustView, f: MapFilters, found: Scope) -> str:
    """Why a staff map draws nobody and what the viewer can do about it, within what their role may open."""
    asked = ", ".join(part for part in (
        f.school and view.school_names.get(f.school, f.school), f.group and view.group_names.get(f.group, f.group),
        f.subject and f"subject {f.subject}", f.phase and f"{f.phase} schools", f.role and f"role {f.role}",
        f.person and f"person {f.person!r}") if part) or "these filters"
    if found.people is not None:  # a network lead: their groups' members only
        led = ", ".join(sorted(view.group_names.get(g, g) for g in found.groups or ()))
        where = (f"None of the members of the networks you lead ({led}) work at {asked}" if f.school and not
                 (f.group or f.subject or f.phase or f.role or f.person)
                 else f"Nobody in the networks you lead ({led}) matches {asked}")
        return (f"{where}: you map their members only. Remove a filter, or choose one of your groups; the school "
                "map shows how every school is linked.")
    return (f"Nobody in post on {view.as_of} matches {asked}. Remove a filter, or choose another school, group or "
            "person.")


def isolated_advice(view: TrustView, school: str) -> str:
    """What a map around an isolated school says, and where the viewer's role can act on it."""
    name = view.school_names.get(school, school)
    act = ("The secondments page suggests who could link it to other schools." if may_use("secondments.index")
           else "Its page lists the groups it is missing from: a way in for its staff.")
    return f"{name} has no collaboration with any school shown here on {view.as_of}, so no line joins it to one. {act}"
