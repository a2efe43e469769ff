"""How figures are shown to people: one format for CLI tables, path lines and export labels."""

from __future__ import annotations

from typing import Any

from journeymap.durations import format_seconds


def number(value: float | None, digits: int = 4) -> str:
    """A compact number: ``digits`` significant digits, thousands in full, ``—`` for none.

    >>> number(0.123456), number(12345.6), number(None), number(2.5, 3)
    ('0.1235', '12,346', '—', '2.5')
    """
    if value is None:
        return "—"
    if 1e4 <= abs(value) < 1e15:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def percent(value: float | None) -> str:
    """A fraction as a percentage with one decimal, ``—`` for none.

    >>> percent(1.0), percent(0.0123), percent(None)
    ('100.0%', '1.2%', '—')
    """
    return "—" if value is None else f"{100 * value:.1f}%"


def observed_text(path: dict[str, Any]) -> str:
    """A model path's observed customers (``engine.observed.with_observed``); "" without variants.

    >>> observed_text({"observed_customers": 0}), observed_text({"observed_customers": 1500.0})
    ('observed 0 customers', 'observed 1500 customers')
    >>> observed_text({"observed_customers": None, "observed_at_most": 93.0})
    "observed ≤ 93 (not listed, may be in 'other')"
    """
    if "observed_customers" not in path:
        return ""
    seen = path["observed_customers"]
    if seen is None:
        return f"observed ≤ {number(path['observed_at_most'])} (not listed, may be in 'other')"
    return f"observed {number(seen)} customers"


DURATION_MEASURES = frozenset({"wait"})
"""Behavioural measures whose value is a time in seconds (the others are shares of 0..1)."""


def measure_value(measure: str, value: float | None) -> str:
    """A behavioural measure's value as people read it: a time for ``wait``, else a percentage.

    >>> measure_value("wait", 5400), measure_value("drop_off", 0.016648), measure_value("rework", None)
    ('1.5h', '1.7%', '—')
    """
    if value is None:
        return "—"
    return format_seconds(value) if measure in DURATION_MEASURES else percent(value)


def measure_text(measure: dict[str, Any]) -> str:
    """One measure of a touchpoint's evidence (a ``measures`` item): name, value, target, n, score.

    >>> measure_text({"measure": "wait", "value": 56044, "n": 925, "target": 172800, "score": 5})
    'wait 15.6h (target 2d) · n 925 · score 5'
    >>> measure_text({"measure": "drop_off", "value": 0.2, "n": 40})
    'drop_off 20.0% · n 40'
    """
    name = str(measure["measure"])
    text = f"{name} {measure_value(name, measure['value'])}"
    if measure.get("target") is not None:
        text += f" (target {measure_value(name, measure['target'])})"
    text += f" · n {int(measure['n']):,}"
    if measure.get("score") is not None:
        text += f" · score {number(measure['score'], 3)}"
    return text


def timing_label(median_s: float | None, p90_s: float | None) -> str:
    """The compact time of a step: median and 90th percentile in human units ("" when unknown).

    >>> timing_label(8280, 95040), timing_label(42, None), timing_label(None, None)
    ('med 2.3h · p90 1.1d', 'med 42s', '')
    """
    parts = []
    if median_s is not None:
        parts.append(f"med {_short(median_s)}")
    if p90_s is not None:
        parts.append(f"p90 {_short(p90_s)}")
    return " · ".join(parts)


def timing_text(time: dict[str, Any]) -> str:
    """A ``time`` field ({n, median_s, p90_s, mean_s}) in full, for tooltips and details.

    >>> timing_text({"n": 1424, "median_s": 388060, "p90_s": 494158.4, "mean_s": 389298.2})
    'median 4.49d · p90 5.72d · mean 4.51d (n 1,424)'
    """
    parts = [
        f"{label} {format_seconds(float(time[key]))}"
        for label, key in (("median", "median_s"), ("p90", "p90_s"), ("mean", "mean_s"))
        if time.get(key) is not None
    ]
    return " · ".join(parts) + f" (n {int(time['n']):,})"


def _short(value: float) -> str:
    """``format_seconds`` to two significant digits, for labels on a drawing.

    >>> _short(56044), _short(12_960_000)
    ('16h', '150d')
    """
    text = format_seconds(value)
    amount, unit = float(text[:-1]), text[-1]
    short = f"{amount:.2g}"
    return text if "e" in short else short + unit
