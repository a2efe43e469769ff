// FalkorDB: the indexes in place (label and properties).
CALL db.indexes() YIELD label, properties
RETURN label, properties
