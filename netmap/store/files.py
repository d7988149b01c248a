"""Store files readable by their owner only: they hold named data about employees."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["create_private_file"]


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 (and its missing folders 0700) unless it exists; SQLite then creates its
    journal files with the same mode as the database file."""
    if path.exists():
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # created by another process meanwhile: theirs stands
        pass
