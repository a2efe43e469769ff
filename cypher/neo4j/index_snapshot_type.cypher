// Neo4j: find a journey's version list quickly.
CREATE INDEX journeymap_snapshot_type IF NOT EXISTS
FOR (n:Snapshot) ON (n.journey, n.type)
