// Append the rest of long walks to the staged variants of one write (a walk too long for one
// FalkorDB request is staged in parts); each part is {index, nodes}, applied in order.
UNWIND $parts AS part
MATCH (v:Staged {txn: $txn, type: 'variant', index: part.index})
SET v.nodes = v.nodes + part.nodes
RETURN count(v) AS staged
