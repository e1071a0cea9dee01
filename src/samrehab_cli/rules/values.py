"""Rules for every non-empty row (SPEC §2.3 "Values — every non-empty row"): V201–V206."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from samrehab_cli.findings import Finding
from samrehab_cli.rules.base import Context, at
from samrehab_cli.rules.catalog import RULE
from samrehab_cli.schema import WEEK, Kind, Row

DATE_KEYS = tuple(column.key for column in WEEK.columns if column.kind is Kind.DATE)


def meeting_date_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # V201
    if ctx.lacks(row, "meeting_date"):
        yield at(RULE["V201"], ctx, row, "meeting_date")


def not_a_date(ctx: Context, row: Row) -> Iterator[Finding]:  # V202
    for key in DATE_KEYS:
        if row[key].invalid:
            yield at(RULE["V202"], ctx, row, key, header=WEEK[key].header)


def meeting_outside_week(ctx: Context, row: Row) -> Iterator[Finding]:  # V203
    day = row.value("meeting_date")
    week = ctx.week
    if week is not None and isinstance(day, dt.date) and day not in week:
        yield at(RULE["V203"], ctx, row, "meeting_date", week=week, monday=week.monday, sunday=week.sunday)


def date_in_future(ctx: Context, row: Row) -> Iterator[Finding]:  # V204
    for key in DATE_KEYS:
        day = row.value(key)
        if isinstance(day, dt.date) and day > ctx.today:
            yield at(RULE["V204"], ctx, row, key, header=WEEK[key].header, today=ctx.today)


def consent_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # V205
    if "consent" in ctx.columns and row.value("consent") is None:
        yield at(RULE["V205"], ctx, row, "consent")


def consent_before_meeting(ctx: Context, row: Row) -> Iterator[Finding]:  # V206
    meeting, consent = row.value("meeting_date"), row.value("consent_date")
    if isinstance(meeting, dt.date) and isinstance(consent, dt.date) and consent < meeting:
        yield at(RULE["V206"], ctx, row, "consent_date")


CHECKS = (meeting_date_missing, not_a_date, meeting_outside_week, date_in_future, consent_missing,
          consent_before_meeting)
