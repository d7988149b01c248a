"""Imports awaiting confirmation (staff exports, group lists): each one's files in a folder of its own under the data
folder's pending-imports, owner-only, named by a random token and readable only by the admin who checked it; deleted
when confirmed or cancelled, and at the next use of an import page once an hour old."""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from flask import abort, current_app, g

from netmap import clock
from netmap.config import data_dir

__all__ = ["PENDING_SECONDS", "find_pending", "new_pending", "pending_root", "save_meta"]

PENDING_SECONDS = 3600
_TOKEN_LENGTH = 32


def pending_root() -> Path:
    """The folder of imports awaiting confirmation (owner-only), cleared of those older than an hour."""
    root = Path(current_app.config.get("NETMAP_PENDING_DIR") or data_dir() / "pending-imports")
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    for old in root.iterdir():  # an import never confirmed or cancelled is not kept past the hour
        if old.is_dir() and clock.now().timestamp() - old.stat().st_mtime > PENDING_SECONDS:
            shutil.rmtree(old, ignore_errors=True)
    return root


def new_pending() -> tuple[str, Path]:
    """A new token and its folder's path (not yet made: the caller makes it, owner-only, when it has files)."""
    token = secrets.token_urlsafe(24)
    return token, pending_root() / token


def save_meta(folder: Path, meta: dict[str, Any]) -> None:
    """Keep what the confirm step needs with the files, naming the admin who may confirm it."""
    (folder / "meta.json").write_text(json.dumps({**meta, "user": g.user.name}), encoding="utf-8")


def find_pending(token: str) -> tuple[Path, dict[str, Any]]:
    """The folder and details of the signed-in admin's import awaiting confirmation; 404 for any other token."""
    if len(token) != _TOKEN_LENGTH or not token.replace("-", "").replace("_", "").isalnum():
        abort(404)
    folder = pending_root() / token
    if not (folder / "meta.json").is_file():
        abort(404)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta["user"] != g.user.name:
        abort(404)
    return folder, meta
