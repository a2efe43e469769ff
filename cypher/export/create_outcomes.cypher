UNWIND $outcomes AS outcome
CREATE (o:Outcome:JourneymapExport)
SET o = outcome, o.journey = $journey
