// Parameters: none
// Loads that failed part-way ('loading') or were replaced ('superseded'): their data can go.
MATCH (s:Snapshot)
WHERE s.status IN ['loading', 'superseded']
RETURN s.snapshot_id AS snapshot_id
