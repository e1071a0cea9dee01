"""The Södra Dalarna outcome measures (docs/utfall.md): pandas in, a result model out, never printing.

A period (:mod:`samrehab_cli.participants.period`) is a year or a half-year. Every count is a vectorised comparison
over the register's data frame (:mod:`samrehab_cli.participants.frames`, one row per valid participant), made for
the period and the previous one into one frame of flags, which is added up for every group at once: the total,
each team (alphabetically) and each gender (Kvinna, Man, and Annat when present).

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
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from samrehab_cli.findings import Finding
from samrehab_cli.participants import frames, ors
from samrehab_cli.participants.ors import OrsRow
from samrehab_cli.participants.period import Period, percent, round1, swedish_key
from samrehab_cli.schema import EXIT_REASONS, LABOUR_SUPPORTS
from samrehab_cli.sheets import collector_paused

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from samrehab_cli.participants.read import ParticipantRegister, Participants

#: Row keys of the outcome columns, in the order of the policy's table and of :data:`schema.EXIT_REASONS`.
OUTCOME_KEYS = ("work", "studies", "vocational_rehab", "medical_rehab", "sickness_compensation", "other")
REASON_KEY = dict(zip(EXIT_REASONS, OUTCOME_KEYS, strict=True))
POSITIVE_KEYS = OUTCOME_KEYS[:3]  # the policy's green columns
COUNT_KEYS = ("active", "exits", "dropouts", *OUTCOME_KEYS, "active_next_period")
DAYS_PER_MONTH = Decimal("30.4375")
#: a dropout leaves on or before the day this many calendar months after enrolment (docs/utfall.md)
DROPOUT_MONTHS = 2
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
def flags(people: pd.DataFrame, periods: dict[str, Period]) -> pd.DataFrame:
    """For each named period, one column per count of docs/utfall.md (COUNT_KEYS), entry i for participant i
    (``people``: :func:`frames.participants`), and for the means of its positive exits: their days from start to
    exit, whether their years without work are given, and those years (None elsewhere). The columns are named
    (period's name, key); the flags are one block of booleans. A participant without an exit date never leaves
    (NaT compares false)."""
    import numpy as np
    import pandas as pd

    start, end = people["start"].to_numpy(), people["end"].to_numpy()
    reason = people["reason"].cat.codes.to_numpy()  # EXIT_REASONS' order = OUTCOME_KEYS' order, -1 for none
    dropout_by = frames.add_months(start, DROPOUT_MONTHS)
    positive_reason = (reason >= 0) & (reason < len(POSITIVE_KEYS))
    days = (end - start).astype("timedelta64[D]").astype(np.int64)  # NaT's is meaningless, and never chosen
    years = people["years"]
    years_given = years.notna().to_numpy()
    found: dict[tuple[str, str], np.ndarray] = {}
    means: dict[tuple[str, str], np.ndarray | pd.Series] = {}
    for name, p in periods.items():
        first, last = np.datetime64(p.start, "D"), np.datetime64(p.end, "D")
        enrolled = start <= last
        active = enrolled & ~(end < first)
        exits = active & (end <= last)
        dropouts = exits & (end <= dropout_by)
        counted = exits & ~dropouts
        positive = counted & positive_reason
        given = positive & years_given
        found |= {(name, "active"): active, (name, "exits"): exits, (name, "dropouts"): dropouts,
                  **{(name, key): counted & (reason == code) for code, key in enumerate(OUTCOME_KEYS)},
                  (name, "active_next_period"): enrolled & ~(end <= last), (name, "years_given"): given}
        means |= {(name, "days"): np.where(positive, days, 0), (name, "years"): years.where(given)}
    table = pd.DataFrame(np.array(list(found.values())).T, columns=pd.MultiIndex.from_tuples(list(found)))
    for key, column in means.items():
        table[key] = column
    return table


def figures(sums: pd.Series) -> Figures:
    """The figures of one group from the sums of its :func:`flags` for one period."""
    counts = {key: int(sums[key]) for key in COUNT_KEYS}
    positive = sum(counts[k] for k in POSITIVE_KEYS)
    goal = percent(positive, counts["exits"] - counts["dropouts"])
    given = int(sums["years_given"])
    mean_years = round1((Decimal(0) + sums["years"]) / given) if given else None  # 0 +: never a negative zero
    mean_months = round1(Decimal(int(sums["days"])) / (positive * DAYS_PER_MONTH)) if positive else None
    return Figures(**counts, positive=positive, goal_attainment_percent=goal, mean_years_without_work=mean_years,
                   mean_throughput_months=mean_months)


def covers(people: pd.DataFrame, p: Period) -> bool:
    """The register covers ``p`` when some valid participant was enrolled on or before its end."""
    import numpy as np

    return bool((people["start"].to_numpy() <= np.datetime64(p.end, "D")).any())


def compute(register: ParticipantRegister, p: Period) -> Outcomes:
    """The outcome tables of docs/utfall.md for period ``p``: the flags of the period and of the previous one in one
    frame, added up per group at once."""
    with collector_paused():  # a column of objects for each of the register's texts
        people = frames.participants(register.participants)
    prev = p.previous()
    table = flags(people, {"now": p, **({"before": prev} if covers(people, prev) else {})})
    rows = [OutcomeRow(group=group, name=name, **vars(figures(sums["now"])),
                       previous=figures(sums["before"]) if "before" in sums else None)
            for group, name, sums in frames.group_sums(table, people, ("now", "active"))]
    return Outcomes(
        period=p, rows=rows, findings=register.findings,
        ors=ors.compute(register, p, people), excluded_rows=register.excluded,
        excluded_ors_rows=register.ors_excluded,
        work_support=_work_support(people, table["now", "work"].to_numpy()),
        other_comments=_other_comments(register.participants, table["now", "other"].to_numpy()),
    )


def _work_support(people: pd.DataFrame, work: np.ndarray) -> list[SupportCount]:
    counts = people["labour_support"][work].fillna(SUPPORT_MISSING).value_counts()
    return [SupportCount(support=s, count=int(counts[s])) for s in (*LABOUR_SUPPORTS, SUPPORT_MISSING)
            if s in counts.index]


def _other_comments(people: Participants, other: np.ndarray) -> list[OtherComment]:
    """Team, exit date and Kommentar of each Annat exit, by team and then date (else in the register's order)."""
    items = [OtherComment(team=str(people.team[i]), exit_date=people.end[i],  # type: ignore[arg-type]  # an exit
                          comment="" if people.comment[i] is None else str(people.comment[i]))
             for i in other.nonzero()[0].tolist()]
    return sorted(items, key=lambda c: (swedish_key(c.team), c.exit_date))


def with_support(work_support: list[SupportCount]) -> tuple[int, int]:
    """(with labour-market support, without) among the Arbete exits; a missing value counts as neither."""
    without = sum(s.count for s in work_support if s.support == NO_SUPPORT)
    missing = sum(s.count for s in work_support if s.support == SUPPORT_MISSING)
    return sum(s.count for s in work_support) - without - missing, without
