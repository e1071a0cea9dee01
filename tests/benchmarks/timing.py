"""Timing for ``make bench``: each figure timed in turns with its alternative, and printed next to it."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def paired(first: Callable[[], object], second: Callable[[], object], repeat: int = 15) -> tuple[float, float]:
    """Medians of ``first`` and ``second`` run in turns, so that a noisy neighbour slows both alike."""
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def show(name: str, ours: float, other: float, other_name: str, goal: str = "") -> float:
    """Print ``name: 0.071 s vs other 0.512 s → 7.2×`` and return ours/other."""
    ratio = ours / other
    print(f"\n{name}: {ours * 1000:.1f} ms  |  {other_name}: {other * 1000:.1f} ms  |  kvot {ratio:.2f}"
          f"{'  (' + goal + ')' if goal else ''}")
    return ratio
