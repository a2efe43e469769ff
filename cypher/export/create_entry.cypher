MATCH (j:Journey:JourneymapExport {journey: $journey})
CREATE (j)-[:STARTS_AT]->(e:Entry:JourneymapExport)
SET e = $entry, e.journey = $journey
