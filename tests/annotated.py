"""A small journey carrying every annotation field (personas, lanes, notes, evidence,
opportunities), with texts that break naive quoting, for round trips through every store."""

from __future__ import annotations

from typing import Any

AWKWARD = "it's \"quoted\" \\b <script>alert('x')</script> 中文 ✓\nsecond line"


def annotated_document() -> dict[str, Any]:
    return {
        "id": "annotated",
        "name": "Annotated " + AWKWARD,
        "notes": AWKWARD,
        "evidence": [
            {"kind": "quote", "text": AWKWARD, "source": "interview 3"},
            {"kind": "link", "text": "Survey", "url": "https://example.org/survey?q=1&r='2'"},
        ],
        "personas": [
            {"id": "regular", "name": "Regular " + AWKWARD, "description": "comes weekly"},
            {"id": "tourist", "name": "Tourist"},
        ],
        "opportunities": [
            {
                "id": "faster",
                "title": "Faster " + AWKWARD,
                "touchpoints": ["pay", "shop"],
                "customer_value": 72.5,
                "business_value": 40,
                "effort": 2.5,
                "status": "in_progress",
                "description": "a pilot",
            },
            {"id": "bare", "title": "Just an idea"},
        ],
        "economics": {
            "currency": "HK$ " + AWKWARD,
            "value": 120.5,
            "outcome_values": {"ok": 200},
            "dissatisfied_reach": 10,
            "complaint_ratio": 0.2,
            "referrals": 6,
            "referral_buyers": 3,
            "period": "1m",
            "horizon": "2y",
        },
        "scale": {"min": 0, "max": 10},
        "stages": [
            {
                "id": "visit",
                "name": "Visit",
                "phase": "pre_sale",
                "notes": "busy at noon",
                "evidence": [{"text": "queue of 20 at 12:10", "kind": "note"}],
            },
            {"id": "buy", "name": "Buy", "phase": "sale"},
            {"id": "after", "name": "After", "phase": "after_sale"},
        ],
        "touchpoints": [
            {
                "id": "shop",
                "name": "Shop",
                "stage": "visit",
                "lane": "front-stage",
                "channel": "store",
                "personas": ["regular", "tourist"],
                "experience": 6,
                "expectation": 7.25,
                "interval": {"low": 5.5, "high": 6.75},
                "notes": AWKWARD,
                "evidence": [{"kind": "quote", "text": "too few tills", "source": "survey"}],
            },
            {
                "id": "pay",
                "name": "Pay",
                "stage": "buy",
                "lane": "back-stage",
                "experience": 4,
                "expectation": 7,
            },
            {"id": "care", "name": "Care", "stage": "after", "lane": "Partner: courier", "experience": 8},
        ],
        "outcomes": [
            {"id": "ok", "name": "OK", "kind": "success"},
            {"id": "lost", "name": "Lost", "kind": "failure"},
        ],
        "transitions": [
            {"from": "entry", "to": "shop", "customers": 100},
            {"from": "shop", "to": "pay", "customers": 80, "personas": ["regular"]},
            {"from": "shop", "to": "lost", "customers": 20, "personas": ["tourist", "regular"]},
            {"from": "pay", "to": "care", "share": 0.75},
            {"from": "pay", "to": "lost", "share": 0.25},
            {"from": "care", "to": "ok", "customers": 1},
        ],
    }
