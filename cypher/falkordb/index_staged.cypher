// FalkorDB: find the staged nodes of one write.
CREATE INDEX FOR (n:Staged) ON (n.txn, n.id)
