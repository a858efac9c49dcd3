"""The order in which a turn's replies are shown: shuffled per attempt, reproducible from a seed.

Every player shows replies in :func:`display_order` for the attempt's seed, so the position of a
reply carries no signal and a call replays exactly. The book's player uses the same generator
(``mulberry32`` seeded with ``seed ^ fnv1a(turn id)``, then a Fisher-Yates shuffle), so both
show the same order for the same seed.
"""

from __future__ import annotations

import random


def fnv1a(text: str) -> int:
    """32-bit FNV-1a hash of a text (UTF-8)."""
    value = 0x811C9DC5
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _mulberry32(seed: int):
    state = seed & 0xFFFFFFFF

    def draw() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return draw


def display_order(seed: int, turn_id: str, count: int) -> list[int]:
    """The order (option indexes) in which a turn's ``count`` replies are shown for ``seed``."""
    draw = _mulberry32(seed ^ fnv1a(turn_id))
    order = list(range(count))
    for i in range(count - 1, 0, -1):
        j = int(draw() * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


def new_seed() -> int:
    """A fresh seed for a new attempt."""
    return random.SystemRandom().randrange(1, 2**31)
