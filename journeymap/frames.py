"""pandas views of the engine's documents: ``to_frame(analyze(...))`` and the like.

pandas is optional (``pip install 'journeymap[pandas]'``): it is imported only
when a frame is asked for, and without it ``to_frame`` raises ``MissingExtra``
naming the extra, as every other optional edge does. Each frame carries the
document's journey id in ``frame.attrs["journey"]``.

==============================  =============================================================
document                        frame
==============================  =============================================================
``analyze``, ``impact``         one row per touchpoint, indexed by ``touchpoint`` (file order,
                                or impact's priority order); columns are the row's fields
``top_paths``                   one row per path, indexed by ``rank``; ``nodes`` a list, the
                                path's ``economics`` as columns, ``contributions`` left out
``variants``                    one row per observed variant, indexed by ``rank``
                                (``frame.attrs["other"]`` holds the "other" row)
``whatif``                      one row per touchpoint in both analyses, columns
                                ``(before|after|change, field)``
``fixes``                       one row per opportunity, indexed by ``rank``
==============================  =============================================================

pandas rather than a hand-made table: it is what analysts already use, and
``DataFrame.from_records`` gives every column its dtype from the documents'
plain values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from journeymap.errors import InvalidInput
from journeymap.extras import require

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["to_frame"]

_PATH_NESTED = ("contributions", "economics")


def to_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """The pandas DataFrame of an engine document (the table in the module docstring).

    Parameters
    ----------
    document : Mapping
        A document of ``analyze``, ``impact``, ``top_paths``, ``variants``,
        ``whatif`` or ``fixes`` (as the library, ``--json`` or the HTTP API give it).

    Returns
    -------
    pandas.DataFrame
        One row per touchpoint, path, variant or fix, indexed by ``touchpoint``
        or ``rank``.

    Raises
    ------
    MissingExtra
        When pandas is not installed (``pip install 'journeymap[pandas]'``).
    InvalidInput
        When ``document`` is none of those documents.

    Examples
    --------
    >>> from journeymap.engine import analyze, impact, top_paths
    >>> frame = to_frame(impact("fixtures/auto-repair.yaml"))
    >>> list(frame.index[:2]), round(float(frame.loc["reception", "priority"]), 1)
    (['reception', 'repair'], 261.9)
    >>> to_frame(analyze("fixtures/auto-repair.yaml")).loc["repair", "stage"]
    'service'
    >>> paths = to_frame(top_paths("fixtures/auto-repair.yaml", k=2))
    >>> list(paths.index), list(paths["outcome"]), list(paths["verdict"])
    ([1, 2], ['return_visit', 'return_visit'], ['dissatisfied', 'dissatisfied'])
    """
    require("pandas")
    import pandas

    journey = document.get("journey")
    if "before" in document and "after" in document and "diff" in document:
        frame = _whatif_frame(pandas, document)
    elif isinstance(document.get("touchpoints"), list) and "journey" in document:
        frame = _records(pandas, document["touchpoints"], "touchpoint")
    elif "paths" in document:
        rows = [_flat_path(p) for p in document["paths"]]
        frame = _records(pandas, rows, "rank")
    elif "variants" in document and isinstance(document["variants"], list):
        frame = _records(pandas, document["variants"], "rank")
        frame.attrs["other"] = dict(document.get("other") or {})
    elif "fixes" in document:
        frame = _records(pandas, document["fixes"], "rank")
    else:
        raise InvalidInput(
            "to_frame takes a document of analyze, impact, top_paths, variants, whatif or fixes;"
            f" this one has the fields {sorted(document)}"
        )
    frame.attrs["journey"] = journey
    return frame


def _records(pandas: Any, rows: Sequence[Mapping[str, Any]], index: str) -> pd.DataFrame:
    frame: pd.DataFrame = pandas.DataFrame.from_records([dict(r) for r in rows])
    indexed: pd.DataFrame = frame.set_index(index) if index in frame.columns else frame
    return indexed


def _flat_path(path: Mapping[str, Any]) -> dict[str, Any]:
    """A path row with its ``economics`` as columns and without the nested contributions."""
    row = {k: v for k, v in path.items() if k not in _PATH_NESTED}
    row.update(path.get("economics") or {})
    return row


def _whatif_frame(pandas: Any, document: Mapping[str, Any]) -> pd.DataFrame:
    before = _records(pandas, document["before"]["touchpoints"], "touchpoint")
    after = _records(pandas, document["after"]["touchpoints"], "touchpoint")
    change = _records(pandas, document["diff"]["touchpoints"], "touchpoint")
    kept = [tid for tid in before.index if tid in change.index]
    sides: dict[str, pd.DataFrame] = {
        "before": before.loc[kept],
        "after": after.loc[kept],
        "change": change.loc[kept],
    }
    frame: pd.DataFrame = pandas.concat(sides, axis=1)
    return frame
