// Parameters: $rows
// Converting a database written in clear: each node's person properties replaced by their sealed values.
UNWIND $rows AS row
MATCH (n)
WHERE elementId(n) = row.element_id
SET n += row.sealed
