"""The expertise finder (roles that see names, within their scope): who knows about a topic, with the evidence
and who can introduce them, from a chosen colleague or school (netmap.analysis.expertise); as a table and CSV."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Blueprint, current_app, render_template, request

from netmap.analysis.expertise import HALF_LIFE_DAYS, find_expertise
from netmap.ingest.vocabulary import read_vocabulary
from webapp.access import named_view
from webapp.auth import audit
from webapp.network_map import resolve_person
from webapp.table_columns import csv_columns
from webapp.tables import csv_response

bp = Blueprint("expertise", __name__, url_prefix="/expertise")
SHOWN = 20


def trust_vocabulary() -> list[tuple[str, str]]:
    """The trust's own vocabulary (NETMAP_VOCABULARY), read again when the file changes; none when unset."""
    path = current_app.config["NETMAP_SETTINGS"].vocabulary
    return list(_read(path, path.stat().st_mtime_ns)) if path else []


@lru_cache(maxsize=4)
def _read(path: Path, _changed: int) -> tuple[tuple[str, str], ...]:
    return tuple(read_vocabulary(path))


@bp.route("/")
def index() -> Any:
    view, found = named_view()
    topic = request.args.get("topic", "").strip()[:80]
    school = request.args.get("school", "")
    person, candidates = resolve_person(view, request.args.get("from", "").strip(), found.people)
    rows = pd.DataFrame(columns=csv_columns("expertise"))
    search = None
    if topic:
        search = find_expertise(view.graphs, topic, start=person or None,
                                school=school if school in view.school_names and not person else None,
                                extra_synonyms=trust_vocabulary(), limit=len(view.graphs.soft))
        shown = [e for e in search.experts if found.may_name(e.staff_id)][:SHOWN]
        school_of = view.graphs.school_of

        def who(p: str) -> str:  # someone outside the user's scope is not named, only placed
            if found.may_name(p):
                return view.staff_names.get(p, p)
            return f"a colleague at {view.school_names.get(school_of.get(p, ''), 'another school')}"

        rows = pd.DataFrame([{"staff_id": e.staff_id, "name": view.staff_names.get(e.staff_id, e.staff_id),
                              "school": view.school_names.get(school_of[e.staff_id], ""), "score": e.score,
                              "evidence": "; ".join(e.evidence), "times_named": e.times_named,
                              "steps": "" if e.steps is None else str(e.steps),
                              "introduction": "works at the school" if e.steps == 0 and not person else
                              " > ".join(who(p) for p in e.chain) if e.chain else
                              ("no chain of colleagues" if person or school else "")} for e in shown],
                            columns=rows.columns)
        audit("download" if request.args.get("format") == "csv" else "view", f"expertise on {topic!r}")
        if request.args.get("format") == "csv":
            return csv_response(rows, "expertise.csv")
    return render_template("expertise/index.html", view=view, topic=topic, search=search, school=school,
                           person=person, half_life=HALF_LIFE_DAYS,
                           asked=request.args.get("from", ""), candidates=candidates[:15], rows=rows,
                           schools=sorted(view.school_names.items(), key=lambda s: s[1]))
