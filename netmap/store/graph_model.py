"""The Neo4j graph model as data (docs/graph-model.md): what Neo4j's linter is told exists. It lives with the
store, not in graph_queries, so that graph_queries (the query files and their loader) depends on nothing."""

from __future__ import annotations

from netmap.contract import TABLES

__all__ = ["LABELS", "PROPERTY_KEYS", "RELATIONSHIP_TYPES"]

LABELS = ("Snapshot", "SnapshotDateLock", "School", "Staff", "Group", "TieKind", "AnalysisPart", "SurveyRound",
          "SurveyLink", "SurveyAnswer", "SurveySheet",
          "SurveyResponse",  # SurveyResponse: before answer sheets; converted on init_schema
          "Exclusion",  # a person excluded from analysis (an objection), outside any snapshot
          "Keyring")  # the key file people are sealed with (netmap.store.shredding)
RELATIONSHIP_TYPES = ("WORKS_AT", "MEMBER_OF", "COLLABORATES_WITH", "SECONDED_TO", "SURVEYED_IN")
_SNAPSHOT_KEYS = ("snapshot_id", "public_id", "as_of", "status", "loaded_at", "source", "content_hash", "counts",
                  "extra_columns", "owner", "heartbeat", "last_publisher", "thresholds")
# Contract columns are node and relationship properties, and the keys of the `row` maps loads UNWIND
# (Cypher reads a map key like a property, and so does the linter).
_ANALYSIS_KEYS = ("options_key", "payload")
# Survey rounds (netmap.store.survey_records): nodes of their own, outside any snapshot
_SURVEY_KEYS = ("round_id", "spec", "created_at", "snapshot_as_of", "digest", "expires_at", "revoked_at",
                "respondent", "question", "target", "saved_on", "submitted_on", "sheet", "version", "submitted_via",
                "has_draft", "draft_via", "answer_lock")
_EXCLUSION_KEYS = ("reason", "since")
# The keyring, and the row maps of converting a database written in clear (read_clear_people)
_SHREDDING_KEYS = ("keyring_id", "element_id", "sealed")
PROPERTY_KEYS = tuple(sorted({*_SNAPSHOT_KEYS, *_ANALYSIS_KEYS, *_SURVEY_KEYS, *_EXCLUSION_KEYS, *_SHREDDING_KEYS,
                              "row_no", "attributes", *(c.name for t in TABLES for c in t.columns)}))
