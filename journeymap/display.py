"""How figures are shown to people: one format for CLI tables, path lines and export labels."""

from __future__ import annotations


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
