// Every node of one version of a live journey ($version null = the current one), each with its NEXT steps.
MATCH (h:JourneyHead {journey: $journey})
WHERE h.current > 0
WITH coalesce($version, h.current) AS wanted
MATCH (n:Snapshot {journey: $journey, version: wanted})
OPTIONAL MATCH (n)-[r:NEXT]->(m:Snapshot)
RETURN n.type AS type, properties(n) AS node,
       collect(CASE WHEN r IS NULL THEN null ELSE {to: m.id, properties: properties(r)} END) AS next
