// Parameters: $rows
// Converting a database written in clear: each relationship's person properties replaced by their sealed values.
UNWIND $rows AS row
MATCH ()-[r]->()
WHERE elementId(r) = row.element_id
SET r += row.sealed
