UNWIND $touchpoints AS touchpoint
MATCH (s:Stage:JourneymapExport {journey: $journey, id: touchpoint.stage})
CREATE (t:Touchpoint:JourneymapExport)-[:IN_STAGE]->(s)
SET t = touchpoint, t.journey = $journey
