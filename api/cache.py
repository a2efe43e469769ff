"""A bounded LRU of serialised results per (journey id, version, kind, parameters).

A stored version never changes (version numbers are never reused, even after a
delete), so an entry can only go stale by being unreachable; writes through the
API still drop a journey's entries at once so memory goes to live versions.
Several worker processes each keep their own cache; correctness never depends
on it because every request first asks the store which versions exist.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

CacheKey = tuple[str, int, str, tuple[Hashable, ...]]


class ResultCache:
    """Thread-safe LRU of response bodies; ``max_entries=0`` keeps nothing.

    >>> cache = ResultCache(max_entries=1)
    >>> cache.put(("j", 1, "paths", (5,)), b"{}")
    >>> cache.get(("j", 1, "paths", (5,)))
    b'{}'
    >>> cache.invalidate("j"); cache.get(("j", 1, "paths", (5,))) is None
    True
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: CacheKey) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: CacheKey, body: bytes) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def invalidate(self, journey_id: str) -> None:
        """Drop every entry of one journey (all versions, all parameters)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == journey_id]:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
