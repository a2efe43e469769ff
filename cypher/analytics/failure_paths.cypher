// The most probable paths from entry to a failure outcome of one journey (current version),
// computed in the database: probability = product of NEXT.p (the normalised share) along the
// path; customers = entrants × probability; pain = sum of the pains of its touchpoints (the
// `pain` property the store writes).
// Paths never repeat a node, only use transitions customers take (NEXT.p > 0: a zero-count
// transition is no path, as in the engine) and have at most $max_steps steps (this file caps it at 12).
// Parameters: $journey (id), $max_steps, $k (rows).
// default $max_steps = 12
// default $k = 5
MATCH (e:Entry:Snapshot {journey: $journey})
MATCH path = (e)-[:NEXT*1..12]->(o:Outcome {journey: $journey, kind: 'failure'})
WHERE length(path) <= $max_steps AND all(r IN relationships(path) WHERE r.p > 0)
WITH e, o, path, [n IN nodes(path) | n.id] AS ids
WHERE all(i IN range(0, size(ids) - 1) WHERE NOT ids[i] IN ids[i + 1..])
WITH e, o, ids, nodes(path) AS steps,
     reduce(p = 1.0, r IN relationships(path) | p * r.p) AS probability
WITH e, o, ids, probability,
     reduce(s = 0.0, n IN steps | s + coalesce(n.pain, 0.0)) AS pain
RETURN ids AS nodes, o.id AS outcome, probability, e.entrants * probability AS customers,
       pain, probability * pain AS pain_mass
ORDER BY probability DESC, nodes
LIMIT $k
