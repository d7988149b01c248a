// Parameters: $graph_name
// Each person's number of distinct collaborators (degree of the undirected projection), by staff row_no.
CALL gds.degree.stream($graph_name)
YIELD nodeId, score
RETURN gds.util.asNode(nodeId).row_no AS row_no, toInteger(score) AS degree
