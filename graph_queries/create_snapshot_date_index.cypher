// Parameters: none
// Readers find the complete snapshot of a date.
CREATE INDEX snapshot_date IF NOT EXISTS
FOR (s:Snapshot) ON (s.as_of, s.status)
