// Parameters: $graph_name, $seed
// Leiden communities (a refined Louvain; modularity at resolution 1 over the whole graph) for one random seed,
// single-threaded so that a seed repeats its result, by staff row_no.
CALL gds.leiden.stream($graph_name, {randomSeed: $seed, concurrency: 1})
YIELD nodeId, communityId
RETURN gds.util.asNode(nodeId).row_no AS row_no, communityId AS community
