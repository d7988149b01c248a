"""Upload (admin): load a trust's CSV files or one .xlsx through the browser; nothing is stored on failure."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from wtforms import DateField, MultipleFileField

from netmap.contract import TABLE_NAMES, normalise_header
from netmap.errors import NetmapError
from netmap.ingest.sandbox import validate_with_limits
from webapp.auth import audit, role_required
from webapp.data import get_store

log = logging.getLogger(__name__)
bp = Blueprint("upload", __name__, url_prefix="/upload")


class UploadForm(FlaskForm):
    files = MultipleFileField("CSV files (schools.csv, staff.csv, ...) or one .xlsx workbook")
    as_of = DateField("Snapshot date", default=dt.date.today)


class _Unusable(ValueError):
    """A request that holds nothing to validate (no file, an empty file, no date): answered 400, not 422."""


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index() -> Any:
    form = UploadForm()
    problems, error, problems_csv = [], "", ""
    status = 200
    if form.is_submitted():
        with tempfile.TemporaryDirectory(prefix="netmap-upload-") as folder:
            try:
                uploads = _uploads(form)
                source = _save(uploads, Path(folder))
                settings = current_app.config["NETMAP_SETTINGS"]
                dataset, report = validate_with_limits(source, memory_mb=settings.upload_memory_mb,
                                                       seconds=settings.upload_seconds)
                problems = report.problems
                problems_csv = report.csv_text()
                if dataset is not None:
                    as_of = form.as_of.data.isoformat()
                    result = get_store().write_snapshot(dataset, as_of, source=f"upload by web ({len(uploads)} "
                                                        "file(s))")
                    verb = {"created": "Loaded", "replaced": "Replaced",
                            "unchanged": "Already loaded, unchanged:",
            "repaired": "Repaired (its stored copy no longer matched its hash)"}[result.status]
                    log.info("snapshot %s %s by %s through the upload page", as_of, result.status, g.user.name)
                    audit("upload", f"snapshot {as_of} {result.status} ({len(uploads)} file(s))")
                    flash(f"{verb} snapshot {as_of} with {len(report.warnings)} warning(s).", "ok")
                    return redirect(url_for("dashboard.index", snapshot=as_of))
                error = f"{len(report.errors)} error(s): nothing was loaded. Fix them and upload again."
                status = 422
            except _Unusable as exc:
                error, status = str(exc), 400
            except NetmapError as exc:
                error, status = str(exc), 422
        if error:
            log.warning("upload by %s refused: %s", g.user.name, error)
            audit("upload refused", error[:300])
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    return render_template("upload/index.html", form=form, problems=problems, error=error, limit=limit,
                           problems_csv=problems_csv), status


def _uploads(form: UploadForm) -> list[FileStorage]:
    """The files posted, once the form is whole: _Unusable naming what is missing (a post without files, with
    empty ones or without a date is a bad request, whatever sent it)."""
    if not form.validate():
        problems = "; ".join(f"{getattr(form, name).label.text}: {' '.join(errors)}" for name, errors in
                             form.errors.items())
        raise _Unusable(f"The upload could not be read ({problems}). Reload the page, choose the files and a "
                        "snapshot date, and upload again.")
    uploads = [f for f in form.files.data or [] if isinstance(f, FileStorage) and f.filename]
    if not uploads:
        raise _Unusable("Choose the files to upload: the CSV files of your trust, or one .xlsx workbook.")
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

