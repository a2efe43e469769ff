// Remove an earlier copy of the journey so the script can be run again.
MATCH (n)
WHERE n.journey = $journey OR (n:Journey AND n.id = $journey)
DETACH DELETE n
