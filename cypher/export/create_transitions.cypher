UNWIND $transitions AS transition
MATCH (a {journey: $journey, id: transition.source}), (b {journey: $journey, id: transition.target})
WHERE NOT a:Stage AND NOT b:Stage
CREATE (a)-[r:NEXT]->(b)
SET r = transition.properties
