// Remove an earlier export of the journey so the script can be run again. Only nodes
// this script made (label :JourneymapExport) are touched, never a journeymap store's own.
MATCH (n:JourneymapExport {journey: $journey})
DETACH DELETE n
