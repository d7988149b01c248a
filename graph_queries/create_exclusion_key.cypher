// Parameters: none
// One exclusion from analysis per person.
CREATE CONSTRAINT exclusion_key IF NOT EXISTS
FOR (e:Exclusion) REQUIRE e.staff_id IS UNIQUE
