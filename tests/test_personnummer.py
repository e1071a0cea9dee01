"""Personnummer: the shared test data of the personnummer libraries, our own cases, and a differential test against
the ``personnummer`` package on generated numbers.

Where our rules (docs/registreringsfil.md) differ from the package's, ours hold: spaces are removed before checking,
a date after today is refused, and a 10-digit number's century comes from today's date (the package looks at the
year only).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from personnummer import personnummer as reference

from samrehab_cli.registration.personnummer import Problem, check, luhn, plain

from conftest import FIXTURES

TODAY = dt.date(2020, 12, 31)
DATA = json.loads((FIXTURES / "personnummer" / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", DATA["cases"], ids=lambda c: c["input"])
def test_shared_cases(item: dict) -> None:
    checked = check(item["input"], TODAY)
    assert checked.valid is item["valid"]
    assert checked.digits == item["input"]
    assert checked.coordination is (item["kind"] == "samordningsnummer")
    assert checked.gender == item["gender"].capitalize()


@pytest.mark.parametrize("item", DATA["ten_digit_forms"], ids=lambda c: c["input"])
def test_shared_ten_digit_forms(item: dict) -> None:
    checked = check(item["input"], TODAY)
    assert checked.short
    assert checked.valid is item["valid"]
    if item["normalised"]:
        assert checked.digits == item["normalised"]


def _with_check(eleven: str) -> str:
    """Twelve digits whose check digit is right for the first eleven (century + ÅÅMMDDNNN)."""
    return eleven + str(luhn(eleven[2:]))


@pytest.mark.parametrize(("text", "problem"), [
    ("19910205123", Problem.LENGTH),
    ("1991020512333", Problem.LENGTH),
    ("19910205-12X3", Problem.LENGTH),
    ("", Problem.LENGTH),
    ("١٩٩١٠٢٠٥١٢٣٣", Problem.LENGTH),  # Arabic-Indic digits are digits to Python, not to a personnummer
    ("199102051234", Problem.CHECK_DIGIT),
    (_with_check("19910230123"), Problem.NO_DATE),
    (_with_check("19911305123"), Problem.NO_DATE),
    (_with_check("19910292123"), Problem.NO_DATE),  # samordningsnummer for 32 February
    (_with_check("20210101123"), Problem.FUTURE),
    (_with_check("19910205000"), Problem.SERIAL_000),
    ("199102051233", None),
    ("19910205-1233", None),
    (" 19910205 1233 ", None),
    ("910205-1233", None),
    ("910205 1233", None),
])
def test_problems(text: str, problem: Problem | None) -> None:
    assert check(text, TODAY).problem is problem


@pytest.mark.parametrize(("text", "digits"), [
    ("201231-" + "1230", "20201231" + "1230"),  # born today: this century
    (_with_check("20210101123")[2:], "1921"),  # 1 January 2021 has not come yet on 31 December 2020
    ("201231+1230", "1920"),  # + : 100 years or older
    ("210101+1230", "1821"),
    ("000229-1235", "2000"),
])
def test_century_of_ten_digits(text: str, digits: str) -> None:
    assert check(text, TODAY).digits.startswith(digits)


@pytest.mark.parametrize(("text", "born"), [
    ("191500722390", (1915, 0, 12)),  # Skatteverket's test numbers: month 00 (unknown), day 72 − 60 = 12
    ("191711602399", (1917, 11, 0)),  # day 60: day 00 + 60, unknown
    ("19150072-2390", (1915, 0, 12)),
    ("150072+2390", (1915, 0, 12)),  # 10 digits with +: 100 years or older
    ("171160+2399", (1917, 11, 0)),
])
def test_samordningsnummer_with_a_partly_unknown_birth_date(text: str, born: tuple[int, int, int]) -> None:
    checked = check(text, TODAY)
    assert checked.valid and checked.coordination and checked.unknown_date
    assert (checked.born, checked.birth_date) == (born, None)


@pytest.mark.parametrize(("text", "problem"), [
    (_with_check("19150012123"), Problem.NO_DATE),  # month 00 is only for a samordningsnummer
    (_with_check("19151360123"), Problem.NO_DATE),  # month 13
    (_with_check("19150092123"), Problem.NO_DATE),  # day 92 − 60 = 32
    (_with_check("20211160123"), Problem.FUTURE),  # November 2021, day unknown: still after 31 December 2020
    (_with_check("19150072000"), Problem.SERIAL_000),
])
def test_partly_unknown_birth_dates_that_are_still_wrong(text: str, problem: Problem) -> None:
    assert check(text, TODAY).problem is problem


def test_a_plus_means_100_years_or_older() -> None:
    assert check("090527+1474", TODAY).digits == "190905271474"
    assert check("090527-1474", TODAY).digits == "200905271474"


def test_samordningsnummer_birth_date_and_gender() -> None:
    checked = check("197306749982", TODAY)
    assert (checked.coordination, checked.birth_date, checked.gender) == (True, dt.date(1973, 6, 14), "Kvinna")


# --- against the personnummer package -----------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _reference_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("personnummer.personnummer._get_current_date", lambda: TODAY)


dates = st.dates(dt.date(1880, 1, 1), dt.date(2020, 12, 31))


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """Twelve digits: usually a real number (maybe a samordningsnummer, maybe a wrong check digit), sometimes noise."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text("0123456789", min_size=12, max_size=12))
    born = draw(dates)
    day = born.day + (60 if draw(st.booleans()) else 0)
    nine = f"{born:%y%m}{day:02d}{draw(st.integers(0, 999)):03d}"
    digit = luhn(nine) if draw(st.integers(0, 3)) else draw(st.integers(0, 9))
    return f"{born.year // 100}{nine}{digit}"


@settings(max_examples=400, deadline=None)
@given(numbers())
def test_same_verdict_as_the_personnummer_package(number: str) -> None:
    ours = check(number, TODAY)
    if ours.unknown_date:  # we accept Skatteverket's partly unknown birth dates; the package refuses them
        return
    theirs = reference.valid(number)
    assert ours.valid == (theirs and ours.problem is not Problem.FUTURE)  # we also refuse a future date
    if ours.valid:
        parsed = reference.parse(number)
        assert ours.coordination == parsed.is_coordination_number()
        assert (ours.gender == "Man") == parsed.is_male()
        assert ours.birth_date == parsed.get_date()


@settings(max_examples=300, deadline=None)
@given(numbers(), st.sampled_from(["", "-", "+"]), st.sampled_from(["", " "]))
def test_ten_digit_forms_agree_with_the_package(number: str, separator: str, space: str) -> None:
    # TODAY is 31 December, where the package's century (from the year) and ours (from the date) agree;
    # test_century_of_ten_digits covers the days where they differ.
    ten = f"{number[2:8]}{separator}{space}{number[8:]}"
    ours = check(ten, TODAY)
    if ours.unknown_date:  # as above
        return
    theirs = reference.valid(ten.replace(" ", ""))  # the package refuses spaces; we remove them
    assert ours.short
    assert ours.valid == (theirs and ours.problem is not Problem.FUTURE)
    if ours.valid:
        assert ours.digits == reference.parse(ten.replace(" ", "")).format(long_format=True)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(numbers(), numbers().map(lambda n: f"{n[:8]}-{n[8:]}"), numbers().map(lambda n: n[2:]),
                          st.sampled_from(["", "19640823323", "1964082332341", "١٩٦٤٠٨٢٣٣٢٣٤", "00000823323", "\n",
                                           "196408233234\n", "\n196408233234"])),
                max_size=20),
       st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
def test_plain_is_exactly_valid_with_nothing_to_remark(texts: list[str], today: dt.date) -> None:
    """plain() says True for the twelve-digit numbers check() finds valid and unremarkable, born on the 1st–28th in
    1800–2099, and False for everything else (which check() then looks at)."""
    def unremarkable(text: str) -> bool:
        found = check(text, today)
        return (found.valid and not found.short and not found.coordination and found.digits == text
                and 1800 <= int(text[:4]) <= 2099 and int(text[6:8]) <= 28)

    assert plain(texts, today) == [unremarkable(text) for text in texts]
