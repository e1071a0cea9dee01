"""ORS and SRS follow-up (docs/utfall.md): how the ORS policy is followed, ORS change, the SRS share; never printing.

For period P and each participant active during P, the enrolled part is [a, b] = [max(P.start, enrolment),
min(P.end, exit or P.end)]. With the ORS dates d1 < … < dk inside it, the participant *follows the policy* when
each point of a, d1, …, dk, b is at most two calendar months after the one before (:func:`follows`), and the
*preferred rhythm* with one month. Scores are counted in tenths of a point, exactly (a valid score has at most one
decimal); means are rounded once, half away from zero, to one decimal. SRS scores are never part of a result: only
whether an SRS was done. The tables are computed with pandas over the register's frames
(:mod:`samrehab_cli.participants.frames`); ``samrehab ors --due``, a short list, is made without them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from samrehab_cli import errors
from samrehab_cli.dates import add_months
from samrehab_cli.findings import Finding
from samrehab_cli.participants import frames
from samrehab_cli.participants.period import Period, percent, round1, swedish_key
from samrehab_cli.sheets import collector_paused

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from samrehab_cli.participants.read import ParticipantRegister

POLICY_MONTHS = 2  # "allra senast en gång per varannan månad"
PREFERRED_MONTHS = 1  # "helst en gång i månaden"
# scores in tenths of a point (exact: a valid score has at most one decimal)
RELIABLE_CHANGE = 50  # a change of 5 points or more is reliable
CLINICAL_CUTOFF = 250  # adult cut-off: a first score of 25 or less is in the clinical range


def follows(a: np.ndarray, b: np.ndarray, who: np.ndarray, days: np.ndarray, months: int) -> np.ndarray:
    """For each participant i, whether each point of a[i], i's days inside [a[i], b[i]] in order, and b[i] is at most
    ``months`` calendar months after the one before ("at most" = on or before; months are clamped to the month's end
    by :func:`frames.add_months`). ``who`` and ``days`` are the measurements (participant, datetime64[D]) sorted by
    participant and day; a and b are datetime64[D], one per participant."""
    import numpy as np

    inside = (days >= a[who]) & (days <= b[who])
    on, at = who[inside], days[inside]
    opens = np.diff(on, prepend=-1) != 0  # the participant's first day inside
    closes = np.diff(on, append=-1) != 0  # and its last
    before = np.where(opens, a[on], np.roll(at, 1))  # the point before each day
    last = a.copy()
    last[on[closes]] = at[closes]
    late = np.zeros(len(a), dtype=bool)
    late[on[at > frames.add_months(before, months)]] = True
    return ~late & (b <= frames.add_months(last, months))


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


def compute(register: ParticipantRegister, p: Period, people: pd.DataFrame | None = None) -> list[OrsRow]:
    """The ORS rows for ``p`` (same groups and order as the outcome rows); [] when the register has no ORS.

    ``people`` is the participants' frame (:func:`frames.participants`) when the caller has made it. The verdicts
    and the change of every active participant are computed at once over the measurements sorted by participant
    and date, then added up per group."""
    import numpy as np
    import pandas as pd

    if register.ors is None:
        return []
    with collector_paused():  # a column of objects for each of the register's texts
        people = frames.participants(register.participants) if people is None else people
        measured = frames.measurements(register.ors, register.participants.participant_id)
    first, last = np.datetime64(p.start, "D"), np.datetime64(p.end, "D")
    start, end = people["start"].to_numpy(), people["end"].to_numpy()
    active = (start <= last) & ~(end < first)
    who, day, tenths = (measured[key].to_numpy() for key in ("who", "date", "ors10"))
    of_active = np.append(active, False)[who]  # who = -1 (no valid participant) picks the False at the end
    srs = np.zeros(len(people), dtype=bool)
    srs[who[of_active & measured["srs"].to_numpy() & (day >= first) & (day <= last)]] = True
    chosen = (of_active & (tenths >= 0)).nonzero()[0]  # the ORS measurements of the active participants,
    chosen = chosen[np.lexsort((day[chosen], who[chosen]))]  # by participant and day
    who, day, tenths = who[chosen], day[chosen], tenths[chosen]

    # the verdicts, over the enrolled part [a, b] of P (to P's end while enrolled: NaT compares false)
    a, b = np.maximum(start, first), np.where(end < last, end, last)
    per = pd.DataFrame({"active": active, "policy": active & follows(a, b, who, day, POLICY_MONTHS),
                        "monthly": active & follows(a, b, who, day, PREFERRED_MONTHS), "srs": srs}, copy=False)
    # the change: first = the earliest ORS, last = the latest on or before P's end, when that lies in P
    upto = day <= last
    scores = pd.DataFrame({"who": who[upto], "day": day[upto], "score": tenths[upto]}, copy=False)
    ends = scores.groupby("who").agg(first=("score", "first"), last=("score", "last"), day=("day", "last"),
                                     measured=("score", "size"))
    ends = ends[(ends["measured"] >= 2) & (ends["day"] >= first)]
    difference = ends["last"] - ends["first"]
    clinical = ends["first"] <= CLINICAL_CUTOFF
    improved = difference >= RELIABLE_CHANGE
    changes = pd.DataFrame({
        "with_change": 1, "first": ends["first"], "last": ends["last"], "change": difference, "improved": improved,
        "deteriorated": difference <= -RELIABLE_CHANGE, "clinical": clinical,
        "recovered": clinical & (ends["last"] > CLINICAL_CUTOFF) & improved,
    }).astype(np.int64)
    per = pd.concat([per, changes.reindex(per.index, fill_value=0)], axis=1)  # zeros: no change
    rows = []
    for group, name, sums in frames.group_sums(per.groupby([people["team"], people["gender"]], observed=True).sum(),
                                               "active"):
        n = {key: int(value) for key, value in sums.items()}
        rows.append(OrsRow(
            group=group, name=name, active=n["active"],
            policy_percent=percent(n["policy"], n["active"]), monthly_percent=percent(n["monthly"], n["active"]),
            with_change=n["with_change"], mean_first=_mean(n["first"], n["with_change"]),
            mean_last=_mean(n["last"], n["with_change"]), mean_change=_mean(n["change"], n["with_change"]),
            improved_percent=percent(n["improved"], n["with_change"]),
            deteriorated_percent=percent(n["deteriorated"], n["with_change"]),
            clinical_at_start=n["clinical"], recovered_percent=percent(n["recovered"], n["clinical"]),
            srs_percent=percent(n["srs"], n["active"]),
        ))
    return rows


def _mean(tenths: int, count: int) -> float | None:
    """The mean of ``count`` scores that add up to ``tenths`` tenths of a point, rounded once."""
    return round1(Decimal(tenths) / (10 * count)) if count else None


# --- who needs an ORS now (samrehab ors --due) -----------------------------------------------------------------
class UnknownTeam(errors.SamrehabError):
    """Registret har inget team {team}; teamen är {teams}. Skriv teamets namn som i kolumnen Team."""


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
    exits on or before ``next_required_by`` is not listed (the exit comes first). A ``team`` that no valid
    participant has raises :class:`UnknownTeam`: a typo must not read as "nobody is due"."""
    people = register.participants
    wanted = None
    if team is not None:
        wanted = team.strip().casefold()
        teams = sorted(set(map(str, people.team)), key=swedish_key)
        if wanted not in {name.casefold() for name in teams}:
            raise UnknownTeam(team=team.strip(), teams=errors.listed(teams or ["inga (registret har inga giltiga "
                                                                               "rader)"], "och"))
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
