// Touchpoints shared by several journeys: the same channel, owner and name (compared trimmed and
// case-blind) in at least $min_journeys journeys (current versions), with their pain in each.
// Parameters: $min_journeys (2 or more).
// default $min_journeys = 2
MATCH (t:Touchpoint:Snapshot)
WITH toLower(trim(coalesce(t.channel, ''))) AS channel, toLower(trim(coalesce(t.owner, ''))) AS owner,
     toLower(trim(t.name)) AS name, t, coalesce(t.pain, 0.0) AS pain
WITH channel, owner, name, collect(DISTINCT t.journey) AS journeys,
     collect({journey: t.journey, touchpoint: t.id, pain: pain}) AS touchpoints, sum(pain) AS total_pain
WHERE size(journeys) >= $min_journeys
RETURN channel, owner, name, size(journeys) AS journey_count, journeys, touchpoints, total_pain
ORDER BY journey_count DESC, total_pain DESC, channel, owner, name
