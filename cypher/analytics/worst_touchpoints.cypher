// Touchpoints worst by pain across all journeys (current versions).
// pain = importance × max(0, expectation − experience), the `pain` property the store writes;
// relative_pain = pain / the journey's scale range (0..10 when none), so maps on
// different scales compare; priority = reach × pain (pain delivered per entrant).
// Parameters: $limit (rows).
// default $limit = 10
MATCH (t:Touchpoint:Snapshot)
MATCH (j:Journey:Snapshot {journey: t.journey})
WITH t, j, coalesce(t.pain, 0.0) AS pain
WITH t, j, pain, pain / (coalesce(j.scale_max, 10.0) - coalesce(j.scale_min, 0.0)) AS relative_pain
WHERE pain > 0
RETURN t.journey AS journey, t.id AS touchpoint, t.name AS name, t.stage AS stage,
       t.channel AS channel, t.owner AS owner, pain, relative_pain,
       t.reach AS reach, t.reach * pain AS priority
ORDER BY relative_pain DESC, journey, touchpoint
LIMIT $limit
