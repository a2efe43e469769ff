// The version bookkeeping of one journey: current (0 once deleted) and last version ever given.
MATCH (h:JourneyHead {journey: $journey})
RETURN h.current AS current, h.last AS last
