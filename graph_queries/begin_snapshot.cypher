// Parameters: $snapshot_id, $as_of, $loaded_at, $source, $content_hash, $counts, $extra_columns, $owner
// A new load starts invisible to readers (status 'loading'), owned by the process writing it, with a heartbeat it
// renews after every batch: other loads remove only loads whose heartbeat stopped. MERGE makes a retry harmless.
MERGE (s:Snapshot {snapshot_id: $snapshot_id})
SET s.as_of = $as_of, s.status = 'loading', s.loaded_at = $loaded_at, s.source = $source,
    s.content_hash = $content_hash, s.counts = $counts, s.extra_columns = $extra_columns, s.owner = $owner,
    s.heartbeat = timestamp()
