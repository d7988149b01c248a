// Parameters: $snapshot_id, $as_of, $loaded_at, $source, $content_hash, $counts, $extra_columns
// A new load starts invisible to readers (status 'loading'); MERGE makes a retried transaction harmless.
MERGE (s:Snapshot {snapshot_id: $snapshot_id})
SET s.as_of = $as_of, s.status = 'loading', s.loaded_at = $loaded_at, s.source = $source,
    s.content_hash = $content_hash, s.counts = $counts, s.extra_columns = $extra_columns
