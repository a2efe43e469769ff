// Neo4j: read one journey version's nodes quickly.
CREATE INDEX journeymap_snapshot_version IF NOT EXISTS
FOR (n:Snapshot) ON (n.journey, n.version)
