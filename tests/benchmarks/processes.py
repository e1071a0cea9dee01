"""Whole processes timed in turns: ``samrehab …`` as a user starts it, against an anchor that is its own process.

Each round runs the two one after the other, the order swapped every round (A B, B A, …), so a noisy neighbour on
this shared machine slows both alike; the figure is the median of the rounds' ratios, with their min and max. A
process's peak memory is its own maximum resident size, as ``getrusage(RUSAGE_CHILDREN)`` counts it, taken for
that one child alone from ``os.wait4`` (RUSAGE_CHILDREN itself keeps the maximum over all children so far).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ANCHORS = HERE / "anchors"
SAMREHAB = str(Path(sys.executable).parent / "samrehab")


@dataclass(frozen=True)
class Command:
    """A process to start: its arguments, extra environment and working folder, and the exit codes it may end with."""

    label: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    codes: tuple[int, ...] = (0,)


def samrehab(label: str, *args: object, env: Mapping[str, str] | None = None, cwd: Path | None = None,
             codes: tuple[int, ...] = (0,)) -> Command:
    return Command(label, [SAMREHAB, *map(str, args)], dict(env or {}), cwd, codes)


def anchor(label: str, script: str, *args: object, env: Mapping[str, str] | None = None,
           cwd: Path | None = None) -> Command:
    return Command(label, [sys.executable, str(ANCHORS / script), *map(str, args)], dict(env or {}), cwd)


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_kib: int


def run(command: Command) -> Run:
    """Start ``command``, wait for it, and return its wall time and peak resident memory (output discarded)."""
    env = {**os.environ, **command.env}
    start = time.perf_counter()
    process = subprocess.Popen(command.argv, env=env, cwd=command.cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.stderr:
        process.stderr.close()
    if process.returncode not in command.codes:
        raise AssertionError(f"{command.label} ended with {process.returncode}: {error[-2000:]}")
    return Run(seconds, usage.ru_maxrss)  # KiB on Linux


@dataclass(frozen=True)
class Turns:
    first: Command
    second: Command
    runs: list[tuple[Run, Run]]

    @property
    def ratios(self) -> list[float]:
        return [a.seconds / b.seconds for a, b in self.runs]

    @property
    def memory_ratios(self) -> list[float]:
        return [a.peak_kib / b.peak_kib for a, b in self.runs]

    def median(self, which: int) -> float:
        return statistics.median(pair[which].seconds for pair in self.runs)

    def peak(self, which: int) -> float:
        return statistics.median(pair[which].peak_kib for pair in self.runs) / 1024


def turns(first: Command, second: Command, rounds: int) -> Turns:
    """Both commands once untimed (files in the page cache), then ``rounds`` rounds in alternating order."""
    run(first)
    run(second)
    pairs: list[tuple[Run, Run]] = []
    for round_ in range(rounds):
        if round_ % 2 == 0:
            a = run(first)
            b = run(second)
        else:
            b = run(second)
            a = run(first)
        pairs.append((a, b))
    return Turns(first, second, pairs)


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured against what, the figure, its spread and its goal."""

    what: str
    anchor: str
    rounds: int
    median: float
    low: float
    high: float
    goal: str
    met: bool
    detail: str

    @classmethod
    def of(cls, what: str, anchor: str, ratios: list[float], goal: float, detail: str) -> Row:
        """The row of ``ratios`` (one a round), printed as soon as it is made."""
        median = statistics.median(ratios)
        row = cls(what, anchor, len(ratios), median, min(ratios), max(ratios), f"≤ {goal:g} ×", median <= goal, detail)
        print(f"\n{row.what}  mot  {row.anchor}: {row.median:.2f} × (min {row.low:.2f}, max {row.high:.2f}, "
              f"{row.rounds} omgångar; {row.detail})  mål {row.goal}: {'uppfyllt' if row.met else 'INTE uppfyllt'}",
              flush=True)
        return row

    def markdown(self) -> str:
        verdict = "ja" if self.met else "**nej**"
        return (f"| {self.what} | {self.anchor} | {self.rounds} | {self.median:.2f} × | {self.low:.2f}–{self.high:.2f} "
                f"| {self.goal} | {verdict} | {self.detail} |")


HEADER = ("| kommando | ankare (egen process) | omgångar | median av kvoterna | min–max | mål | uppfyllt | tider |\n"
          "|---|---|---|---|---|---|---|---|")


def time_row(what: str, measured: Turns, goal: float) -> Row:
    return Row.of(what, measured.second.label, measured.ratios, goal,
                  f"{measured.median(0) * 1000:.0f} ms / {measured.median(1) * 1000:.0f} ms")


def memory_row(what: str, measured: Turns, goal: float) -> Row:
    return Row.of(what, measured.second.label, measured.memory_ratios, goal,
                  f"{measured.peak(0):.0f} MiB / {measured.peak(1):.0f} MiB")
