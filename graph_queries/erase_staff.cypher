// Parameters: $staff_id
// A person erased: their staff node in every snapshot (complete or not), with every relationship to or from it
// (works at, memberships, ties both ways, secondments, survey responses).
MATCH (p:Staff {staff_id: $staff_id})
DETACH DELETE p
