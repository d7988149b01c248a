"""Imports awaiting confirmation (staff exports, group lists): each one's files in a folder of its own under the data
folder's pending-imports, owner-only, named by a random token and readable only by the admin who checked it; deleted
when confirmed or cancelled, and at the next use of an import page once an hour old. A second click on Confirm or
Cancel waits for the first and gets the same answer: never a second write, never an error page."""

from __future__ import annotations

import json
import logging
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from flask import abort, current_app, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from netmap import clock
from netmap.config import data_dir
from netmap.dataset import Dataset
from netmap.ingest.report import ValidationReport
from netmap.store import SnapshotInfo
from webapp.auth import audit
from webapp.data import get_store

__all__ = ["PENDING_SECONDS", "Planned", "confirm_pending", "kept_until_checked", "new_pending",
           "pending_root", "refusal", "save_meta"]

log = logging.getLogger(__name__)
PENDING_SECONDS = 3600
_TOKEN_LENGTH = 32
_CONFIRMING = threading.Lock()  # one confirmation at a time: a double click's second request waits for the first


def pending_root() -> Path:
    """The folder of imports awaiting confirmation (owner-only), cleared of those older than an hour."""
    root = Path(current_app.config.get("NETMAP_PENDING_DIR") or data_dir() / "pending-imports")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for old in root.iterdir():  # an import never confirmed or cancelled is not kept past the hour, nor an outcome
        if clock.now().timestamp() - old.stat().st_mtime > PENDING_SECONDS:
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            else:
                old.unlink(missing_ok=True)
    return root


def new_pending() -> tuple[str, Path]:
    """A new token and its folder's path (not yet made: the caller makes it, owner-only, when it has files)."""
    token = secrets.token_urlsafe(24)
    return token, pending_root() / token


def save_meta(folder: Path, meta: dict[str, Any]) -> None:
    """Keep what the confirm step needs with the files, naming the admin who may confirm it."""
    (folder / "meta.json").write_text(json.dumps({**meta, "user": g.user.name}), encoding="utf-8")


def _find_pending(token: str) -> tuple[Path, dict[str, Any]] | None:
    """The folder and details of the signed-in admin's import awaiting confirmation, None when it was already
    confirmed or cancelled; 404 for a token that is not well formed."""
    if len(token) != _TOKEN_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        abort(404)
    folder = pending_root() / token
    if not (folder / "meta.json").is_file():
        return None
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["user"] != g.user.name:
        abort(404)
    return folder, meta


def _answered(token: str, action: str) -> Response:
    """The answer an import's first Confirm or Cancel got, given again to the same admin's second click of the same
    button (a double click); 404 for anyone else, another button, or a token never checked."""
    done = pending_root() / f"{token}.done.json"
    outcome = json.loads(done.read_text(encoding="utf-8")) if done.is_file() else {}
    if outcome.get("user") != g.user.name or outcome.get("action") != action:
        abort(404)
    flash(outcome["message"], outcome["category"])
    return redirect(outcome["location"])


def _answer(token: str, action: str, message: str, category: str, location: str) -> Response:
    """Flash `message`, redirect to `location`, and keep both (an hour) for a second click of the same button."""
    outcome = {"user": g.user.name, "action": action, "message": message, "category": category,
               "location": location}
    (pending_root() / f"{token}.done.json").write_text(json.dumps(outcome), encoding="utf-8")
    flash(message, category)
    return redirect(location)


class Planned(Protocol):
    """What the confirm pages need of a planned import (netmap.imports.plan's StaffImport and GroupImport)."""

    dataset: Dataset | None
    as_of: str
    report: ValidationReport
    replace: str | None
    in_the_way: tuple[SnapshotInfo, ...]

    @property
    def label(self) -> str: ...


P = TypeVar("P", bound=Planned)


def refusal(plan: Planned, fix: str) -> str:
    """Why a checked import cannot wait for confirmation ("" when it can): its errors, or a snapshot in its way."""
    if plan.dataset is None:
        return f"{len(plan.report.errors)} error(s): nothing was stored. {fix}"
    if plan.in_the_way:
        return (f"Snapshot {plan.in_the_way[0].snapshot_id} is stored on {plan.as_of}, and this import was not built "
                "on it. Choose another date.")
    return ""


@contextmanager
def kept_until_checked(folder: Path) -> Iterator[None]:
    """Delete an import's pending folder when checking it fails in any way: no copy of its files is left behind."""
    try:
        yield
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def confirm_pending(token: str, page: str, plan_again: Callable[[Path, dict[str, Any]], P], changed: str,
                    stored: Callable[[P], str]) -> Response:
    """The confirm page's answer to the signed-in admin's pending import `token`: cancelled, or planned again from
    its folder and stored if it still builds what the admin checked (else flash `changed` and go back to `page`),
    audited, then the dashboard of the snapshot written. Either way its folder is deleted."""
    action = "confirm" if request.form.get("action") == "confirm" else "cancel"
    with _CONFIRMING:
        found = _find_pending(token)
        if found is None:
            return _answered(token, action)
        folder, meta = found
        try:
            if action != "confirm":
                return _answer(token, action, "Cancelled: nothing was stored.", "ok", url_for(page))
            plan = plan_again(folder, meta)
            if plan.dataset is None or plan.dataset.content_hash() != meta["hash"]:
                return _answer(token, action, changed, "error", url_for(page))
            result = get_store().write_snapshot(plan.dataset, plan.as_of, source=plan.label, replace=plan.replace)
            written = result.snapshot.snapshot_id
            log.info("snapshot %s %s by %s through %s", written, result.status, g.user.name, page)
            audit("upload", f"snapshot {written} {result.status} from {plan.label}")
            return _answer(token, action, f"Stored snapshot {written} from {stored(plan)}.", "ok",
                           url_for("dashboard.index", snapshot=written))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
