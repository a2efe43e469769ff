// Link the staged journey node of one write to its staged observed variants.
MATCH (j:Staged {txn: $txn, type: 'journey'})
MATCH (v:Staged {txn: $txn, type: 'variant'})
CREATE (j)-[r:HAS_VARIANT]->(v)
RETURN count(r) AS staged
