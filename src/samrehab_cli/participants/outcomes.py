"""The Södra Dalarna outcome measures (docs/utfall.md): the register's columns in, a result model out, never printing.

A period (:mod:`samrehab_cli.participants.period`) is a year or a half-year. Each count is a flag per valid
participant, made column by column in C (``map`` over the date columns), and the flags are counted for every
group at once: the total, each team (alphabetically) and each gender (Kvinna, Man, and Annat when present).

``previous`` holds the same figures for the previous period of the same kind (2020 → 2019, 2020H1 → 2019H2,
2020H2 → 2020H1) when the register *covers* it: at least one valid participant was enrolled on or before the
previous period's end (so the team was running then). Otherwise it is null.

The result's JSON is the shape in docs/utdata.md plus ``ors`` (docs/utfall.md: one ORS row per group, ``[]`` when
the register has no ORS measurements), with these documented extra top-level keys: ``excluded_rows`` (participant
rows left out because of a ``fel``), ``excluded_ors_rows`` (ORS rows left out because of any D420–D424),
``work_support`` (the period's Arbete exits, dropouts excluded, per Arbetsmarknadsstöd in the schema's order,
``"Uppgift saknas"`` last) and ``other_comments`` (team, exit date and Kommentar of each Annat exit; no
Deltagar-ID).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, repeat
from operator import and_, eq, ge, gt, le
from typing import TYPE_CHECKING, Literal

from samrehab_cli.findings import Finding
from samrehab_cli.participants import ors
from samrehab_cli.participants.ors import OrsRow
from samrehab_cli.participants.period import (
    Period,
    groups,
    percent,
    round1,
    swedish_key,
)
from samrehab_cli.schema import EXIT_REASONS, LABOUR_SUPPORTS

if TYPE_CHECKING:
    from samrehab_cli.participants.read import ParticipantRegister, Participants

#: Row keys of the outcome columns, in the order of the policy's table and of :data:`schema.EXIT_REASONS`.
OUTCOME_KEYS = ("work", "studies", "vocational_rehab", "medical_rehab", "sickness_compensation", "other")
REASON_KEY = dict(zip(EXIT_REASONS, OUTCOME_KEYS, strict=True))
POSITIVE_KEYS = OUTCOME_KEYS[:3]  # the policy's green columns
COUNT_KEYS = ("active", "exits", "dropouts", *OUTCOME_KEYS, "active_next_period")
DAYS_PER_MONTH = Decimal("30.4375")
NO_SUPPORT = "Utan stöd"
SUPPORT_MISSING = "Uppgift saknas"


# --- the result model (docs/utfall.md) ----------------------------------------------------------------------------
# Plain dataclasses, written as JSON field by field in this order (render.common.to_json): the results are made
# here, never parsed, and a process that only counts need not build pydantic models (a tenth of its time).
@dataclass
class _Named:
    group: Literal["total", "team", "kon"]
    name: str


@dataclass
class Figures:
    active: int
    exits: int
    dropouts: int
    work: int
    studies: int
    vocational_rehab: int
    medical_rehab: int
    sickness_compensation: int
    other: int
    active_next_period: int
    positive: int
    goal_attainment_percent: float | None
    mean_years_without_work: float | None
    mean_throughput_months: float | None


@dataclass
class OutcomeRow(Figures, _Named):  # the fields of _Named, then of Figures, then previous
    previous: Figures | None


@dataclass
class SupportCount:
    support: str
    count: int


@dataclass
class OtherComment:
    team: str
    exit_date: dt.date
    comment: str


@dataclass
class Outcomes:
    period: Period
    rows: list[OutcomeRow]
    findings: list[Finding]
    ors: list[OrsRow]
    excluded_rows: int
    excluded_ors_rows: int
    work_support: list[SupportCount]
    other_comments: list[OtherComment]


# --- the computation ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Flags:
    """One period's flags, entry i for participant i: the counts of docs/utfall.md and the reason of a counted exit."""

    active: list[bool]
    exits: list[bool]
    dropouts: list[bool]
    active_next: list[bool]
    counted: list[str | None]  # the row key (OUTCOME_KEYS) of a non-dropout exit in the period, else None


def flags(people: Participants, p: Period, ends: list[dt.date] | None = None) -> _Flags:
    """The flags of every participant for period ``p``; a participant without an exit date counts as never leaving
    (``ends``: the exit dates with ``date.max`` for none, when the caller has them)."""
    ends = ends if ends is not None else exit_days(people)
    enrolled = list(map(le, people.start, repeat(p.end)))
    active = list(map(and_, enrolled, map(ge, ends, repeat(p.start))))  # not exited before the start
    exits = list(map(and_, active, map(le, ends, repeat(p.end))))
    dropouts = list(map(and_, exits, map(le, ends, people.dropout_by)))
    active_next = list(map(and_, enrolled, map(gt, ends, repeat(p.end))))
    keys = list(map(REASON_KEY.get, people.exit_reason))  # type: ignore[arg-type]  # None: no exit, no key
    counted = [key if exit_ and not dropout else None
               for exit_, dropout, key in zip(exits, dropouts, keys, strict=True)]
    return _Flags(active, exits, dropouts, active_next, counted)


def exit_days(people: Participants) -> list[dt.date]:
    """Each participant's exit date, ``date.max`` for one still active (never before any day)."""
    return [dt.date.max if end is None else end for end in people.end]


def _sums(people: Participants, f: _Flags) -> dict[str, Counter[str]]:
    """The counts of COUNT_KEYS for the total (``""``), each team and each gender: participants with the same
    team, gender and flags are counted together, so the rows are walked once."""
    states = Counter(zip(people.team, people.gender, f.active, f.exits, f.dropouts, f.active_next, f.counted,
                         strict=True))
    sums: dict[str, Counter[str]] = {}
    for (team, gender, *state), count in states.items():
        for group in ("", f"team:{team}", f"kon:{gender}"):
            counter = sums.setdefault(group, Counter())
            for key, on in zip(("active", "exits", "dropouts", "active_next_period"), state[:4], strict=True):
                counter[key] += count * on
            if state[4] is not None:
                counter[state[4]] += count
    return sums


def _means(people: Participants, f: _Flags) -> dict[str, tuple[list[Decimal], int, int]]:
    """For the total and each team and gender: the years without work of its positive exits (those given), the
    number of its positive exits and their days from start to exit. Gathered per (team, gender) in one pass over
    the positive exits, then added up per group."""
    cells: dict[tuple[str, str], tuple[list[Decimal], list[int]]] = {}
    for i in compress(range(len(people)), map(POSITIVE_SET.__contains__, f.counted)):
        years, days = cells.setdefault((people.team[i], people.gender[i]), ([], []))
        if people.years_without_work[i] is not None:
            years.append(people.years_without_work[i])  # type: ignore[arg-type]  # not None: tested just above
        days.append(people.end[i].toordinal() - people.start[i].toordinal())  # type: ignore[union-attr]  # an exit
    found: dict[str, tuple[list[Decimal], int, int]] = {}
    for (team, gender), (years, days) in cells.items():
        for group in ("", f"team:{team}", f"kon:{gender}"):
            given, count, total = found.get(group, ([], 0, 0))
            found[group] = (given + years, count + len(days), total + sum(days))
    return found


POSITIVE_SET = frozenset(POSITIVE_KEYS)


def figures(sums: Counter[str], means: tuple[list[Decimal], int, int] | None) -> Figures:
    """The figures of one group from its counts and its positive exits."""
    counts = {key: sums[key] for key in COUNT_KEYS}
    positive = sum(counts[k] for k in POSITIVE_KEYS)
    goal = percent(positive, counts["exits"] - counts["dropouts"])
    years, exits, days = means or ([], 0, 0)
    mean_years = round1(sum(years, Decimal(0)) / len(years)) if years else None
    mean_months = round1(Decimal(days) / (exits * DAYS_PER_MONTH)) if exits else None
    return Figures(**counts, positive=positive, goal_attainment_percent=goal, mean_years_without_work=mean_years,
                   mean_throughput_months=mean_months)


def covers(people: Participants, p: Period) -> bool:
    """The register covers ``p`` when some valid participant was enrolled on or before its end."""
    return bool(people.start) and min(people.start) <= p.end


def compute(register: ParticipantRegister, p: Period) -> Outcomes:
    """The outcome tables of docs/utfall.md for period ``p``."""
    people = register.participants
    ends = exit_days(people)
    f = flags(people, p, ends)
    sums, means = _sums(people, f), _means(people, f)
    prev = p.previous()
    before = None
    if covers(people, prev):
        f_prev = flags(people, prev, ends)
        before = (_sums(people, f_prev), _means(people, f_prev))
    rows = []
    for group, name in groups(people, f.active):
        key = "" if group == "total" else f"{group}:{name}"
        previous = None if before is None else figures(before[0].get(key, Counter()), before[1].get(key))
        rows.append(OutcomeRow(group=group, name=name, **vars(figures(sums.get(key, Counter()), means.get(key))),
                               previous=previous))
    return Outcomes(
        period=p, rows=rows, findings=register.findings,
        ors=ors.compute(register, p), excluded_rows=register.excluded, excluded_ors_rows=register.ors_excluded,
        work_support=_work_support(people, f), other_comments=_other_comments(people, f),
    )


def _work_support(people: Participants, f: _Flags) -> list[SupportCount]:
    work = map(eq, f.counted, repeat("work"))
    counts = Counter(SUPPORT_MISSING if s is None else s for s in compress(people.labour_support, work))
    return [SupportCount(support=s, count=counts[s]) for s in (*LABOUR_SUPPORTS, SUPPORT_MISSING) if counts[s]]


def _other_comments(people: Participants, f: _Flags) -> list[OtherComment]:
    items = [OtherComment(team=str(people.team[i]), exit_date=people.end[i],  # type: ignore[arg-type]  # an exit
                          comment="" if people.comment[i] is None else str(people.comment[i]))
             for i in compress(range(len(people)), map(eq, f.counted, repeat("other")))]
    return sorted(items, key=lambda c: (swedish_key(c.team), c.exit_date))


def with_support(work_support: list[SupportCount]) -> tuple[int, int]:
    """(with labour-market support, without) among the Arbete exits; a missing value counts as neither."""
    without = sum(s.count for s in work_support if s.support == NO_SUPPORT)
    missing = sum(s.count for s in work_support if s.support == SUPPORT_MISSING)
    return sum(s.count for s in work_support) - without - missing, without
