// Parameters: $stale_after_ms
// Replaced loads ('superseded'), and loads whose heartbeat stopped more than $stale_after_ms ago (their process
// failed or was killed): their data can go. A load still beating belongs to a live process and is left alone.
MATCH (s:Snapshot)
WHERE s.status = 'superseded'
   OR (s.status = 'loading' AND coalesce(s.heartbeat, 0) < timestamp() - $stale_after_ms)
RETURN s.snapshot_id AS snapshot_id
