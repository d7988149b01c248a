// Parameters: $graph_name
// Drop a projection from Graph Data Science's catalog; nothing when it is not there (e.g. projecting failed).
CALL gds.graph.drop($graph_name, false)
YIELD graphName
RETURN graphName
