"""Whole processes timed in turns: ``samrehab …`` as a user starts it, against an anchor that is its own process.

Each round runs the two one after the other, the order swapped every round (A B, B A, …), so a noisy neighbour on
this shared machine slows both alike; the figure is the median of the rounds' ratios, with their min and max. A
process's peak memory is its own maximum resident size, as ``getrusage(RUSAGE_CHILDREN)`` counts it, taken for
that one child alone from ``os.wait4`` (RUSAGE_CHILDREN itself keeps the maximum over all children so far), and
started from a small launcher process (``launcher.py``), so that it is not the pytest process's peak.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
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


_LAUNCHER: subprocess.Popen[str] | None = None


def _launcher() -> subprocess.Popen[str]:
    """The small process that starts the measured ones (``launcher.py``: why), started on first use."""
    global _LAUNCHER
    if _LAUNCHER is None or _LAUNCHER.poll() is not None:
        _LAUNCHER = subprocess.Popen([sys.executable, str(HERE / "launcher.py")], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
    return _LAUNCHER


def run(command: Command) -> Run:
    """Start ``command`` (from the launcher), wait for it, and return its wall time and peak resident memory (output
    discarded)."""
    launcher = _launcher()
    assert launcher.stdin is not None and launcher.stdout is not None
    asked = {"argv": list(command.argv), "env": {**os.environ, **command.env},
             "cwd": str(command.cwd) if command.cwd else None}
    launcher.stdin.write(json.dumps(asked) + "\n")
    launcher.stdin.flush()
    done = json.loads(launcher.stdout.readline())
    if done["code"] not in command.codes:
        raise AssertionError(f"{command.label} ended with {done['code']}: {done['stderr']}")
    return Run(done["seconds"], done["peak_kib"])  # KiB on Linux


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
