// FalkorDB: look up a journey's version head by id.
CREATE INDEX FOR (h:JourneyHead) ON (h.journey)
