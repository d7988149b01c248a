// Parameters: $public_id
MATCH (s:Snapshot {public_id: $public_id, status: 'complete'})
RETURN s.thresholds AS thresholds
