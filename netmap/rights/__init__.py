"""People's rights over what netmap holds about them (UK GDPR articles 15, 17 and 21): a subject access export,
erasure, and exclusion from analysis after an objection. See docs/data-subject-rights.md.

Modules: people (one person's rows; a dataset without some people), export, erase, exclusion. Nothing is
re-exported here: the stores import netmap.rights.people, and the other modules import the stores.
"""
