"""A tiny trust whose ids are the ones that broke pages and maps: "/" inside an id (a route separator) and
JavaScript's own property names ("__proto__", "constructor", "toString") as school and staff ids."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import TINY

SCHOOLS = {"OAK": "__proto__", "ELM": "constructor", "ASH": "toString"}
STAFF = {"S3": "S/3", "S5": "hasOwnProperty"}


def hostile_id_trust(folder: Path) -> Path:
    """tests/data/tiny with its ids renamed as above, written to `folder`."""
    shutil.copytree(TINY, folder)
    renames = {**SCHOOLS, **STAFF}
    pattern = re.compile(r"(?<![\w/])(" + "|".join(renames) + r")(?![\w/])")
    for path in folder.glob("*.csv"):
        path.write_text(pattern.sub(lambda m: renames[m.group(1)], path.read_text(encoding="utf-8")),
                        encoding="utf-8")
    return folder
