// FalkorDB: look up one journey version's nodes (FalkorDB has no constraints).
CREATE INDEX FOR (n:Snapshot) ON (n.journey, n.version, n.id, n.type)
