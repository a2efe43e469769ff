// Neo4j: one version head per journey (MERGE on it then takes a lock).
CREATE CONSTRAINT journeymap_head IF NOT EXISTS
FOR (h:JourneyHead) REQUIRE h.journey IS UNIQUE
