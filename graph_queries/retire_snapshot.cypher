// Parameters: $public_id
// Hides a snapshot from readers; its data is then deleted in batches like any superseded load.
MATCH (s:Snapshot {status: 'complete'})
WHERE coalesce(s.public_id, s.as_of) = $public_id
SET s.status = 'superseded'
RETURN count(s) AS retired
