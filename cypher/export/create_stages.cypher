MATCH (j:Journey {id: $journey})
UNWIND $stages AS stage
CREATE (j)-[:HAS_STAGE]->(s:Stage)
SET s = stage, s.journey = $journey
