// Flows across the stage hand-offs pre_sale -> sale -> after_sale (current versions): at each
// seam, the expected customers leaving the earlier phase's touchpoints (NEXT.flow = entrants ×
// reach × p), those handed over to the next phase, those lost (left but not handed over), and of
// these the ones ending in a failure or success outcome on the spot.
// Parameters: $journey (id, or null for every journey).
// default $journey = null
UNWIND [['pre_sale', 'sale'], ['sale', 'after_sale']] AS seam
MATCH (a:Touchpoint:Snapshot)-[:IN_STAGE]->(:Stage {phase: seam[0]})
WHERE $journey IS NULL OR a.journey = $journey
MATCH (a)-[r:NEXT]->(b)
OPTIONAL MATCH (b)-[:IN_STAGE]->(sb:Stage)
WITH a.journey AS journey, seam, r, b, coalesce(sb.phase, b.type) AS next_phase
WHERE next_phase <> seam[0]
WITH journey, seam[0] AS from_phase, seam[1] AS to_phase,
     sum(r.flow) AS leaving,
     sum(CASE WHEN next_phase = seam[1] THEN r.flow ELSE 0.0 END) AS handed_over,
     sum(CASE WHEN b.type = 'outcome' AND b.kind = 'failure' THEN r.flow ELSE 0.0 END) AS to_failure,
     sum(CASE WHEN b.type = 'outcome' AND b.kind = 'success' THEN r.flow ELSE 0.0 END) AS to_success
RETURN journey, from_phase, to_phase, leaving, handed_over, leaving - handed_over AS lost,
       to_failure, to_success
ORDER BY journey, from_phase
