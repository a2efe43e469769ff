// Stage a batch of nodes of a journey version being written: label :Staged only, tagged with
// the write's $txn, invisible to every read until store/publish_version makes them current.
UNWIND $nodes AS node
CREATE (n:Staged {txn: $txn, journey: $journey, staged_at: $now})
SET n += node
RETURN count(n) AS staged
