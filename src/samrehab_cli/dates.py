"""Dates: today, ISO weeks (``ÅÅÅÅ-vVV``) and calendar months.

Today's date comes through :func:`today` only, so tests and ``--today`` can fix it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import NamedTuple

from samrehab_cli import errors

WEEK_SHEET = re.compile(r"^(\d{4})-v(\d{2})$")
#: A registration workbook covers the study: at most ten years of week tabs (``template``, ``weeks``).
MAX_WEEKS = 520
_WEEK_INPUT = re.compile(r"^\s*(\d{4})\s*-?\s*[vVwW]?\s*(\d{1,2})\s*$")


def today() -> dt.date:
    """The current date (the one place the library asks the clock for the date)."""
    return dt.date.today()


def now() -> str:
    """The current local time to the minute, as the registers show it: ``2020-09-25 14:03``."""
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


class Week(NamedTuple):
    """An ISO week; ``str(week)`` is its sheet name, ``2020-v39``."""

    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year:04d}-v{self.week:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 7)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and day.isocalendar()[:2] == self

    @property
    def serial_prefix(self) -> str:
        """The first part of a löpnummer in this week: ``202039``."""
        return f"{self.year:04d}{self.week:02d}"


def week_of(day: dt.date) -> Week:
    iso = day.isocalendar()
    return Week(iso.year, iso.week)


def week_from_sheet_name(name: str) -> Week | None:
    """The week of a sheet named exactly ``ÅÅÅÅ-vVV`` (a real ISO week), else None."""
    match = WEEK_SHEET.match(name)
    if not match:
        return None
    return _make_week(int(match[1]), int(match[2]))


def parse_week(text: str) -> Week:
    """A week as a person types it: ``2020-v39``, ``2020v39``, ``2020-39``, ``2021-v1``."""
    match = _WEEK_INPUT.match(text)
    week = _make_week(int(match[1]), int(match[2])) if match else None
    if week is None:
        raise errors.BadWeek(value=text)
    return week


def _make_week(year: int, number: int) -> Week | None:
    """The week, when it is a real ISO week whose Sunday is a date too (``9999-v52`` ends in the year 10000)."""
    try:
        dt.date.fromisocalendar(year, number, 7)
    except ValueError:
        return None
    return Week(year, number)


def week_range(first: Week, last: Week, limit: int = MAX_WEEKS) -> list[Week]:
    """The weeks from ``first`` to ``last``, both included; more than ``limit`` is refused (before any is made)."""
    if first > last:
        raise errors.BadWeekRange(start=first, end=last)
    count = (last.monday - first.monday).days // 7 + 1
    if count > limit:
        raise errors.TooManyWeeks(start=first, end=last, count=count, limit=limit)
    return [week_of(first.monday + dt.timedelta(weeks=n)) for n in range(count)]


def weeks_after(week: Week, count: int) -> Week:
    """The week ``count`` weeks after ``week``, or the last week there is."""
    try:
        return week_of(week.monday + dt.timedelta(weeks=count))
    except OverflowError:
        return week_of(dt.date.max - dt.timedelta(days=7))


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months to the day number, clamped to the month's last day (2020-12-31 + 2 = 2021-02-28), and to
    the last date there is (9999-12-31)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date_option(text: str) -> dt.date:
    """A date given on the command line, ``ÅÅÅÅ-MM-DD``."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise errors.BadDate(value=text) from None
