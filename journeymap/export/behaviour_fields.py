"""A touchpoint's or transition's timing and behaviour as flat export fields (``tables``)."""

from __future__ import annotations

from typing import Any

from journeymap.durations import seconds
from journeymap.model import Measured, Timing


def behaviour_fields(
    expected_wait: str | float | None,
    prefix: str,
    time: Timing | None,
    measures: list[Measured] | None = None,
) -> dict[str, Any]:
    """The flat timing and behaviour fields of a touchpoint or transition (module docstring).

    Parameters
    ----------
    expected_wait : str, float or None
        The expected wait (a duration such as ``"2h"``, or seconds).
    prefix : str
        ``"dwell"`` for a touchpoint's time, ``"time"`` for a transition's.
    time : Timing or None
        The measured time.
    measures : list of Measured, optional
        The behavioural measures.

    Returns
    -------
    dict
        ``expected_wait_s``, ``PREFIX_n``, ``PREFIX_median_s``, ... and
        ``measure_NAME``, ``measure_NAME_target``, ``measure_NAME_n``, ``measure_NAME_score``.

    Examples
    --------
    >>> from journeymap.model import Measured, Timing
    >>> behaviour_fields("2h", "time", Timing(n=4, median_s=60.0))
    {'expected_wait_s': 7200.0, 'time_n': 4, 'time_median_s': 60.0, 'time_p90_s': None, 'time_mean_s': None}
    >>> rework = Measured(measure="rework", value=0.3, n=9, target=0.1)
    >>> fields = behaviour_fields(None, "dwell", None, [rework])
    >>> fields["measure_rework"], fields["measure_rework_target"], fields["measure_rework_n"]
    (0.3, 0.1, 9)
    """
    row: dict[str, Any] = {"expected_wait_s": None if expected_wait is None else seconds(expected_wait)}
    if time is not None:
        row.update({f"{prefix}_{key}": value for key, value in time.model_dump().items()})
    for m in measures or []:
        name = f"measure_{m.measure}"  # measure names are identifiers (MeasureName), safe in every format
        row[name] = m.value
        row.update({f"{name}_{key}": getattr(m, key) for key in ("target", "n", "score")})
    return row
