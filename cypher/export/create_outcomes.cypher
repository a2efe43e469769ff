UNWIND $outcomes AS outcome
CREATE (o:Outcome)
SET o = outcome, o.journey = $journey
