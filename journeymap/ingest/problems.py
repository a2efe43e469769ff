"""Bad-row examples as a person reads them (the summary and ``--strict`` say them alike)."""

from __future__ import annotations

from typing import Any


def describe(example: dict[str, Any]) -> str:
    """``row 3 bad time (customer='c1', time='yesterday')`` for an example of the summary.

    Parameters
    ----------
    example : dict
        A bad-row example: ``row`` (or ``line``, for a malformed CSV line), ``problem`` and the
        values read.

    Returns
    -------
    str
        Where, what, and the values in parentheses.

    Examples
    --------
    >>> describe({"row": 3, "problem": "bad_time", "customer": "c1", "time": "yesterday"})
    "row 3 bad time (customer='c1', time='yesterday')"
    >>> describe({"line": 7, "problem": "too many columns"})
    'line 7 too many columns'
    """
    where = f"line {example['line']}" if "line" in example else f"row {example['row']}"
    extra = ", ".join(f"{k}={v!r}" for k, v in example.items() if k not in ("row", "line", "problem"))
    return f"{where} {example['problem'].replace('_', ' ')}" + (f" ({extra})" if extra else "")
