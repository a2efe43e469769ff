// Every readable version of a live journey, oldest first.
MATCH (h:JourneyHead {journey: $journey})
WHERE h.current > 0
MATCH (j:Snapshot {journey: $journey, type: 'journey'})
RETURN j.version AS version, j.created_at AS created_at
ORDER BY version
