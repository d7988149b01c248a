// Parameters: none
// Everything written of people before crypto-shredding, to be sealed once (netmap.store.shredding.GRAPH_RULES):
// their nodes, and the relationships from them with the staff id of the person they start from.
MATCH (n)
WHERE n:Staff OR n:SurveyLink OR n:SurveySheet OR n:SurveyAnswer OR n:Exclusion
RETURN elementId(n) AS element_id, labels(n)[0] AS kind, properties(n) AS held, null AS owner, true AS node
UNION ALL
MATCH (p:Staff)-[r:MEMBER_OF|COLLABORATES_WITH|SECONDED_TO|SURVEYED_IN]->()
RETURN elementId(r) AS element_id, type(r) AS kind, properties(r) AS held, p.staff_id AS owner, false AS node
