"""Rules for every non-empty row of a week sheet: V201–V206 (docs/regler.md)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from samrehab_cli.catalog import RULE
from samrehab_cli.findings import Finding
from samrehab_cli.registration.rules.base import Context, is_present
from samrehab_cli.schema import WEEK, Kind

DATE_KEYS = tuple(column.key for column in WEEK.columns if column.kind is Kind.DATE)


def meeting_date_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V201
    for row in ctx.empty("meeting_date", rows):
        yield ctx.at(RULE["V201"], row, "meeting_date")


def not_a_date(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V202
    for key in DATE_KEYS:
        for row in ctx.invalid(key, rows):
            yield ctx.at(RULE["V202"], row, key)


def meeting_outside_week(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V203
    days = ctx.cells["meeting_date"]
    pairs = set(zip(map(days.__getitem__, rows), map(ctx.weeks.__getitem__, rows), strict=True))
    outside = {(cell, week) for cell, week in pairs
               if week is not None and cell.value is not None and cell.value not in week}
    for row in [row for row in rows if (days[row], ctx.weeks[row]) in outside] if outside else ():
        week = ctx.weeks[row]
        assert week is not None  # a row is outside its week only on a week sheet
        yield ctx.at(RULE["V203"], row, "meeting_date", week=week, monday=week.monday, sunday=week.sunday)


def date_in_future(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V204
    for key in DATE_KEYS:
        for row in ctx.where(key, rows, lambda cell: cell.value is not None
                             and cell.value > ctx.today):
            yield ctx.at(RULE["V204"], row, key, today=ctx.today)


def consent_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V205
    for row in ctx.where("consent", rows, lambda cell: cell.value is None and is_present(cell)):
        yield ctx.at(RULE["V205"], row, "consent")


def consent_before_meeting(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V206
    meetings, consents = ctx.cells["meeting_date"], ctx.cells["consent_date"]
    early = {(meeting, consent) for meeting, consent in set(zip(map(meetings.__getitem__, rows),
                                                                 map(consents.__getitem__, rows), strict=True))
             if meeting.value is not None and consent.value is not None
             and consent.value < meeting.value}
    for row in [row for row in rows if (meetings[row], consents[row]) in early] if early else ():
        yield ctx.at(RULE["V206"], row, "consent_date")


CHECKS = (meeting_date_missing, not_a_date, meeting_outside_week, date_in_future, consent_missing,
          consent_before_meeting)
