// Parameters: none
// A snapshot's identity is public_id; one written before ids existed has none until init_schema's
// set_snapshot_ids gives it its date, so its date stands in meanwhile.
MATCH (s:Snapshot {status: 'complete'})
RETURN s.snapshot_id AS snapshot_id, coalesce(s.public_id, s.as_of) AS public_id, s.as_of AS as_of,
       s.loaded_at AS loaded_at, s.source AS source, s.content_hash AS content_hash, s.counts AS counts,
       s.extra_columns AS extra_columns
ORDER BY as_of, loaded_at, public_id
