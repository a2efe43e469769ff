// Link each staged touchpoint of one write to its staged stage.
MATCH (t:Staged {txn: $txn, type: 'touchpoint'})
MATCH (s:Staged {txn: $txn, type: 'stage', id: t.stage})
CREATE (t)-[r:IN_STAGE]->(s)
RETURN count(r) AS staged
