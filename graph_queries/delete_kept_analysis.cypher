// Parameters: $public_id, $content_hash, $options_key
// Drops the parts of one kept analysis before it is written again, so a rewrite cut short leaves no meta (reads
// then find no analysis) rather than an old meta over a mixture of old and new parts.
MATCH (snap:Snapshot {content_hash: $content_hash, status: 'complete'})
WHERE coalesce(snap.public_id, snap.as_of) = $public_id
MATCH (p:AnalysisPart {snapshot_id: snap.snapshot_id, options_key: $options_key})
DELETE p
