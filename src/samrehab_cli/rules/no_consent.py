"""Rules for rows with ``Samtycke`` = Nej: only birth date and gender may be kept (V210–V214)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from samrehab_cli.findings import Finding
from samrehab_cli.rules.base import Context, at
from samrehab_cli.rules.catalog import RULE
from samrehab_cli.schema import GROUPS, IDENTIFYING, WEEK, Row

YOUNGEST, OLDEST = 16, 70


def birth_date_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # V210
    if ctx.lacks(row, "birth_date"):
        yield at(RULE["V210"], ctx, row, "birth_date")


def gender_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # V211
    if "gender" in ctx.columns and row.value("gender") is None:
        yield at(RULE["V211"], ctx, row, "gender")


def identifying_data(ctx: Context, row: Row) -> Iterator[Finding]:  # V212
    for key in IDENTIFYING:
        if not row[key].empty:
            yield at(RULE["V212"], ctx, row, key, header=WEEK[key].header)


def group_filled(ctx: Context, row: Row) -> Iterator[Finding]:  # V213
    for key in GROUPS:
        if not row[key].empty:
            yield at(RULE["V213"], ctx, row, key, header=WEEK[key].header)


def unusual_age(ctx: Context, row: Row) -> Iterator[Finding]:  # V214
    born, meeting = row.value("birth_date"), row.value("meeting_date")
    if isinstance(born, dt.date) and isinstance(meeting, dt.date):
        age = years_between(born, meeting)
        if not YOUNGEST <= age <= OLDEST:
            yield at(RULE["V214"], ctx, row, "birth_date", age=age)


def years_between(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


CHECKS = (birth_date_missing, gender_missing, identifying_data, group_filled, unusual_age)
