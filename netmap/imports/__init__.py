"""Data in as trusts hold it: the DfE's register of schools (GIAS) written out as netmap's schools file, staff from
MIS and HR exports through column mappings, group memberships from distribution lists, and what changed since the
last snapshot."""

from netmap.imports.gias import GiasSchools, read_gias, write_schools
from netmap.imports.mapping import FIELDS, StaffMapping, find_mapping, save_mapping, suggest_columns
from netmap.imports.staff import StaffExport, next_dataset, read_staff_export
from netmap.imports.term import StaffChanges, staff_changes

__all__ = ["FIELDS", "GiasSchools", "StaffChanges", "StaffExport", "StaffMapping", "find_mapping", "next_dataset",
           "read_gias", "read_staff_export", "save_mapping", "staff_changes", "suggest_columns", "write_schools"]
