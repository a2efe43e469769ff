MATCH (j:Journey:JourneymapExport {journey: $journey})
UNWIND $stages AS stage
CREATE (j)-[:HAS_STAGE]->(s:Stage:JourneymapExport)
SET s = stage, s.journey = $journey
