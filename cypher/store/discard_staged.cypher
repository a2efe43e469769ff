// Remove the staged nodes of one write that was refused or failed.
MATCH (n:Staged {txn: $txn})
DETACH DELETE n
RETURN count(*) AS discarded
