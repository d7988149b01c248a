// Parameters: none
MATCH (s:Snapshot {status: 'complete'})
RETURN s.snapshot_id AS snapshot_id, s.as_of AS as_of, s.loaded_at AS loaded_at, s.source AS source,
       s.content_hash AS content_hash, s.counts AS counts, s.extra_columns AS extra_columns
ORDER BY as_of
