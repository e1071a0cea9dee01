"""dates: the ends of the calendar (year 9999) and ranges of weeks too long for a registration workbook."""

from __future__ import annotations

import datetime as dt

import pytest

from samrehab_cli import dates, errors
from samrehab_cli.dates import Week


def test_a_week_whose_sunday_is_past_the_last_date_is_no_week() -> None:
    assert dates.week_from_sheet_name("9999-v51") == Week(9999, 51)
    assert dates.week_from_sheet_name("9999-v52") is None  # its Sunday is 10000-01-02
    with pytest.raises(errors.BadWeek):
        dates.parse_week("9999-v52")
    assert dates.weeks_after(Week(9999, 45), 12) == Week(9999, 51)  # the last week there is
    assert dates.week_range(Week(9999, 49), Week(9999, 51)) == [Week(9999, 49), Week(9999, 50), Week(9999, 51)]


def test_week_ranges_are_capped_before_any_week_is_made() -> None:
    assert len(dates.week_range(Week(2020, 39), Week(2030, 36))) == dates.MAX_WEEKS
    with pytest.raises(errors.TooManyWeeks, match="högst 520 veckoflikar"):
        dates.week_range(Week(2020, 39), Week(9999, 51))
    with pytest.raises(errors.BadWeekRange):
        dates.week_range(Week(2021, 1), Week(2020, 53))
    assert dates.week_range(Week(2020, 52), Week(2021, 2)) == [Week(2020, 52), Week(2020, 53), Week(2021, 1),
                                                              Week(2021, 2)]


def test_months_added_stop_at_the_last_date() -> None:
    assert dates.add_months(dt.date(9999, 11, 30), 2) == dt.date.max
    assert dates.add_months(dt.date(9999, 10, 31), 2) == dt.date(9999, 12, 31)
    assert dates.add_months(dt.date(2021, 12, 31), 2) == dt.date(2022, 2, 28)


def test_template_and_weeks_refuse_a_range_of_centuries_at_once(run, tmp_path) -> None:
    started = run("template", "-o", tmp_path / "r.xlsx", "--forbund", "F", "--from", "2020-v39", "--to", "9999-v51",
                  "--no-encrypt")
    assert started.exit_code == 2 and "högst 520" in started.stderr and not (tmp_path / "r.xlsx").exists()
    late = run("template", "-o", tmp_path / "r.xlsx", "--forbund", "F", "--from", "9999-v45", "--no-encrypt")
    assert late.exit_code == 0 and "9999-v45–9999-v51" in late.stdout
    more = run("weeks", tmp_path / "r.xlsx", "--from", "2020-v01", "--to", "9999-v51")
    assert more.exit_code == 2 and "högst 520" in more.stderr
