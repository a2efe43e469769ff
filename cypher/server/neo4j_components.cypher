// Name, version and edition of a Neo4j server (FalkorDB has no such procedure).
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
