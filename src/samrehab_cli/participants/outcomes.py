"""The Södra Dalarna outcome measures (docs/utfall.md): pandas in, a result model out, never printing.

A period (:mod:`samrehab_cli.participants.period`) is a year or a half-year. Each valid participant's state in the
period (:data:`STATES`: not active, still enrolled at its end, a dropout, or an exit under its reason) comes from
vectorised comparisons over the register's data frame (:mod:`samrehab_cli.participants.frames`); the states are
counted per (team, gender) with one groupby, and those few cells added up for every group: the total, each team
(alphabetically) and each gender (Kvinna, Man, and Annat when present).

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
from samrehab_cli.schema import LABOUR_SUPPORTS
from samrehab_cli.sheets import collector_paused

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from samrehab_cli.participants.read import ParticipantRegister, Participants

#: Row keys of the outcome columns, in the order of the policy's table and of :data:`schema.EXIT_REASONS`.
OUTCOME_KEYS = ("work", "studies", "vocational_rehab", "medical_rehab", "sickness_compensation", "other")
POSITIVE_KEYS = OUTCOME_KEYS[:3]  # the policy's green columns
COUNT_KEYS = ("active", "exits", "dropouts", *OUTCOME_KEYS, "active_next_period")
DAYS_PER_MONTH = Decimal("30.4375")
#: a dropout leaves on or before the day this many calendar months after enrolment (docs/utfall.md)
DROPOUT_MONTHS = 2
#: Where a participant stands in a period's table: not active in it, active and still enrolled at its end (so active
#: at the start of the next period), a dropout, or an exit counted under its reason (in OUTCOME_KEYS' order).
STATES = ("inactive", "stays", "dropout", *OUTCOME_KEYS)
DROPOUT, COUNTED = STATES.index("dropout"), STATES.index("dropout") + 1
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
def states(people: pd.DataFrame, p: Period, dropout_by: np.ndarray) -> np.ndarray:
    """The state of each participant in period ``p`` (its index in STATES), from :func:`frames.participants`'s
    columns and the last exit date of a dropout. A participant without an exit date never leaves (NaT compares
    false); an exit has its reason (D404)."""
    import numpy as np

    start, end = people["start"].to_numpy(), people["end"].to_numpy()
    reason = people["reason"].cat.codes.to_numpy()  # EXIT_REASONS' order = OUTCOME_KEYS' order
    first, last = np.datetime64(p.start, "D"), np.datetime64(p.end, "D")
    active = (start <= last) & ~(end < first)
    exits = active & (end <= last)
    found: np.ndarray = np.where(exits, np.where(end <= dropout_by, DROPOUT, COUNTED + reason), active)
    return found.astype(np.int8)


def tally(people: pd.DataFrame, states_of: dict[str, np.ndarray]) -> pd.DataFrame:
    """Per (team, gender): for each named period (``states_of``: its :func:`states`), how many participants are in
    each state and are active, and over its positive exits the days from start to exit, the years without work
    given and how many are given. The columns are named (period's name, state or ``active``, ``days``, ``years``,
    ``years_given``); participants of the same team, gender and state are counted together."""
    import numpy as np
    import pandas as pd

    cell = [people["team"], people["gender"]]
    start, end = people["start"].to_numpy(), people["end"].to_numpy()
    parts = {}
    for name, state in states_of.items():
        counts = pd.Series(state).groupby([*cell, state], observed=True).size().unstack(fill_value=0)
        counts = counts.reindex(columns=range(len(STATES)), fill_value=0).set_axis(STATES, axis=1)
        counts["active"] = counts.sum(axis=1) - counts["inactive"]
        positive = ((state >= COUNTED) & (state < COUNTED + len(POSITIVE_KEYS))).nonzero()[0]
        years = people["years"].iloc[positive]
        exits = pd.DataFrame({"days": (end[positive] - start[positive]).astype("timedelta64[D]").astype(np.int64),
                              "years": years.to_numpy(), "years_given": years.notna().to_numpy()}, copy=False)
        means = exits.groupby([column.iloc[positive].to_numpy() for column in cell]).sum()
        parts[name] = pd.concat([counts, means.reindex(counts.index, fill_value=0)], axis=1)
    return pd.concat(parts, axis=1)


def figures(sums: pd.Series) -> Figures:
    """The figures of one group from its :func:`tally` for one period."""
    n = {key: int(value) for key, value in sums.drop("years").items()}
    counts = {"active": n["active"], "exits": n["dropout"] + sum(n[key] for key in OUTCOME_KEYS),
              "dropouts": n["dropout"], **{key: n[key] for key in OUTCOME_KEYS}, "active_next_period": n["stays"]}
    positive = sum(counts[k] for k in POSITIVE_KEYS)
    goal = percent(positive, counts["exits"] - counts["dropouts"])
    given = n["years_given"]
    mean_years = round1((Decimal(0) + sums["years"]) / given) if given else None  # 0 +: never a negative zero
    mean_months = round1(Decimal(n["days"]) / (positive * DAYS_PER_MONTH)) if positive else None
    return Figures(**counts, positive=positive, goal_attainment_percent=goal, mean_years_without_work=mean_years,
                   mean_throughput_months=mean_months)


def covers(people: pd.DataFrame, p: Period) -> bool:
    """The register covers ``p`` when some valid participant was enrolled on or before its end."""
    import numpy as np

    return bool((people["start"].to_numpy() <= np.datetime64(p.end, "D")).any())


def compute(register: ParticipantRegister, p: Period) -> Outcomes:
    """The outcome tables of docs/utfall.md for period ``p``: each participant's state in the period and in the
    previous one, counted per (team, gender) and added up per group."""
    with collector_paused():  # a column of objects for each of the register's texts
        people = frames.participants(register.participants)
    dropout_by = frames.add_months(people["start"].to_numpy(), DROPOUT_MONTHS)
    now = states(people, p, dropout_by)
    prev = p.previous()
    before = {"before": states(people, prev, dropout_by)} if covers(people, prev) else {}
    rows = [OutcomeRow(group=group, name=name, **vars(figures(sums["now"])),
                       previous=figures(sums["before"]) if before else None)
            for group, name, sums in frames.group_sums(tally(people, {"now": now, **before}), ("now", "active"))]
    return Outcomes(
        period=p, rows=rows, findings=register.findings,
        ors=ors.compute(register, p, people), excluded_rows=register.excluded,
        excluded_ors_rows=register.ors_excluded,
        work_support=_work_support(people, now == STATES.index("work")),
        other_comments=_other_comments(register.participants, now == STATES.index("other")),
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
