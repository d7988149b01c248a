// Parameters: none
// Converts a store written before snapshot ids (idempotent, run by init_schema): each complete snapshot, then the
// only one of its date, takes its date as its id, so every URL, scenario and command line naming it still works.
MATCH (s:Snapshot {status: 'complete'})
WHERE s.public_id IS NULL
SET s.public_id = s.as_of
