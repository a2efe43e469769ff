"""Bad-row examples as a person reads them (the summary and ``--strict`` say them alike)."""

from __future__ import annotations

from typing import Any


def describe(example: dict[str, Any]) -> str:
    """``row 3 bad time (customer='c1', time='yesterday')`` for an example of the summary."""
    where = f"line {example['line']}" if "line" in example else f"row {example['row']}"
    extra = ", ".join(f"{k}={v!r}" for k, v in example.items() if k not in ("row", "line", "problem"))
    return f"{where} {example['problem'].replace('_', ' ')}" + (f" ({extra})" if extra else "")
