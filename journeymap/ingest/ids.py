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

    >>> journey_id(None, "events"), journey_id("shop", "events")
    ('events', 'shop')
    """
    chosen = default if given is None else given
    if not re.fullmatch(ID_PATTERN, chosen):
        raise InvalidInput(f"--id: '{chosen}' is not an id (lowercase letters, digits, '_' or '-')")
    return chosen


def slugify(name: str) -> str:
    """A raw name as an id: lowercase ASCII letters, digits, '_' and '-'.

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

    >>> slug_ids(["A b", "a-b", "a_b"], {"entry"})
    {'a-b': 'a-b', 'a_b': 'a_b', 'A b': 'a_b-2'}
    """
    used = set(taken)
    result = {}
    ordered = sorted(names, key=lambda n: (slugify(n) != n, n))
    for name in ordered:
        base = slugify(name)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            suffix = f"-{n}"
            candidate = base[: MAX_ID - len(suffix)] + suffix
        used.add(candidate)
        result[name] = candidate
    return result
