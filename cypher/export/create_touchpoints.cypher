UNWIND $touchpoints AS touchpoint
MATCH (s:Stage {journey: $journey, id: touchpoint.stage})
CREATE (t:Touchpoint)-[:IN_STAGE]->(s)
SET t = touchpoint, t.journey = $journey
