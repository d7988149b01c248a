// Parameters: none
// The keyring (key file) this database's people are sealed with, and whether it holds people written in clear,
// before crypto-shredding (netmap.store.shredding): the store converts those once.
OPTIONAL MATCH (k:Keyring)
RETURN k.keyring_id AS keyring_id,
       k IS NULL AND EXISTS { MATCH (n) WHERE n:Staff OR n:SurveyLink OR n:SurveySheet OR n:SurveyAnswer OR n:Exclusion }
       AS in_clear
