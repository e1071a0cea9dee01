"""Rules for rows with ``Samtycke`` = Nej: only birth date and gender may be kept (V210–V214)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from samrehab_cli.catalog import RULE
from samrehab_cli.findings import Finding
from samrehab_cli.registration.rules.base import Context, is_present
from samrehab_cli.schema import GROUPS, IDENTIFYING

YOUNGEST, OLDEST = 16, 70


def birth_date_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V210
    for row in ctx.empty("birth_date", rows):
        yield ctx.at(RULE["V210"], row, "birth_date")


def gender_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V211
    for row in ctx.where("gender", rows, lambda cell: cell.value is None and is_present(cell)):
        yield ctx.at(RULE["V211"], row, "gender")


def identifying_data(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V212
    for key in IDENTIFYING:
        for row in ctx.filled(key, rows):
            yield ctx.at(RULE["V212"], row, key)


def group_filled(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V213
    for key in GROUPS:
        for row in ctx.filled(key, rows):
            yield ctx.at(RULE["V213"], row, key)


def unusual_age(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V214
    births, meetings = ctx.cells["birth_date"], ctx.cells["meeting_date"]
    for row in ctx.filled("birth_date", rows):
        born, meeting = births[row].value, meetings[row].value
        if isinstance(born, dt.date) and isinstance(meeting, dt.date):
            age = years_between(born, meeting)
            if not YOUNGEST <= age <= OLDEST:
                yield ctx.at(RULE["V214"], row, "birth_date", age=age)


def years_between(born: dt.date, day: dt.date) -> int:
    """Age in whole years on ``day``."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


CHECKS = (birth_date_missing, gender_missing, identifying_data, group_filled, unusual_age)
