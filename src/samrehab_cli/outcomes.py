"""The Södra Dalarna outcome measures (SPEC §5.2): pandas in, a result model out, never printing.

A period is a year (``2020``) or a half-year (``2020H1`` = January–June, ``2020H2`` = July–December). Every count
is a vectorised comparison over the register's data frame (one row per valid participant), summed per group:
the total, each team (alphabetically) and each gender (Kvinna, Man, and Annat when present).

``previous`` holds the same figures for the previous period of the same kind (2020 → 2019, 2020H1 → 2019H2,
2020H2 → 2020H1) when the register *covers* it: at least one valid participant was enrolled on or before the
previous period's end (so the team was running then). Otherwise it is null.

The result's JSON is SPEC §5.2's shape plus ``ors`` (SPEC §5.4: one ORS row per group, ``[]`` when the register
has no ORS measurements), with these documented extra top-level keys: ``excluded_rows`` (participant rows left
out because of a ``fel``), ``excluded_ors_rows`` (ORS rows left out because of any D420–D424),
``work_support`` (the period's Arbete exits, dropouts excluded, per Arbetsmarknadsstöd in the schema's order,
``"Uppgift saknas"`` last) and ``other_comments`` (team, exit date and Kommentar of each Annat exit; no
Deltagar-ID).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.findings import Finding
from samrehab_cli.schema import EXIT_REASONS, GENDERS, LABOUR_SUPPORTS

if TYPE_CHECKING:
    import pandas as pd

    from samrehab_cli.register import Register

#: Row keys of the outcome columns, in the order of the policy's table and of :data:`schema.EXIT_REASONS`.
OUTCOME_KEYS = ("work", "studies", "vocational_rehab", "medical_rehab", "sickness_compensation", "other")
REASON_KEY = dict(zip(EXIT_REASONS, OUTCOME_KEYS, strict=True))
POSITIVE_KEYS = OUTCOME_KEYS[:3]  # the policy's green columns
COUNT_KEYS = ("active", "exits", "dropouts", *OUTCOME_KEYS, "active_next_period")
DAYS_PER_MONTH = Decimal("30.4375")
NO_SUPPORT = "Utan stöd"
SUPPORT_MISSING = "Uppgift saknas"
TOTAL_NAME = "Totalt"


class BadPeriod(errors.SamrehabError):
    """{value} är ingen period. Skriv ett år (2020) eller ett halvår: 2020H1 för januari–juni, 2020H2 för juli–december."""


_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-\s]?\s*[Hh]\s*([12]))?\s*$")


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date

    @property
    def half(self) -> int | None:
        return None if len(self.label) == 4 else int(self.label[-1])

    def previous(self) -> Period:
        """The previous period of the same kind: 2020 → 2019, 2020H1 → 2019H2, 2020H2 → 2020H1."""
        year = self.start.year
        if self.half is None:
            return period(year - 1)
        return period(year - 1, 2) if self.half == 1 else period(year, 1)


def period(year: int, half: int | None = None) -> Period:
    if half is None:
        return Period(f"{year}", dt.date(year, 1, 1), dt.date(year, 12, 31))
    if half == 1:
        return Period(f"{year}H1", dt.date(year, 1, 1), dt.date(year, 6, 30))
    return Period(f"{year}H2", dt.date(year, 7, 1), dt.date(year, 12, 31))


def parse_period(text: str) -> Period:
    """``2020``, ``2020H1``, ``2020h2`` or ``2020-H2``; anything else raises :class:`BadPeriod`."""
    match = _PERIOD.match(text)
    if not match or not 1900 <= int(match[1]) <= 2999:
        raise BadPeriod(value=text)
    return period(int(match[1]), int(match[2]) if match[2] else None)


# --- the result model (SPEC §5.2) ----------------------------------------------------------------------------------
class PeriodOut(BaseModel):
    label: str
    start: dt.date
    end: dt.date


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


class OrsRow(BaseModel):
    """One ORS row (SPEC §5.4, computed by :mod:`samrehab_cli.ors`); null where the base is zero."""

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


class Outcomes(BaseModel):
    period: PeriodOut
    rows: list[OutcomeRow]
    findings: list[Finding]
    ors: list[OrsRow]
    excluded_rows: int
    excluded_ors_rows: int
    work_support: list[SupportCount]
    other_comments: list[OtherComment]


# --- the computation ---------------------------------------------------------------------------------------------
def round1(value: Decimal) -> float:
    """One decimal, half away from zero (as the policy's tables are rounded)."""
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def flags(df: pd.DataFrame, p: Period) -> pd.DataFrame:
    """One 0/1 column per count of SPEC §5.2 (``COUNT_KEYS``) and ``positive_exit``, one row per participant."""
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


def groups(df: pd.DataFrame, active: pd.Series) -> list[tuple[str, str, pd.Series | None]]:
    """(group, name, mask) for the total, each team active in the period, and the genders."""
    teams = sorted(df.loc[active.astype(bool), "team"].unique(), key=swedish_key)
    genders = [g for g in GENDERS if g != "Annat" or bool(((df["gender"] == g) & active.astype(bool)).any())]
    groups: list[tuple[str, str, pd.Series | None]] = [("total", TOTAL_NAME, None)]
    groups += [("team", str(t), df["team"] == t) for t in teams]
    groups += [("kon", g, df["gender"] == g) for g in genders]
    return groups


def swedish_key(text: str) -> str:
    """Sort key in Swedish alphabetical order (…, Z, Å, Ä, Ö)."""
    return text.casefold().translate({ord("å"): "z\x01", ord("ä"): "z\x02", ord("ö"): "z\x03"})


def figures(df: pd.DataFrame, f: pd.DataFrame, mask: pd.Series | None) -> Figures:
    """The figures of one group (``mask`` None: everyone) from the participant flags ``f``."""
    keep = None if mask is None else mask.to_numpy(dtype=bool)
    sub = f if keep is None else f[keep]
    sums = {key: int(sub[key].sum()) for key in COUNT_KEYS}
    positive = sum(sums[k] for k in POSITIVE_KEYS)
    base = sums["exits"] - sums["dropouts"]
    goal = None if base == 0 else round1(Decimal(positive * 100) / Decimal(base))
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


def compute(register: Register, p: Period) -> Outcomes:
    """The outcome tables of SPEC §5.2 for period ``p``."""
    df = register.participants
    f = flags(df, p)
    prev = p.previous()
    f_prev = flags(df, prev) if covers(df, prev) else None
    rows = [
        OutcomeRow(group=group, name=name, **figures(df, f, mask).model_dump(),  # type: ignore[arg-type]
                   previous=None if f_prev is None else figures(df, f_prev, mask))
        for group, name, mask in groups(df, f["active"])
    ]
    from samrehab_cli import ors

    return Outcomes(
        period=PeriodOut(label=p.label, start=p.start, end=p.end), rows=rows, findings=register.findings,
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
