"""Timing for ``make bench``: each figure timed in turns with its alternative, and printed next to it."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def paired(first: Callable[[], object], second: Callable[[], object], repeat: int = 16) -> tuple[float, float]:
    """Medians of ``first`` and ``second`` run in turns, so that a noisy neighbour slows both alike.

    Which of the two goes first swaps every round: each leaves the heap and the caches in a state that helps or
    hinders the one after it. The heap is collected before the first round, so that the garbage an earlier
    benchmark left (a 100,000-row register) is not walked by the collector inside one of the two.
    """
    gc.collect()
    times: dict[int, list[float]] = {0: [], 1: []}
    for round_ in range(repeat):
        order = ((0, first), (1, second)) if round_ % 2 == 0 else ((1, second), (0, first))
        for which, fn in order:
            start = time.perf_counter()
            fn()
            times[which].append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def show(name: str, ours: float, other: float, other_name: str, goal: str = "") -> float:
    """Print ``name: 0.071 s vs other 0.512 s → 7.2×`` and return ours/other."""
    ratio = ours / other
    print(f"\n{name}: {ours * 1000:.1f} ms  |  {other_name}: {other * 1000:.1f} ms  |  kvot {ratio:.2f}"
          f"{'  (' + goal + ')' if goal else ''}")
    return ratio
