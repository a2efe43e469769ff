// Make the staged nodes of write $txn the new current version of a journey, in ONE statement
// (atomic even where rollback is a no-op, as on FalkorDB). Refused (returns version = null,
// changes nothing) unless the journey is at $expected (0 = must not exist; null = any).
// The superseded version keeps only :Snapshot, so the domain labels always mean "current".
OPTIONAL MATCH (h:JourneyHead {journey: $journey})
SET h.journey = $journey
WITH coalesce(h.current, 0) AS current, coalesce(h.last, 0) AS last
WHERE $expected IS NULL OR current = $expected
MERGE (head:JourneyHead {journey: $journey})
ON CREATE SET head.current = 0, head.last = 0
WITH head, current, last
WHERE head.last = last
SET head.current = last + 1, head.last = last + 1, head.updated_at = $now
WITH current, last + 1 AS version
OPTIONAL MATCH (old:Snapshot {journey: $journey, version: current})
REMOVE old:Journey, old:Entry, old:Stage, old:Touchpoint, old:Outcome, old:Persona, old:Opportunity, old:Variant
WITH DISTINCT version
MATCH (n:Staged {txn: $txn})
SET n:Snapshot, n.version = version, n.created_at = $now, n.txn = null, n.staged_at = null
REMOVE n:Staged
FOREACH (_ IN CASE WHEN n.type = 'journey' THEN [1] ELSE [] END | SET n:Journey)
FOREACH (_ IN CASE WHEN n.type = 'entry' THEN [1] ELSE [] END | SET n:Entry)
FOREACH (_ IN CASE WHEN n.type = 'stage' THEN [1] ELSE [] END | SET n:Stage)
FOREACH (_ IN CASE WHEN n.type = 'touchpoint' THEN [1] ELSE [] END | SET n:Touchpoint)
FOREACH (_ IN CASE WHEN n.type = 'outcome' THEN [1] ELSE [] END | SET n:Outcome)
FOREACH (_ IN CASE WHEN n.type = 'persona' THEN [1] ELSE [] END | SET n:Persona)
FOREACH (_ IN CASE WHEN n.type = 'opportunity' THEN [1] ELSE [] END | SET n:Opportunity)
FOREACH (_ IN CASE WHEN n.type = 'variant' THEN [1] ELSE [] END | SET n:Variant)
RETURN max(version) AS version, count(n) AS nodes
