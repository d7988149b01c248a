// Parameters: none
// Converting a database written in clear: every kept analysis goes (it lists names in clear); each is computed
// again, and kept encrypted, when next needed.
MATCH (p:AnalysisPart)
DELETE p
