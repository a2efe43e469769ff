// Remove every version of a live journey in ONE statement, unless it is not at $expected
// (null = unconditional); returns deleted = 0 and writes nothing when refused or absent.
// The head node stays (current = 0) so version numbers are never reused.
// (MATCH, not OPTIONAL MATCH: FalkorDB fails on SET after an OPTIONAL MATCH filtered to nothing.)
MATCH (h:JourneyHead {journey: $journey})
SET h.journey = $journey
WITH h
WHERE h.current > 0 AND ($expected IS NULL OR h.current = $expected)
SET h.current = 0, h.updated_at = $now
WITH h
OPTIONAL MATCH (n:Snapshot {journey: $journey})
DETACH DELETE n
RETURN count(DISTINCT h) AS deleted
