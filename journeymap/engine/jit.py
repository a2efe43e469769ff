"""The path search's loops (``journeymap.engine.kernel``) compiled with numba, for large journeys.

Each kernel function is compiled from a copy that sees the compiled versions of the
others (a call inside compiled code must reach compiled code), while ``kernel`` keeps
its plain Python functions for small journeys, which never import numba. The machine
code is cached on disk beside ``kernel.py`` (``cache=True``): the first query on a
machine compiles it once, later processes load it.
"""

from __future__ import annotations

import types
from typing import Any

from numba import njit

from journeymap.engine import kernel

FUNCTIONS = (
    "start_backward",
    "advance_backward",
    "log_add",
    "pain_bounds",
    "_inflated",
    "_near",
    "_worse",
    "_bound",
    "_key",
    "top_paths",
    "_candidates",
    "_push",
    "_pop",
)


def _compiled() -> dict[str, Any]:
    """The kernel's namespace with every function in ``FUNCTIONS`` replaced by its compiled copy."""
    namespace = dict(vars(kernel))
    for name in FUNCTIONS:
        plain = getattr(kernel, name)
        copy = types.FunctionType(plain.__code__, namespace, name, plain.__defaults__, plain.__closure__)
        copy.__qualname__, copy.__doc__ = plain.__qualname__, plain.__doc__
        namespace[name] = njit(cache=True)(copy)
    return namespace


_NAMESPACE = _compiled()
top_paths = _NAMESPACE["top_paths"]
start_backward = _NAMESPACE["start_backward"]
advance_backward = _NAMESPACE["advance_backward"]
