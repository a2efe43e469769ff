MATCH (j:Journey {id: $journey})
CREATE (j)-[:STARTS_AT]->(e:Entry)
SET e = $entry, e.journey = $journey
