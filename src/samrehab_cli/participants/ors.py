"""ORS and SRS follow-up (docs/utfall.md): how the ORS policy is followed, ORS change, the SRS share; never printing.

For period P and each participant active during P, the enrolled part is [a, b] = [max(P.start, enrolment),
min(P.end, exit or P.end)]. With the ORS dates d1 < … < dk inside it, the participant *follows the policy* when
each point of a, d1, …, dk, b is at most two calendar months after the one before (:func:`follows`), and the
*preferred rhythm* with one month. Scores are Decimals as typed; means are rounded once, half away from zero,
to one decimal. SRS scores are never part of a result: only whether an SRS was done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, repeat
from operator import and_, ge, le
from typing import TYPE_CHECKING, Literal

from samrehab_cli.dates import add_months
from samrehab_cli.findings import Finding
from samrehab_cli.participants.period import Period, groups, member, percent, round1

if TYPE_CHECKING:
    from samrehab_cli.participants.read import ParticipantRegister

POLICY_MONTHS = 2  # "allra senast en gång per varannan månad"
PREFERRED_MONTHS = 1  # "helst en gång i månaden"
RELIABLE_CHANGE = Decimal(5)
CLINICAL_CUTOFF = Decimal(25)  # adult cut-off: a first score of 25 or less is in the clinical range


def follows(a: dt.date, b: dt.date, days: Iterable[dt.date], months: int) -> bool:
    """Each point of a, the days inside [a, b] in order, and b is at most ``months`` calendar months after the
    one before ("at most" = on or before; months are clamped to the month's end by :func:`dates.add_months`)."""
    point = a
    for day in [*sorted(d for d in set(days) if a <= d <= b), b]:
        if day > add_months(point, months):
            return False
        point = day
    return True


@dataclass(frozen=True)
class Change:
    first: Decimal
    last: Decimal

    @property
    def difference(self) -> Decimal:
        return self.last - self.first

    @property
    def improved(self) -> bool:
        return self.difference >= RELIABLE_CHANGE

    @property
    def deteriorated(self) -> bool:
        return self.difference <= -RELIABLE_CHANGE

    @property
    def clinical(self) -> bool:
        return self.first <= CLINICAL_CUTOFF

    @property
    def recovered(self) -> bool:
        return self.clinical and self.last > CLINICAL_CUTOFF and self.improved


def change(measurements: list[tuple[dt.date, Decimal]], p: Period) -> Change | None:
    """First = the earliest ORS, last = the latest on or before P's end; None unless there are at least two of
    those and the last lies in P. ``measurements`` are (date, score) sorted by date."""
    upto = [m for m in measurements if m[0] <= p.end]
    if len(upto) < 2 or upto[-1][0] < p.start:
        return None
    return Change(upto[0][1], upto[-1][1])


def _mean(values: list[Decimal]) -> float | None:
    return round1(sum(values, Decimal(0)) / len(values)) if values else None


@dataclass
class OrsRow:
    """One ORS row (docs/utfall.md); null where the base is zero."""

    group: Literal["total", "team", "kon"]
    name: str
    active: int
    policy_percent: float | None
    monthly_percent: float | None
    with_change: int
    mean_first: float | None
    mean_last: float | None
    mean_change: float | None
    improved_percent: float | None
    deteriorated_percent: float | None
    clinical_at_start: int
    recovered_percent: float | None
    srs_percent: float | None


def compute(register: ParticipantRegister, p: Period) -> list[OrsRow]:
    """The ORS rows for ``p`` (same groups and order as the outcome rows); [] when the register has no ORS."""
    measured = register.ors
    if measured is None:
        return []
    people = register.participants
    ends = [dt.date.max if end is None else end for end in people.end]
    active = list(map(and_, map(le, people.start, repeat(p.end)), map(ge, ends, repeat(p.start))))
    scores: dict[object, list[tuple[dt.date, Decimal]]] = {}
    for day, pid, score in sorted(zip(measured.date, measured.participant_id, measured.ors, strict=True),
                                  key=lambda m: m[:2]):
        if score is not None:
            scores.setdefault(pid, []).append((day, score))
    with_srs = {pid for pid, day, srs in zip(measured.participant_id, measured.date, measured.srs, strict=True)
                if srs is not None and p.start <= day <= p.end}

    record: dict[int, tuple[bool, bool, Change | None, bool]] = {}  # participant → policy, monthly, change, srs
    for i in compress(range(len(people)), active):
        pid, end = people.participant_id[i], people.end[i]
        a, b = max(p.start, people.start[i]), p.end if end is None else min(p.end, end)
        found = scores.get(pid, [])
        days = [d for d, _ in found]
        record[i] = (follows(a, b, days, POLICY_MONTHS), follows(a, b, days, PREFERRED_MONTHS), change(found, p),
                     pid in with_srs)
    rows = []
    for group, name in groups(people, active):
        sub = [r for i, r in record.items() if member(group, name, people.team[i], people.gender[i])]
        changes = [c for _, _, c, _ in sub if c is not None]
        clinical = [c for c in changes if c.clinical]
        rows.append(OrsRow(
            group=group, name=name, active=len(sub),
            policy_percent=percent(sum(r[0] for r in sub), len(sub)),
            monthly_percent=percent(sum(r[1] for r in sub), len(sub)),
            with_change=len(changes),
            mean_first=_mean([c.first for c in changes]),
            mean_last=_mean([c.last for c in changes]),
            mean_change=_mean([c.difference for c in changes]),
            improved_percent=percent(sum(c.improved for c in changes), len(changes)),
            deteriorated_percent=percent(sum(c.deteriorated for c in changes), len(changes)),
            clinical_at_start=len(clinical),
            recovered_percent=percent(sum(c.recovered for c in clinical), len(clinical)),
            srs_percent=percent(sum(r[3] for r in sub), len(sub)),
        ))
    return rows


# --- who needs an ORS now (samrehab ors --due) -----------------------------------------------------------------
@dataclass
class DueParticipant:
    participant_id: str
    team: str
    last_ors: dt.date | None  # None: no ORS yet, counted from Inskrivningsdatum
    next_required_by: dt.date
    overdue: bool


@dataclass
class DueList:
    """``samrehab ors --due``: whom to do ORS with, Deltagar-ID only, soonest first."""

    date: dt.date
    team: str | None
    due: list[DueParticipant]
    findings: list[Finding]


def due(register: ParticipantRegister, day: dt.date, team: str | None = None) -> DueList:
    """Participants enrolled on ``day`` whose last ORS on or before it (else Inskrivningsdatum) plus one month is
    before ``day``; ``next_required_by`` = that date + two months, overdue when before ``day``. A participant who
    exits on or before ``next_required_by`` is not listed (the exit comes first)."""
    people = register.participants
    wanted = None if team is None else team.strip().casefold()
    last: dict[object, dt.date] = {}
    if register.ors is not None:
        for pid, measured, score in zip(register.ors.participant_id, register.ors.date, register.ors.ors, strict=True):
            if score is not None and measured <= day and measured > last.get(pid, dt.date.min):
                last[pid] = measured
    listed = []
    for pid, team_name, start, end in zip(people.participant_id, people.team, people.start, people.end, strict=True):
        if start > day or (end is not None and end < day):
            continue
        if wanted is not None and str(team_name).casefold() != wanted:
            continue
        since = last.get(pid)
        basis = since or start
        if not add_months(basis, PREFERRED_MONTHS) < day:
            continue
        required = add_months(basis, POLICY_MONTHS)
        if end is not None and end <= required:
            continue
        listed.append(DueParticipant(participant_id=str(pid), team=str(team_name), last_ors=since,
                                     next_required_by=required, overdue=required < day))
    listed.sort(key=lambda d: (d.next_required_by, d.participant_id))
    return DueList(date=day, team=team, due=listed, findings=register.findings)
