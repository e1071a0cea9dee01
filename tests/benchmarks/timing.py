"""Timing for ``make bench``: each figure timed in turns with its alternative, and printed next to it."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    first: float  # median seconds of the first
    second: float  # median seconds of the second
    ratio: float  # the median of each round's first / second


def paired(first: Callable[[], object], second: Callable[[], object], repeat: int = 16) -> Pair:
    """``first`` and ``second`` run in turns, so that a noisy neighbour slows both alike.

    The ratio is the median of the rounds' ratios: the two runs of a round share the machine's speed of the moment,
    which on a shared machine changes more between rounds than within one. Which of the two goes first swaps every
    round, as each leaves the heap and the caches in a state that helps or hinders the one after it; and the heap
    is collected before the first round.
    """
    gc.collect()
    times: dict[int, list[float]] = {0: [], 1: []}
    for round_ in range(repeat):
        order = ((0, first), (1, second)) if round_ % 2 == 0 else ((1, second), (0, first))
        for which, fn in order:
            start = time.perf_counter()
            fn()
            times[which].append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(times[0], times[1], strict=True)]
    return Pair(statistics.median(times[0]), statistics.median(times[1]), statistics.median(ratios))


def show(name: str, pair: Pair, other_name: str, goal: str = "") -> float:
    """Print ``name: 71.0 ms | other: 512.0 ms | kvot 0.14`` and return the ratio."""
    print(f"\n{name}: {pair.first * 1000:.1f} ms  |  {other_name}: {pair.second * 1000:.1f} ms  |  "
          f"kvot {pair.ratio:.2f}{'  (' + goal + ')' if goal else ''}")
    return pair.ratio
