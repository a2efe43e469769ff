"""Whether a numba-compiled function will compile when next called (the path search and the
ingest's loops both say so on screen the first time, as it takes seconds)."""

from __future__ import annotations

from typing import Any


def will_compile(dispatcher: Any) -> bool:
    """True when ``dispatcher`` (``numba.njit(cache=True)(f)``) has no machine code loaded in
    this process and none cached on disk (the first call on a machine, or after an upgrade).

    numba's cache index is empty (or stale: then it is read as empty) until a compile saves
    one. Another numba layout than the one read here says False rather than fail a caller.

    Parameters
    ----------
    dispatcher : numba dispatcher
        A function compiled with ``cache=True``.

    Returns
    -------
    bool
        True when the next call compiles.

    Examples
    --------
    >>> will_compile(object())  # not a dispatcher: nothing to say
    False
    """
    try:
        if dispatcher.signatures:
            return False
        return not dispatcher._cache._cache_file._load_index()
    except Exception:
        return False
