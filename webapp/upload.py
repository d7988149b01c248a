"""Upload (admin): load a trust's CSV files or one .xlsx through the browser; nothing is stored on failure.

A date that already has a snapshot with other contents is never silently replaced: by default the page refuses,
shows what is stored on that date (source, when loaded, counts) and asks the admin to choose, on the next upload,
to keep both or to replace one snapshot named by its id."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from wtforms import BooleanField, DateField, FileField, MultipleFileField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from netmap import clock
from netmap.contract import TABLE_NAMES, normalise_header
from netmap.errors import NetmapError, ValidationFailed
from netmap.imports.gias import GiasSchools, read_gias, schools_dataset, write_schools
from netmap.ingest.report import ValidationReport
from netmap.ingest.sandbox import validate_with_limits
from netmap.spreadsheet import neutralised_frame
from netmap.store import SnapshotInfo
from netmap.store.base import describe_snapshot
from webapp.auth import audit
from webapp.data import get_store, snapshots

log = logging.getLogger(__name__)
bp = Blueprint("upload", __name__, url_prefix="/upload")


class UploadForm(FlaskForm):
    files = MultipleFileField("CSV files (schools.csv, staff.csv, ...) or one .xlsx workbook")
    as_of = DateField("Snapshot date", default=clock.today)
    on_taken = RadioField("If that date already has a snapshot", default="ask", choices=[
        SelectChoice("ask", "stop and show me what is stored there"),
        SelectChoice("keep", "keep it, and store this upload beside it under its own id"),
        SelectChoice("replace", "replace the snapshot chosen here:")])
    replace = SelectField("Snapshot to replace", default="")
    gias = FileField("GIAS establishment fields download (CSV, or the zip it comes in)")
    gias_trust = StringField("The trust's UID in GIAS", filters=[lambda v: (v or "").strip()])
    gias_closed = BooleanField("Keep the trust's closed schools too")


def _taken_csv(taken: list[SnapshotInfo]) -> str:
    """The table of snapshots already stored on the date, as CSV text (cells neutralised for spreadsheets)."""
    frame = pd.DataFrame([{"id": s.snapshot_id, "as_of": s.as_of, "source": s.source, "loaded_at": s.loaded_at,
                           "staff": s.counts.get("staff", 0), "schools": s.counts.get("schools", 0),
                           "collaborations": s.counts.get("collaborations", 0)} for s in taken])
    return str(neutralised_frame(frame).to_csv(index=False))


def _choices(stored: list[SnapshotInfo]) -> list[SelectChoice]:
    """The snapshots that can be replaced, latest first, each named by id, date, source and counts."""
    return [SelectChoice("", "(none)"), *(SelectChoice(s.snapshot_id, describe_snapshot(s)) for s in reversed(stored))]


class _Unusable(ValueError):
    """A request that holds nothing to validate (no file, an empty file, no date): answered 400, not 422."""


class _Taken(NetmapError):
    """The date already holds a snapshot and the user has not said whether to keep both or replace it: 409."""


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    form = UploadForm()
    form.replace.choices = _choices(snapshots())
    problems, error, problems_csv = [], "", ""
    status = 200
    taken: list[SnapshotInfo] = []
    if form.is_submitted():
        with tempfile.TemporaryDirectory(prefix="netmap-upload-") as folder:
            try:
                uploads = _uploads(form)
                source = _save(uploads, Path(folder))
                found = _schools_from_gias(form, source)
                from_gias, gias_alone = found is not None, found is not None and not uploads
                if found is not None and not uploads:  # the register alone: a trust's start, before staff and groups
                    if snapshots():  # over a loaded trust it would store a latest snapshot with no staff at all
                        raise NetmapError(
                            "The GIAS download alone only starts a trust that has no snapshot yet; this store already "
                            "holds one, so nothing was loaded. To update the schools, upload the GIAS download with "
                            "the full set of files (staff.csv, groups.csv, memberships.csv and the rest), or import "
                            "your staff export with its column mapping on the mapping page.")
                    report = ValidationReport(found.report.source)
                    dataset = schools_dataset(found, report)
                else:
                    settings = current_app.config["NETMAP_SETTINGS"]
                    dataset, report = validate_with_limits(source, memory_mb=settings.upload_memory_mb,
                                                           seconds=settings.upload_seconds)
                problems = report.errors if gias_alone else report.problems  # "no staff" is no news there
                problems_csv = report.csv_text()
                if dataset is not None:
                    as_of = form.as_of.data.isoformat()
                    label = f"upload by web ({len(uploads)} file(s){' and a GIAS download' if from_gias else ''})"
                    replace = form.replace.data or None if form.on_taken.data == "replace" else None
                    if form.on_taken.data == "replace" and replace is None:
                        raise NetmapError("Choose the snapshot to replace, or another answer to \"If that date "
                                          "already has a snapshot\". Nothing was loaded.")
                    taken = (get_store().snapshots_in_the_way(dataset, as_of, label)
                             if form.on_taken.data == "ask" else [])
                    if taken:
                        form.replace.data = taken[0].snapshot_id
                        raise _Taken(f"A snapshot dated {as_of} is already stored (below). Nothing was "
                                          "loaded. Choose to keep both, or to replace it, and upload again.")
                    result = get_store().write_snapshot(dataset, as_of, source=label, replace=replace)
                    written = result.snapshot.snapshot_id
                    verb = {"created": "Loaded", "replaced": "Replaced",
                            "unchanged": "Already loaded, unchanged:",
            "repaired": "Repaired (its stored copy no longer matched its hash)"}[result.status]
                    log.info("snapshot %s %s by %s through the upload page", written, result.status, g.user.name)
                    audit("upload", f"snapshot {written} {result.status} ({len(uploads)} file(s))")
                    if found is not None and gias_alone:
                        unplaced = f" ({len(found.report.warnings)} without a place on the map)" if (
                            found.report.warnings) else ""
                        flash(f"{verb} snapshot {written}: {len(dataset.schools)} school(s) from the GIAS download"
                              f"{unplaced}, no staff yet. Next: map your staff export's columns below, then import "
                              "it.", "ok")
                        return redirect(url_for("mapping.index"))
                    flash(f"{verb} snapshot {written} with {len(report.warnings)} warning(s).", "ok")
                    return redirect(url_for("dashboard.index", snapshot=written))
                error = f"{len(report.errors)} error(s): nothing was loaded. Fix them and upload again."
                status = 422
            except ValidationFailed as exc:  # the GIAS download: its problems, as validation's are shown
                problems, problems_csv = exc.report.problems, exc.report.csv_text()
                error, status = f"{len(exc.report.errors)} error(s) in the GIAS file: nothing was loaded.", 422
            except _Unusable as exc:
                error, status = str(exc), 400
            except _Taken as exc:
                error, status = str(exc), 409
            except NetmapError as exc:
                error, status = str(exc), 422
        if error:
            log.warning("upload by %s refused: %s", g.user.name, error)
            audit("upload refused", error[:300])
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return render_template("upload/index.html", form=form, problems=problems, error=error, limit=limit,
                           problems_csv=problems_csv, taken=taken, taken_csv=_taken_csv(taken) if taken else ""), (
        status)


def _uploads(form: UploadForm) -> list[FileStorage]:
    """The files posted, once the form is whole: _Unusable naming what is missing (a post without files, with
    empty ones or without a date is a bad request, whatever sent it)."""
    if not form.validate():
        problems = "; ".join(f"{getattr(form, name).label.text}: {' '.join(errors)}" for name, errors in
                             form.errors.items())
        raise _Unusable(f"The upload could not be read ({problems}). Reload the page, choose the files and a "
                        "snapshot date, and upload again.")
    uploads = [f for f in form.files.data or [] if isinstance(f, FileStorage) and f.filename]
    gias = form.gias.data
    if not uploads and not (isinstance(gias, FileStorage) and gias.filename):
        raise _Unusable("Choose the files to upload: the CSV files of your trust, one .xlsx workbook, or the GIAS "
                        "download alone to start with the trust's schools.")
    empty = [u.filename for u in uploads if _size(u) == 0]
    if empty:
        raise _Unusable(f"{', '.join(map(repr, empty))} {'is' if len(empty) == 1 else 'are'} empty (0 bytes). "
                        "Choose the saved files again: an empty file usually means it was still open or not saved.")
    return uploads


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    here = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(here)
    return size


def _schools_from_gias(form: UploadForm, source: Path) -> GiasSchools | None:
    """With a GIAS download chosen, the trust's schools.csv written from it into the uploaded folder (as
    `netmap import gias` writes it), and the schools read; ValidationFailed with its problems, or NetmapError, when
    they cannot be."""
    upload = form.gias.data
    if not isinstance(upload, FileStorage) or not upload.filename:
        return None
    if not source.is_dir():
        raise NetmapError("A GIAS download goes with CSV files, not a workbook: upload staff.csv and the others "
                          "as CSV files, or put a schools sheet in the workbook instead.")
    if (source / "schools.csv").exists():
        raise NetmapError("Choose schools.csv or a GIAS download, not both: the GIAS download writes schools.csv.")
    if not form.gias_trust.data:
        raise NetmapError("Give the trust's UID in GIAS (the Trusts (code) column; GIAS shows it on the trust's "
                          "page) to pick its schools out of the download.")
    with tempfile.TemporaryDirectory(prefix="netmap-gias-") as inbox:
        path = Path(inbox) / (secure_filename(upload.filename) or "gias.csv")
        upload.save(path)
        found = read_gias(path, form.gias_trust.data, include_closed=bool(form.gias_closed.data))
    write_schools(found, source)
    return found


def _save(uploads: list[FileStorage], folder: Path) -> Path:
    """Save the uploaded files; returns what validation reads: the folder, or the one workbook."""
    names = [secure_filename(u.filename or "") for u in uploads]
    if len(uploads) == 1 and names[0].lower().endswith(".xlsx"):
        path = folder / names[0]
        uploads[0].save(path)
        return path
    for upload, name in zip(uploads, names, strict=True):
        if not name.lower().endswith(".csv") or normalise_header(Path(name).stem) not in TABLE_NAMES:
            raise NetmapError(f"{upload.filename!r} is not one of the expected files "
                              f"({', '.join(n + '.csv' for n in TABLE_NAMES)}) or an .xlsx workbook.")
        upload.save(folder / name)
    return folder

