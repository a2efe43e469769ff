// Neo4j: the constraints and indexes in place, by name.
SHOW INDEXES YIELD name
RETURN name
