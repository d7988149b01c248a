"""Staff exports (admin): make a column mapping from a MIS or HR export's headers, and import an export through
one, seeing who joined, moved school, changed role and left on a confirm page before anything is stored.

The editor reads only the export's headers and the values of its role and school columns (codes, never names);
the file is not kept. An import waiting for confirmation is kept, owner-only, in the data folder's
pending-imports folder until it is confirmed or cancelled; one left for an hour is deleted at the page's next use."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

from netmap import clock
from netmap.contract import ROLES
from netmap.errors import NetmapError
from netmap.imports import mapping as mappings
from netmap.imports.plan import StaffImport, plan_staff_import
from netmap.imports.staff import codes_in, resolve_school
from netmap.ingest.report import ValidationReport
from webapp.auth import audit
from webapp.data import get_store
from webapp.pending import confirm_pending, kept_until_checked, new_pending, refusal, save_meta

bp = Blueprint("mapping", __name__, url_prefix="/mapping")


def _folder() -> Path:
    """Where the trust's own mappings are kept (NETMAP_MAPPINGS_DIR in tests)."""
    return Path(current_app.config.get("NETMAP_MAPPINGS_DIR") or mappings.mappings_dir())


def _available() -> list[str]:
    """The mappings an import may use: the trust's own, then the built-in ones they do not replace."""
    own = sorted(p.stem for p in _folder().glob("*") if p.suffix in (".toml", ".json")) if _folder().is_dir() else []
    return own + [n for n in mappings.builtin_names() if n not in own]


def _upload(name: str) -> FileStorage:
    """The file posted as `name`; NetmapError asking for one when there is none."""
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        raise NetmapError("Choose the export file (CSV or .xlsx) first.")
    return upload


def _schools() -> pd.DataFrame:
    """The latest snapshot's schools (none before a first snapshot), for the page's school choices."""
    snapshots = get_store().list_snapshots()
    if not snapshots:
        return pd.DataFrame({"school_id": [], "name": []})
    return get_store().read_table(snapshots[-1].snapshot_id, "schools")


def _matched(code: str, schools: pd.DataFrame) -> str:
    """The school an export's school value names without a mapping entry (its id or name), as "name (id)"; ""."""
    found = resolve_school(code, mappings.StaffMapping("new", "", {}), schools)
    names = dict(zip(map(str, schools["school_id"]), schools["name"], strict=True))
    return "" if found is None else f"{names[found]} ({found})"


def _school_choices() -> list[tuple[str, str]]:
    """The latest snapshot's schools as (id, "name (id)"), by name: a trust knows its schools by name, not URN."""
    schools = _schools()
    return sorted(((str(i), f"{n} ({i})") for i, n in zip(schools["school_id"], schools["name"], strict=True)),
                  key=lambda choice: choice[1])


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    """The mappings kept, and (on an uploaded export) the editor: its headers beside netmap's fields."""
    editor, error = None, ""
    if request.method == "POST":
        try:
            editor = _editor(_upload("export"), request.form.get("start", ""))
        except NetmapError as exc:
            error = str(exc)
    return render_template("mapping/index.html", mappings=_available(), editor=editor, error=error,
                           fields=mappings.FIELDS, roles=ROLES), 422 if error else 200


def _editor(upload: FileStorage, start: str) -> dict[str, Any]:
    """What the editor shows for an export: headers (sensitive ones marked), a column chosen per field (from the
    starting mapping, else the suggestion), and the role and school codes found with their translations."""
    base = mappings.find_mapping(start, _folder()) if start else None
    with tempfile.TemporaryDirectory(prefix="netmap-mapping-") as folder:
        path = Path(folder) / (secure_filename(upload.filename or "") or "export.csv")
        upload.save(path)
        report = ValidationReport(path.name)
        headers, _ = codes_in(path, report, [])
        if not headers:
            raise NetmapError(" ".join(p.describe() for p in report.errors) or "The export has no header row.")
        suggested = mappings.suggest_columns(headers)
        chosen = {f.name: list(base.header_of(f.name)) if base else [h for h in [suggested[f.name]] if h]
                  for f in mappings.FIELDS}
        role_column = next(iter(chosen["role"]), None)
        school_column = next(iter(chosen["school_id"]), None)
        _, codes = codes_in(path, report, [role_column, school_column])
    empty = mappings.StaffMapping("new", "", {})
    start_with = base or empty
    schools = _schools()
    return {"headers": headers, "sensitive": [h for h in headers if mappings.is_sensitive(h)], "chosen": chosen,
            "base": base, "file": path.name,
            "roles": [(code, start_with.role_of(code) or "") for code in codes.get(role_column or "", [])],
            "schools": [(code, start_with.schools.get(code, ""), _matched(code, schools))
                        for code in codes.get(school_column or "", [])],
            "school_choices": _school_choices(),
            "subjects": "\n".join(f"{k} = {v}" for k, v in start_with.subjects.items()),
            "extra_roles": {k: v for k, v in start_with.roles.items()}}


@bp.route("/save", methods=["POST"])
def save() -> Any:
    """Save the editor's mapping under its name (a trust's own mapping of a built-in's name is used instead)."""
    form = request.form
    columns: dict[str, Any] = {}
    for f in mappings.FIELDS:
        picked = [h for h in form.getlist(f"col_{f.name}") if h]
        if picked:
            columns[f.name] = picked if len(picked) > 1 else picked[0]
    try:
        roles = json.loads(form.get("extra_roles", "{}") or "{}")
    except ValueError:
        roles = None
    if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
        abort(400, "The page's role codes came back damaged: open the mapping again and save it from there.")
    roles.update({code: role for code, role in zip(form.getlist("role_code"), form.getlist("role_value"),
                                                   strict=False) if role})
    schools = {code: school for code, school in zip(form.getlist("school_code"), form.getlist("school_value"),
                                                    strict=False) if school}
    subjects = {}
    for line in form.get("subjects", "").splitlines():
        code, sep, name = line.partition("=")
        if sep and code.strip() and name.strip():
            subjects[code.strip()] = name.strip()
    data = {"name": form.get("name", "").strip(), "title": form.get("title", "").strip(), "columns": columns,
            "roles": roles, "schools": schools, "subjects": subjects, "verified": False,
            "source": "Made on the mapping page from the trust's own export."}
    try:
        mapping = mappings.mapping_from_dict(data, "from the page")
        path = mappings.save_mapping(mapping, _folder())
    except NetmapError as exc:
        flash(f"Not saved: {exc}", "error")
        return redirect(url_for("mapping.index"))
    audit("mapping saved", f"staff export mapping {mapping.name}")
    flash(f"Saved mapping {mapping.name} ({path.name}). Import an export through it below, or with `netmap "
          f"import staff FILE --mapping {mapping.name}`.", "ok")
    return redirect(url_for("mapping.import_"))


@bp.route("/import", methods=["GET", "POST"])
def import_() -> Any:
    """Upload an export to import through a mapping: the confirm page shows what changes; nothing is stored yet."""
    plan: StaffImport | None = None
    error, token = "", ""
    if request.method == "POST":
        token, pending = new_pending()
        try:
            with kept_until_checked(pending):
                upload = _upload("export")
                mapping = mappings.find_mapping(request.form.get("mapping", ""), _folder())
                pending.mkdir(mode=0o700)
                path = pending / (secure_filename(upload.filename or "") or "export.csv")
                upload.save(path)
                path.chmod(0o600)  # the export as uploaded, until confirmed or cancelled: its owner's eyes only
                as_of = request.form.get("as_of") or clock.today().isoformat()
                school = request.form.get("school") or None
                plan = plan_staff_import(get_store(), path, mapping, as_of=as_of, school=school)
                error = refusal(plan, "Fix them (in the export, or in the mapping where a line says so) and import "
                                      "again.")
                if error or plan.dataset is None:
                    shutil.rmtree(pending, ignore_errors=True)
                else:
                    save_meta(pending, {"mapping": mapping.name, "school": school, "as_of": as_of,
                                        "hash": plan.dataset.content_hash()})
        except NetmapError as exc:
            error = str(exc)
    status = 422 if error else 200
    return render_template("mapping/import.html", mappings=_available(), plan=plan, error=error,
                           token="" if error else token, today=clock.today().isoformat(),
                           school_choices=_school_choices()), status


@bp.route("/import/<token>", methods=["POST"])
def confirm(token: str) -> Any:
    """Store the import shown on the confirm page, or cancel it; either way its file is deleted."""
    def plan_again(folder: Path, meta: dict[str, Any]) -> StaffImport:
        export = next(p for p in folder.iterdir() if p.name != "meta.json")
        return plan_staff_import(get_store(), export, mappings.find_mapping(meta["mapping"], _folder()),
                                 as_of=meta["as_of"], school=meta["school"])

    return confirm_pending(
        token, "mapping.import_", plan_again,
        "The trust's data changed since this import was checked: nothing was stored. Import the export again to see "
        "what it changes now.",
        lambda plan: plan.file)
