CREATE (j:Journey:JourneymapExport)
SET j = $properties, j.journey = $journey
