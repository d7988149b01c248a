// Parameters: $keyring_id
// Records the key file the database's people are sealed with; a database that has one keeps it.
MERGE (k:Keyring)
ON CREATE SET k.keyring_id = $keyring_id
RETURN k.keyring_id AS keyring_id
