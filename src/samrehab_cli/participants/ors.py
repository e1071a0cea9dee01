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
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.dates import add_months
from samrehab_cli.findings import Finding
from samrehab_cli.participants.period import Period, groups, percent, round1, swedish_key

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


class OrsRow(BaseModel):
    """One ORS row (docs/utfall.md, "ORS-tabellen"); null where the base is zero."""

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
    import numpy as np
    import pandas as pd

    if register.ors is None:
        return []
    df = register.participants
    start, end = np.datetime64(p.start, "s"), np.datetime64(p.end, "s")
    active = (df["start"] <= end) & ~(df["end"] < start)
    ors = register.ors.sort_values(["participant_id", "date"], kind="stable")
    scores: dict[object, list[tuple[dt.date, Decimal]]] = {}
    for pid, day, score in ors.loc[ors["ors"].notna(), ["participant_id", "date", "ors"]].itertuples(index=False):
        scores.setdefault(pid, []).append((day.date(), score))
    in_period = ors["srs"].notna() & (ors["date"] >= start) & (ors["date"] <= end)
    with_srs = set(ors.loc[in_period, "participant_id"])

    records = []
    for pid, enrolled, left in df.loc[active, ["participant_id", "start", "end"]].itertuples(index=False):
        a = max(p.start, enrolled.date())
        b = p.end if pd.isna(left) else min(p.end, left.date())
        measured = scores.get(pid, [])
        days = [d for d, _ in measured]
        records.append((follows(a, b, days, POLICY_MONTHS), follows(a, b, days, PREFERRED_MONTHS),
                        change(measured, p), pid in with_srs))
    per = pd.DataFrame(records, columns=["policy", "monthly", "change", "srs"], index=df.index[active.to_numpy()])
    rows = []
    for group, name, mask in groups(df, active.astype("int64")):
        sub = per if mask is None else per[mask[active].to_numpy(dtype=bool)]
        changes = [c for c in sub["change"] if c is not None]
        clinical = [c for c in changes if c.clinical]
        rows.append(OrsRow(
            group=group, name=name, active=len(sub),
            policy_percent=percent(int(sub["policy"].sum()), len(sub)),
            monthly_percent=percent(int(sub["monthly"].sum()), len(sub)),
            with_change=len(changes),
            mean_first=_mean([c.first for c in changes]),
            mean_last=_mean([c.last for c in changes]),
            mean_change=_mean([c.difference for c in changes]),
            improved_percent=percent(sum(c.improved for c in changes), len(changes)),
            deteriorated_percent=percent(sum(c.deteriorated for c in changes), len(changes)),
            clinical_at_start=len(clinical),
            recovered_percent=percent(sum(c.recovered for c in clinical), len(clinical)),
            srs_percent=percent(int(sub["srs"].sum()), len(sub)),
        ))
    return rows


# --- who needs an ORS now (samrehab ors --due) -----------------------------------------------------------------
class UnknownTeam(errors.SamrehabError):
    """Registret har inget team {team}; teamen är {teams}. Skriv teamets namn som i kolumnen Team."""


class DueParticipant(BaseModel):
    participant_id: str
    team: str
    last_ors: dt.date | None  # None: no ORS yet, counted from Inskrivningsdatum
    next_required_by: dt.date
    overdue: bool


class DueList(BaseModel):
    """``samrehab ors --due``: whom to do ORS with, Deltagar-ID only, soonest first."""

    date: dt.date
    team: str | None
    due: list[DueParticipant]
    findings: list[Finding]


def due(register: ParticipantRegister, day: dt.date, team: str | None = None) -> DueList:
    """Participants enrolled on ``day`` whose last ORS on or before it (else Inskrivningsdatum) plus one month is
    before ``day``; ``next_required_by`` = that date + two months, overdue when before ``day``. A participant who
    exits on or before ``next_required_by`` is not listed (the exit comes first)."""
    import numpy as np
    import pandas as pd

    df = register.participants
    when = np.datetime64(day, "s")
    enrolled = (df["start"] <= when) & ~(df["end"] < when)
    if team is not None:
        chosen = df["team"].map(lambda t: str(t).casefold() == team.strip().casefold()).astype(bool)
        if not chosen.any():  # a typo must not read as "nobody is due"
            teams = sorted({str(t) for t in df["team"]}, key=swedish_key) or ["inga (registret har inga giltiga rader)"]
            raise UnknownTeam(team=team.strip(), teams=errors.listed(teams, "och"))
        enrolled &= chosen
    last: dict[object, dt.date] = {}
    if register.ors is not None:
        ors = register.ors
        measured = ors.loc[ors["ors"].notna() & (ors["date"] <= when)].groupby("participant_id")["date"].max()
        last = {pid: stamp.date() for pid, stamp in measured.items()}
    listed = []
    for pid, team_name, start, end in df.loc[enrolled, ["participant_id", "team", "start", "end"]].itertuples(
            index=False):
        since = last.get(pid)
        basis = since or start.date()
        if not add_months(basis, PREFERRED_MONTHS) < day:
            continue
        required = add_months(basis, POLICY_MONTHS)
        if not pd.isna(end) and end.date() <= required:
            continue
        listed.append(DueParticipant(participant_id=str(pid), team=str(team_name), last_ors=since,
                                     next_required_by=required, overdue=required < day))
    listed.sort(key=lambda d: (d.next_required_by, d.participant_id))
    return DueList(date=day, team=team, due=listed, findings=register.findings)
