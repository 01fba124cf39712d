"""A per-person flood limit: a token bucket each, in memory (a restart forgives everyone)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float
    told_until: float = 0.0


class RateLimiter:
    """`burst` events at once, then `per_second` a second; a person over it is told once."""

    def __init__(self, burst: int = 12, per_second: float = 1.0,
                 clock: Callable[[], float] = time.monotonic, max_people: int = 100_000) -> None:
        self.burst = burst
        self.per_second = per_second
        self.clock = clock
        self.max_people = max_people
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, who: str) -> bool:
        now = self.clock()
        bucket = self._buckets.get(who)
        if bucket is None:
            if len(self._buckets) >= self.max_people:
                self._forget_full(now)
            bucket = self._buckets[who] = _Bucket(tokens=float(self.burst), at=now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.per_second)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return True
        return False

    def notice_due(self, who: str) -> int:
        """Seconds until the next message goes through, when the person has not been told yet
        (0 when they have: one polite notice per wait, not one per message)."""
        now = self.clock()
        bucket = self._buckets.get(who)
        if bucket is None or now < bucket.told_until:
            return 0
        wait = max(1, math.ceil((1 - bucket.tokens) / self.per_second))
        bucket.told_until = now + wait
        return wait

    def _forget_full(self, now: float) -> None:
        """Drop people whose bucket has refilled: they are the same as someone new."""
        full = [who for who, b in self._buckets.items()
                if b.tokens + (now - b.at) * self.per_second >= self.burst]
        for who in full:
            del self._buckets[who]
