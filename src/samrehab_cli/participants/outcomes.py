"""The Södra Dalarna outcome measures (docs/utfall.md): pandas in, a result model out, never printing.

A period (:mod:`samrehab_cli.participants.period`) is a year or a half-year. Every count is a vectorised comparison
over the register's data frame (one row per valid participant), summed per group: the total, each team
(alphabetically) and each gender (Kvinna, Man, and Annat when present).

``previous`` holds the same figures for the previous period of the same kind (2020 → 2019, 2020H1 → 2019H2,
2020H2 → 2020H1) when the register *covers* it: at least one valid participant was enrolled on or before the
previous period's end (so the team was running then). Otherwise it is null.

The result's JSON (docs/utdata.md) holds the period, the rows and the findings, ``ors`` (one ORS row per group,
``[]`` when the register has no ORS measurements), and these top-level keys: ``excluded_rows`` (participant rows left
out because of a ``fel``), ``excluded_ors_rows`` (ORS rows left out because of any D420–D424),
``work_support`` (the period's Arbete exits, dropouts excluded, per Arbetsmarknadsstöd in the schema's order,
``"Uppgift saknas"`` last) and ``other_comments`` (team, exit date and Kommentar of each Annat exit; no
Deltagar-ID).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

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
    import pandas as pd

    from samrehab_cli.participants.read import ParticipantRegister

#: Row keys of the outcome columns, in the order of the policy's table and of :data:`schema.EXIT_REASONS`.
OUTCOME_KEYS = ("work", "studies", "vocational_rehab", "medical_rehab", "sickness_compensation", "other")
REASON_KEY = dict(zip(EXIT_REASONS, OUTCOME_KEYS, strict=True))
POSITIVE_KEYS = OUTCOME_KEYS[:3]  # the policy's green columns
COUNT_KEYS = ("active", "exits", "dropouts", *OUTCOME_KEYS, "active_next_period")
DAYS_PER_MONTH = Decimal("30.4375")
NO_SUPPORT = "Utan stöd"
SUPPORT_MISSING = "Uppgift saknas"


# --- the result model (docs/utdata.md) -----------------------------------------------------------------------------
class _Named(BaseModel):
    group: Literal["total", "team", "kon"]
    name: str


class Figures(BaseModel):
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


class OutcomeRow(Figures, _Named):
    previous: Figures | None


class SupportCount(BaseModel):
    support: str
    count: int


class OtherComment(BaseModel):
    team: str
    exit_date: dt.date
    comment: str


class Outcomes(BaseModel):
    period: Period
    rows: list[OutcomeRow]
    findings: list[Finding]
    ors: list[OrsRow]
    excluded_rows: int
    excluded_ors_rows: int
    work_support: list[SupportCount]
    other_comments: list[OtherComment]


# --- the computation ---------------------------------------------------------------------------------------------
def flags(df: pd.DataFrame, p: Period) -> pd.DataFrame:
    """One 0/1 column per count of docs/utfall.md (``COUNT_KEYS``) and ``positive_exit``, one row per participant."""
    import numpy as np
    import pandas as pd

    start, end = np.datetime64(p.start, "s"), np.datetime64(p.end, "s")
    exit_day = df["end"]
    enrolled = df["start"] <= end
    active = enrolled & ~(exit_day < start)  # NaT compares False: still enrolled
    exits = enrolled & (exit_day >= start) & (exit_day <= end)
    dropouts = exits & (exit_day <= df["dropout_by"])
    counted = exits & ~dropouts
    out: dict[str, pd.Series] = {"active": active, "exits": exits, "dropouts": dropouts}
    for reason, key in REASON_KEY.items():
        out[key] = counted & (df["exit_reason"] == reason)
    out["active_next_period"] = enrolled & ~(exit_day <= end)
    out["positive_exit"] = counted & df["exit_reason"].isin([r for r, k in REASON_KEY.items() if k in POSITIVE_KEYS])
    return pd.DataFrame(out).astype("int64")


def figures(df: pd.DataFrame, f: pd.DataFrame, mask: pd.Series | None) -> Figures:
    """The figures of one group (``mask`` None: everyone) from the participant flags ``f``."""
    keep = None if mask is None else mask.to_numpy(dtype=bool)
    sub = f if keep is None else f[keep]
    sums = {key: int(sub[key].sum()) for key in COUNT_KEYS}
    positive = sum(sums[k] for k in POSITIVE_KEYS)
    base = sums["exits"] - sums["dropouts"]
    goal = percent(positive, base)
    positive_exit = f["positive_exit"].to_numpy() == 1
    chosen = df[positive_exit if keep is None else positive_exit & keep]
    years = [y for y in chosen["years_without_work"] if y is not None]
    mean_years = round1(sum(years, Decimal(0)) / len(years)) if years else None
    days = int((chosen["end"] - chosen["start"]).dt.days.sum())
    mean_months = round1(Decimal(days) / (len(chosen) * DAYS_PER_MONTH)) if len(chosen) else None
    return Figures(**sums, positive=positive, goal_attainment_percent=goal, mean_years_without_work=mean_years,
                   mean_throughput_months=mean_months)


def covers(df: pd.DataFrame, p: Period) -> bool:
    """The register covers ``p`` when some valid participant was enrolled on or before its end."""
    import numpy as np

    return bool((df["start"] <= np.datetime64(p.end, "s")).any())


def compute(register: ParticipantRegister, p: Period) -> Outcomes:
    """The outcome tables of docs/utfall.md for period ``p``."""
    df = register.participants
    f = flags(df, p)
    prev = p.previous()
    f_prev = flags(df, prev) if covers(df, prev) else None
    rows = [
        OutcomeRow(group=group, name=name, **figures(df, f, mask).model_dump(),
                   previous=None if f_prev is None else figures(df, f_prev, mask))
        for group, name, mask in groups(df, f["active"])
    ]
    return Outcomes(
        period=p, rows=rows, findings=register.findings,
        ors=ors.compute(register, p), excluded_rows=register.excluded, excluded_ors_rows=register.ors_excluded,
        work_support=_work_support(df, f), other_comments=_other_comments(df, f),
    )


def _work_support(df: pd.DataFrame, f: pd.DataFrame) -> list[SupportCount]:
    supports = df.loc[f["work"].to_numpy() == 1, "labour_support"].fillna(SUPPORT_MISSING)
    counts = supports.value_counts()
    return [SupportCount(support=s, count=int(counts.get(s, 0))) for s in (*LABOUR_SUPPORTS, SUPPORT_MISSING)
            if counts.get(s, 0)]


def _other_comments(df: pd.DataFrame, f: pd.DataFrame) -> list[OtherComment]:
    chosen = df.loc[f["other"].to_numpy() == 1, ["team", "end", "comment"]]
    items = [OtherComment(team=str(team), exit_date=end.date(), comment="" if comment is None else str(comment))
             for team, end, comment in chosen.itertuples(index=False)]
    return sorted(items, key=lambda c: (swedish_key(c.team), c.exit_date))


def with_support(work_support: list[SupportCount]) -> tuple[int, int]:
    """(with labour-market support, without) among the Arbete exits; a missing value counts as neither."""
    without = sum(s.count for s in work_support if s.support == NO_SUPPORT)
    missing = sum(s.count for s in work_support if s.support == SUPPORT_MISSING)
    return sum(s.count for s in work_support) - without - missing, without
