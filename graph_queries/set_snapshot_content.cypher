// Parameters: $snapshot_id, $content_hash, $counts
// A snapshot rewritten in place (a person erased from it): its new content hash and counts.
MATCH (s:Snapshot {snapshot_id: $snapshot_id})
SET s.content_hash = $content_hash, s.counts = $counts
