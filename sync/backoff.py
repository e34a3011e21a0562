"""How long the agent waits before trying the centre again after a failure.

Exponential with "full jitter" (a random wait between zero and the current ceiling): when
the centre comes back after an outage, the city's offices do not all knock at the same
second. The ceiling doubles with each failure up to ``cap``; a success resets it.
"""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, base: float = 1.0, cap: float = 300.0, *, factor: float = 2.0,
                 rng: random.Random | None = None) -> None:
        if base <= 0 or cap < base or factor < 1:
            raise ValueError("backoff needs 0 < base <= cap and factor >= 1")
        self.base, self.cap, self.factor = base, cap, factor
        self.failures = 0
        self.rng = rng or random.Random()

    def ceiling(self) -> float:
        return min(self.cap, self.base * self.factor ** max(0, self.failures - 1))

    def next_delay(self) -> float:
        """One more failure: the seconds to wait before the next try (never below base / 2)."""
        self.failures += 1
        ceiling = self.ceiling()
        return max(self.base / 2, self.rng.uniform(0, ceiling))

    def reset(self) -> None:
        self.failures = 0


__all__ = ["Backoff"]
