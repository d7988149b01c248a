// Parameters: none
// The version of the Graph Data Science plugin on this server (fails when it is not installed).
CALL gds.version()
YIELD gdsVersion
RETURN gdsVersion AS version
