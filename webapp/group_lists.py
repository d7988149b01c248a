"""Group lists (admin): memberships from a distribution list or Teams membership export per group, matched to staff
by email; the confirm page shows each group's joiners, leavers and unmatched lines (with the closest staff names)
before anything is stored, as `netmap import groups` does on the command line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.utils import secure_filename

from netmap import clock
from netmap.contract import GROUP_KINDS
from netmap.errors import NetmapError
from netmap.imports.plan import GroupImport, plan_group_import
from webapp.data import get_store
from webapp.pending import confirm_pending, kept_until_checked, new_pending, refusal, save_meta

bp = Blueprint("group_lists", __name__, url_prefix="/group-lists")


def _lists(folder: Path) -> list[Path]:
    """The lists kept in a pending import's folder, in the order they were chosen (one sub-folder each, so that
    two files of the same name stay apart)."""
    subs = sorted((p for p in folder.iterdir() if p.is_dir()), key=lambda p: int(p.name))
    return [next(sub.iterdir()) for sub in subs]


def _file_name(sent: str, number: int) -> str:
    """The list's file name as the trust chose it ("Maths community.txt": it names the group and every message),
    kept safe by its folder of its own; one that could leave that folder is replaced by a safe one."""
    name = sent.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in ("", ".", "..") or "\x00" in name or len(name) > 200:
        return secure_filename(sent) or f"list-{number}.txt"
    return name


def _groups() -> list[tuple[str, str]]:
    """The latest snapshot's groups (id, name), for the page's note on naming the files; none before a snapshot."""
    store = get_store()
    if not store.list_snapshots():
        return []
    groups = store.read_table(store.snapshot(None).snapshot_id, "groups")
    return sorted(zip(map(str, groups["group_id"]), map(str, groups["name"]), strict=True))


@bp.route("/", methods=["GET", "POST"])
def index() -> Any:
    """Upload one list per group; the confirm page shows what changes; nothing is stored yet."""
    plan: GroupImport | None = None
    error, token = "", ""
    kind = request.form.get("kind") or None
    if request.method == "POST":
        token, pending = new_pending()
        try:
            with kept_until_checked(pending):
                uploads = [f for f in request.files.getlist("lists") if f.filename]
                if not uploads:
                    raise NetmapError("Choose the group lists first: one file per group, named by the group.")
                pending.mkdir(mode=0o700)
                for number, upload in enumerate(uploads):
                    (pending / str(number)).mkdir(mode=0o700)
                    path = pending / str(number) / _file_name(upload.filename or "", number)
                    upload.save(path)
                    path.chmod(0o600)  # members' emails, until confirmed or cancelled: their owner's eyes only
                as_of = request.form.get("as_of") or clock.today().isoformat()
                plan = plan_group_import(get_store(), _lists(pending), as_of=as_of, kind=kind)
                error = refusal(plan, "Fix them and import again.")
                if error or plan.dataset is None:
                    shutil.rmtree(pending, ignore_errors=True)
                else:
                    save_meta(pending, {"as_of": plan.as_of, "kind": kind, "hash": plan.dataset.content_hash()})
        except NetmapError as exc:
            error = str(exc)
    return render_template("group_lists/index.html", plan=plan, error=error, token="" if error else token,
                           kinds=GROUP_KINDS,
                           kind=kind, today=clock.today().isoformat(), groups=_groups()), 422 if error else 200


@bp.route("/<token>", methods=["POST"])
def confirm(token: str) -> Any:
    """Store the import shown on the confirm page, or cancel it; either way its files are deleted."""
    return confirm_pending(
        token, "group_lists.index",
        lambda folder, meta: plan_group_import(get_store(), _lists(folder), as_of=meta["as_of"], kind=meta["kind"]),
        "The trust's data changed since these lists were checked: nothing was stored. Import them again to see what "
        "they change now.",
        lambda plan: f"{len(plan.lists)} group list(s)")
