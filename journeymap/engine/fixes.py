"""The fix list: the journey's opportunities ranked by value recovered per unit of effort.

For an opportunity, the touchpoints it changes that fall short of their expectation
(experience < expectation) are the shortfalls it would close. Its figures:

* ``value_recovered`` = Σ over those touchpoints of their ``value_at_stake``
  (``journeymap.engine.economics``): the customers lost attributed to them and the word
  of mouth their shortfalls are charged with, valued at V̄ — what the journey charges
  to the shortfalls the fix closes;
* ``whatif_value_change`` = the exact what-if of raising those touchpoints' experience to
  their expectation: the change in ``net_value`` (value won − value at stake), with the
  outcomes whose verdict changes. A verdict is all-or-nothing per outcome, so this is 0
  until a fix turns an outcome's customers round — shown beside the rule, not ranked on;
* ``value_per_effort`` = value_recovered / effort (None when the effort is 0 or not given).

Ranking: opportunities with effort 0 first, then by ``value_per_effort`` descending, then
those without an effort; ties by value recovered descending, then id.

>>> from journeymap.files import load_journey
>>> doc = fixes(load_journey("fixtures/mei-su-electronics.yaml"))
>>> [(f["rank"], f["opportunity"]) for f in doc["fixes"]]
[(1, 'more_shops'), (2, 'wider_range')]
"""

from __future__ import annotations

from typing import Any

from journeymap.engine.compiled import analyze_chain, compile_journey
from journeymap.engine.economics import economics_document
from journeymap.engine.json_values import number
from journeymap.engine.whatif import TouchpointPatch, WhatIfPatch, apply_patch
from journeymap.model import Journey, Opportunity


def _economics(journey: Journey, alpha: float) -> dict[str, Any]:
    chain = compile_journey(journey)
    analyze_chain(chain, alpha)  # checks alpha
    return economics_document(chain, alpha)


def fixes(journey: Journey, alpha: float = 0.5) -> dict[str, Any]:
    """The ``fixes`` document: every opportunity with its figures, in the order to fix them.

    Parameters
    ----------
    journey : Journey
        The journey with its ``opportunities``.
    alpha : float, default 0.5
        The memory of carried experience.

    Returns
    -------
    dict
        ``journey``, ``currency``, ``horizon``, the journey's ``value_at_stake``,
        ``value_won``, ``net_value`` and ``value_per_customer``, and ``fixes``:
        one row per opportunity (``rank``, ``value_recovered``, ``value_per_effort``,
        ``whatif_value_change``, ``raised``, ``verdicts_changed``, ``reason``, ...).

    Examples
    --------
    >>> from journeymap.files import load_journey
    >>> doc = fixes(load_journey("fixtures/auto-repair.yaml"))
    >>> [(f["rank"], f["opportunity"]) for f in doc["fixes"][:2]]
    [(1, 'itemised_quote'), (2, 'reception_manner')]
    """
    before = _economics(journey, alpha)
    rows = [_fix(journey, opp, before, alpha) for opp in journey.opportunities or []]
    rows.sort(key=_order)
    for position, row in enumerate(rows, start=1):
        row["rank"] = position
    totals = {key: before[key] for key in ("value_at_stake", "value_won", "net_value", "value_per_customer")}
    return {"journey": journey.id, "currency": before["currency"], "horizon": before["horizon"],
            **totals, "fixes": rows}  # fmt: skip


def _fix(journey: Journey, opp: Opportunity, before: dict[str, Any], alpha: float) -> dict[str, Any]:
    short = [tid for tid in dict.fromkeys(opp.touchpoints) if _short(journey, tid)]
    raised = [
        {
            "touchpoint": tid,
            "experience": journey.touchpoint(tid).experience,
            "expectation": journey.touchpoint(tid).expected,
            "value_at_stake": before["touchpoints"][tid]["value_at_stake"],
        }
        for tid in short
    ]
    value = sum(r["value_at_stake"] for r in raised)
    change, turned = 0.0, []
    if short:
        patch = WhatIfPatch(
            touchpoints={tid: TouchpointPatch(experience=journey.touchpoint(tid).expected) for tid in short}
        )
        after = _economics(apply_patch(journey, patch), alpha)
        change = after["net_value"] - before["net_value"]
        turned = [
            {"outcome": oid, "from": row["verdict"], "to": after["outcomes"][oid]["verdict"]}
            for oid, row in before["outcomes"].items()
            if row["verdict"] != after["outcomes"][oid]["verdict"]
        ]
    per_effort = value / opp.effort if opp.effort else None
    return {
        "rank": 0,
        "opportunity": opp.id,
        "title": opp.title,
        "status": opp.status,
        "touchpoints": list(opp.touchpoints),
        "effort": opp.effort,
        "value_recovered": number(value),
        "value_per_effort": None if per_effort is None else number(per_effort),
        "whatif_value_change": number(change),
        "raised": raised,
        "verdicts_changed": turned,
        "reason": _reason(raised, opp.effort, value, per_effort),
    }


def _short(journey: Journey, tid: str) -> bool:
    tp = journey.touchpoint(tid)
    return tp.experience < tp.expected


def _reason(
    raised: list[dict[str, Any]], effort: float | None, value: float, per_effort: float | None
) -> str:
    if not raised:
        return "none of its touchpoints falls short of its expectation: nothing to recover"
    parts = " + ".join(f"{r['touchpoint']} {r['value_at_stake']:.4g}" for r in raised)
    if effort is None:
        return f"recovers {parts} = {value:.4g}; no effort given (ranked after those with one)"
    if effort == 0:
        return f"recovers {parts} = {value:.4g} at no effort (ranked first)"
    return f"recovers {parts} = {value:.4g} for effort {effort:g}: {per_effort:.4g} per unit"


def _order(row: dict[str, Any]) -> tuple[int, float, float, str]:
    effort, per = row["effort"], row["value_per_effort"]
    group = 0 if effort == 0 else 1 if effort is not None else 2
    return (group, -(per or 0.0), -row["value_recovered"], row["opportunity"])
