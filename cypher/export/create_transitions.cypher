UNWIND $transitions AS transition
MATCH (a:JourneymapExport {journey: $journey, id: transition.source}),
      (b:JourneymapExport {journey: $journey, id: transition.target})
WHERE NOT a:Stage AND NOT b:Stage AND NOT a:Journey AND NOT b:Journey
CREATE (a)-[r:NEXT]->(b)
SET r = transition.properties
