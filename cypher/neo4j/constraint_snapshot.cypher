// Neo4j: a node appears once per journey version (a touchpoint may share the journey's id,
// hence the type); a second writer of the same version fails instead of doubling it.
CREATE CONSTRAINT journeymap_snapshot IF NOT EXISTS
FOR (n:Snapshot) REQUIRE (n.journey, n.version, n.type, n.id) IS UNIQUE
