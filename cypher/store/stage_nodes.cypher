// Stage a batch of nodes of a journey version being written: label :Staged only, tagged with
// the write's $txn, invisible to every read until store/publish_version makes them current.
// Each node is {props: texts and integers, num: floats as [m, e] pairs, value = m * 2^e}
// (exact on every server; FalkorDB's Bolt endpoint rounds float parameters to six decimals).
UNWIND $nodes AS node
CREATE (n:Staged {txn: $txn, journey: $journey, staged_at: $now})
SET n += node.props
SET n.experience = node.num.experience[0] * 2.0 ^ node.num.experience[1],
    n.expectation = node.num.expectation[0] * 2.0 ^ node.num.expectation[1],
    n.importance = node.num.importance[0] * 2.0 ^ node.num.importance[1],
    n.ideal = node.num.ideal[0] * 2.0 ^ node.num.ideal[1],
    n.reach = node.num.reach[0] * 2.0 ^ node.num.reach[1],
    n.pain = node.num.pain[0] * 2.0 ^ node.num.pain[1],
    n.entrants = node.num.entrants[0] * 2.0 ^ node.num.entrants[1],
    n.scale_min = node.num.scale_min[0] * 2.0 ^ node.num.scale_min[1],
    n.scale_max = node.num.scale_max[0] * 2.0 ^ node.num.scale_max[1],
    n.customer_value = node.num.customer_value[0] * 2.0 ^ node.num.customer_value[1],
    n.business_value = node.num.business_value[0] * 2.0 ^ node.num.business_value[1],
    n.effort = node.num.effort[0] * 2.0 ^ node.num.effort[1],
    n.customers = node.num.customers[0] * 2.0 ^ node.num.customers[1]
RETURN count(n) AS staged
