// Parameters: $links
UNWIND $links AS link
CREATE (:SurveyLink {digest: link.digest, round_id: link.round_id, staff_id: link.staff_id,
                     expires_at: link.expires_at, revoked_at: link.revoked_at})
