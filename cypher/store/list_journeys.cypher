// The current version of every live journey, ordered by id.
MATCH (j:Journey)
RETURN j.id AS id, j.name AS name, j.version AS version, j.created_at AS updated_at
ORDER BY id
