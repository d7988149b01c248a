// Parameters: $graph_name
// Connected components of the projected graph (weakly connected: it is undirected), by staff row_no.
CALL gds.wcc.stream($graph_name, {concurrency: 1})
YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).row_no AS row_no, componentId AS component
