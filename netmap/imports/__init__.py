"""Readers for files a trust already has, written out as netmap's own data files (docs/data-format.md)."""

from netmap.imports.gias import GiasSchools, read_gias, write_schools

__all__ = ["GiasSchools", "read_gias", "write_schools"]
