"""Turning raw event names into valid, unique journey ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from journeymap.errors import InvalidInput
from journeymap.model import ID_PATTERN

MAX_ID = 64


def journey_id(given: str | None, default: str) -> str:
    """The journey id asked for with ``--id`` (``default`` when none is given), checked.

    Parameters
    ----------
    given : str or None
        The id asked for.
    default : str
        The id to use when none is given.

    Returns
    -------
    str
        The chosen id.

    Raises
    ------
    InvalidInput
        When the chosen id is not a valid id.

    Examples
    --------
    >>> journey_id(None, "events"), journey_id("shop", "events")
    ('events', 'shop')
    >>> journey_id("Shop!", "events")
    Traceback (most recent call last):
    ...
    journeymap.errors.InvalidInput: --id: 'Shop!' is not an id (lowercase letters, digits, '_' or '-')
    """
    chosen = default if given is None else given
    if not re.fullmatch(ID_PATTERN, chosen):
        raise InvalidInput(f"--id: '{chosen}' is not an id (lowercase letters, digits, '_' or '-')")
    return chosen


def slugify(name: str) -> str:
    """A raw name as an id: lowercase ASCII letters, digits, '_' and '-'.

    Parameters
    ----------
    name : str
        A raw event name.

    Returns
    -------
    str
        The id: at most ``MAX_ID`` characters; ``event-`` and a short hash when nothing is left.

    Examples
    --------
    >>> slugify("View Product!")
    'view_product'
    >>> slugify("满意")
    'event-fda7539b'
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9_-]+", "_", ascii_name.lower()).strip("_-")
    return slug[:MAX_ID] or "event-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def slug_ids(names: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """A unique id for each raw name, avoiding ``taken`` (suffixes ``-2``, ``-3`` ... on clashes).

    Names that already are valid ids keep them; the others follow in sorted order.

    Parameters
    ----------
    names : iterable of str
        The raw names.
    taken : iterable of str
        Ids already in use.

    Returns
    -------
    dict
        Raw name -> id.

    Examples
    --------
    >>> slug_ids(["A b", "a-b", "a_b"], {"entry"})
    {'a-b': 'a-b', 'a_b': 'a_b', 'A b': 'a_b-2'}
    """
    used = set(taken)
    result = {}
    ordered = sorted(names, key=lambda n: (slugify(n) != n, n))
    for name in ordered:
        result[name] = _unused(slugify(name), used)
    return result


def _unused(base: str, used: set[str]) -> str:
    """``base``, or with the first suffix ``-2``, ``-3`` ... not in ``used``; added to ``used``."""
    candidate, n = base, 1
    while candidate in used:
        n += 1
        suffix = f"-{n}"
        candidate = base[: MAX_ID - len(suffix)] + suffix
    used.add(candidate)
    return candidate


MISSING = "missing"  # the id part of the segment of customers without a segment value


def segment_label(value: str | None) -> str:
    """How a segment value is shown (``None``: customers without a value).

    Parameters
    ----------
    value : str or None
        A segment value.

    Returns
    -------
    str
        The value, or ``(missing)``.

    Examples
    --------
    >>> segment_label("mobile"), segment_label(None)
    ('mobile', '(missing)')
    """
    return "(missing)" if value is None else value


def segment_ids(base: str, values: Iterable[str | None]) -> dict[str | None, str]:
    """A readable, unique journey id per segment value: ``base--value`` as an id.

    Values that read the same as ids (``Mobile``, ``mobile``) get suffixes ``-2``, ``-3`` ...
    (values that are ids already first); ``None`` (customers without a value) is ``missing``;
    ids over the length limit are cut and end in a short hash.

    Parameters
    ----------
    base : str
        The journey id the segments share (a valid id).
    values : iterable of str or None
        The segment values.

    Returns
    -------
    dict
        Value -> journey id.

    Examples
    --------
    >>> segment_ids("shop", ["Mobile", "web", "mobile", None])
    {'mobile': 'shop--mobile', 'web': 'shop--web', 'Mobile': 'shop--mobile-2', None: 'shop--missing'}
    >>> len(segment_ids("j" * 60, ["a-long-segment-value"])["a-long-segment-value"])
    64
    """
    used: set[str] = set()
    result: dict[str | None, str] = {}
    ordered = sorted(values, key=lambda v: (v is None, v is not None and slugify(v) != v, v or ""))
    for value in ordered:
        whole = f"{base}--{MISSING if value is None else slugify(value)}"
        if len(whole) > MAX_ID:
            whole = whole[: MAX_ID - 9] + "-" + hashlib.sha1(whole.encode()).hexdigest()[:8]
        result[value] = _unused(whole, used)
    return result
