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

    def next(self) -> Week:
        return week_of(self.monday + dt.timedelta(days=7))

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
    try:
        dt.date.fromisocalendar(year, number, 1)
    except ValueError:
        return None
    return Week(year, number)


def week_range(first: Week, last: Week) -> list[Week]:
    if first > last:
        raise errors.BadWeekRange(start=first, end=last)
    weeks = [first]
    while weeks[-1] < last:
        weeks.append(weeks[-1].next())
    return weeks


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months to the day number, clamped to the month's last day (2020-12-31 + 2 = 2021-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def parse_date_option(text: str) -> dt.date:
    """A date given on the command line, ``ÅÅÅÅ-MM-DD``."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise errors.BadDate(value=text) from None
