// The current version of every live journey, ordered by id.
MATCH (j:Snapshot:Journey)  // not the :JourneymapExport nodes an export script may have made
RETURN j.id AS id, j.name AS name, j.version AS version, j.created_at AS updated_at
ORDER BY id
