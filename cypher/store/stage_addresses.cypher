// Link each staged opportunity of one write to the staged touchpoints it changes.
MATCH (o:Staged {txn: $txn, type: 'opportunity'})
UNWIND o.touchpoints AS touchpoint
MATCH (t:Staged {txn: $txn, type: 'touchpoint', id: touchpoint})
CREATE (o)-[r:ADDRESSES]->(t)
RETURN count(r) AS staged
