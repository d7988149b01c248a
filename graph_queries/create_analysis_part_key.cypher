// Parameters: none
// One AnalysisPart node per snapshot, analysis options and part name.
CREATE CONSTRAINT analysis_part_key IF NOT EXISTS
FOR (p:AnalysisPart) REQUIRE (p.snapshot_id, p.options_key, p.name) IS UNIQUE
