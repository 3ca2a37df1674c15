"""How often a name or an address may try to sign in: a sliding window of attempts, counted when an attempt
starts (so guesses sent in parallel cannot all pass before the first one fails), forgiven when it succeeds."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

_KEEP_KEYS = 10_000  # above this many names and addresses, the idle ones are forgotten


@dataclass
class Attempts:
    """Attempts per key (a user name, an address) within ``window_seconds``, at most ``limit`` of them."""

    limit: int
    window_seconds: float
    _times: dict[str, deque[float]] = field(default_factory=dict)

    def take(self, key: str, now: float) -> float:
        """Count an attempt for ``key`` and return 0, or return the seconds until one is allowed (not counted)."""
        times = self._times.setdefault(key, deque())
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        if len(times) >= self.limit:
            return times[0] + self.window_seconds - now
        times.append(now)
        if len(self._times) > _KEEP_KEYS:
            self._forget_idle(now)
        return 0.0

    def forgive(self, key: str) -> None:
        """Forget ``key``'s attempts (it signed in)."""
        self._times.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, t in self._times.items() if not t or t[-1] <= now - self.window_seconds]:
            del self._times[key]
