// Stage a batch of NEXT relationships between the staged nodes of one write; each step is
// {from, to, props: integers, num: floats as [m, e] pairs} (see stage_nodes).
UNWIND $transitions AS step
MATCH (a:Staged {txn: $txn, id: step.from})
WHERE a.type IN ['entry', 'touchpoint']
MATCH (b:Staged {txn: $txn, id: step.to})
WHERE b.type IN ['touchpoint', 'outcome']
CREATE (a)-[r:NEXT]->(b)
SET r += step.props
SET r.customers = step.num.customers[0] * 2.0 ^ step.num.customers[1],
    r.share = step.num.share[0] * 2.0 ^ step.num.share[1],
    r.p = step.num.p[0] * 2.0 ^ step.num.p[1],
    r.flow = step.num.flow[0] * 2.0 ^ step.num.flow[1]
RETURN count(r) AS staged
