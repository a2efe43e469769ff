// Stage a batch of NEXT relationships between the staged nodes of one write.
UNWIND $transitions AS step
MATCH (a:Staged {txn: $txn, id: step.from})
WHERE a.type IN ['entry', 'touchpoint']
MATCH (b:Staged {txn: $txn, id: step.to})
WHERE b.type IN ['touchpoint', 'outcome']
CREATE (a)-[r:NEXT]->(b)
SET r += step.properties
RETURN count(r) AS staged
