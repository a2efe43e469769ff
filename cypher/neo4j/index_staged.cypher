// Neo4j: find the staged nodes of one write.
CREATE INDEX journeymap_staged IF NOT EXISTS
FOR (n:Staged) ON (n.txn)
