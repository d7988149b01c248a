// Parameters: $as_of
// Hides a date's snapshot from readers; its data is then deleted in batches like any superseded load.
MATCH (s:Snapshot {as_of: $as_of, status: 'complete'})
SET s.status = 'superseded'
RETURN count(s) AS retired
