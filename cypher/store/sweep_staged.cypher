// Remove staged nodes left behind by writers that died before publishing (staged before $before).
MATCH (n:Staged)
WHERE n.staged_at < $before
DETACH DELETE n
RETURN count(*) AS swept
