// Neo4j: a node id appears once per journey version (a second writer of the same version fails).
CREATE CONSTRAINT journeymap_snapshot IF NOT EXISTS
FOR (n:Snapshot) REQUIRE (n.journey, n.version, n.id) IS UNIQUE
