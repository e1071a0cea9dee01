"""Every row rule (V2xx) and rule between rows (K3xx) on plain rows: triggered at its cell, and a near miss."""

from __future__ import annotations

import datetime as dt

import pytest

from samrehab_cli.catalog import RULE, RULES
from samrehab_cli.schema import WEEK

from rule_cases import (
    NEAR_MISSES,
    TODAY,
    TRIGGERS,
    YES,
    Case,
    case,
    check,
    expected_place,
    no,
    yes,
)


@pytest.mark.parametrize("this", TRIGGERS, ids=lambda c: c.id)
def test_rule_triggers_at_its_cell(this: Case) -> None:
    placed, findings = check([this])
    sheet, cell = expected_place(this, placed)
    hits = [f for f in findings if f.code == this.code and f.sheet == sheet and f.cell == cell]
    assert hits, [(f.code, f.cell) for f in findings]
    finding = hits[0]
    assert finding.severity == (this.severity or RULE[this.code].severity)
    assert finding.file == "vecka.xlsx"
    assert finding.row == int(cell.lstrip("ABCDEFGHIJKLMNOPQRS"))
    assert finding.column == WEEK[this.at[1]].header
    assert "{" not in finding.message and finding.message.endswith(".")


@pytest.mark.parametrize("this", NEAR_MISSES, ids=lambda c: c.id)
def test_near_miss_is_clean(this: Case) -> None:
    _, findings = check([this])
    assert [(f.code, f.cell) for f in findings if f.severity != "info" or f.code == this.code] == []


def test_every_row_code_has_a_trigger_and_a_near_miss() -> None:
    row_codes = {rule.code for rule in RULES if rule.code[0] == "V" or "K300" < rule.code < "K310"}  # K320…: merge's
    assert {c.code for c in TRIGGERS} == row_codes
    assert {c.code for c in NEAR_MISSES} == row_codes


def test_valid_rows_have_no_findings() -> None:
    _, findings = check([case("-", yes(), no(), yes(language="Annat", referrer="Regionen", paper_12m="Ja"))])
    assert findings == []


def test_value_is_the_raw_text_and_empty_is_none() -> None:
    _, findings = check([case("V224", yes(personnummer=" 19910205-1234 ")), case("V227", yes(name=None))])
    values = {f.code: f.value for f in findings}
    assert values == {"V224": "19910205-1234", "V227": None}


def test_personnummer_stored_as_a_number_is_read_as_digits() -> None:
    _, findings = check([case("-", yes(personnummer=199102051233.0))])
    assert findings == []


def test_consent_rules_do_not_run_when_consent_is_unreadable() -> None:
    _, findings = check([case("V205", yes(consent="Kanske", name=None, personnummer=None))])
    assert [f.code for f in findings] == ["V205"]


def test_a_date_that_is_not_a_date_is_not_also_missing() -> None:
    _, findings = check([case("V202", yes(meeting_date="måndag"))])
    assert [f.code for f in findings] == ["V202"]


def test_future_is_relative_to_the_given_today() -> None:
    this = case("V204", yes(meeting_date=dt.date(2020, 9, 21), consent_date=dt.date(2020, 9, 23)))
    assert [f.code for f in check([this], today=dt.date(2020, 9, 22))[1]] == ["V204"]
    assert check([this], today=dt.date(2020, 9, 23))[1] == []


def test_duplicates_name_the_first_place_and_are_reported_on_each_repeat() -> None:
    rows = [yes(envelope=9), yes(envelope=9), yes(envelope=9)]
    _, findings = check([case("K302", *rows)])
    repeats = [f for f in findings if f.code == "K302"]
    assert [f.cell for f in repeats] == ["G3", "G4"]
    assert all("2020-v39!G2" in f.message for f in repeats)


def test_duplicates_are_found_across_week_tabs() -> None:
    first = case("K303", yes(serial="202039-01"))
    again = case("K303", yes(serial="202039-01", meeting_date=dt.date(2020, 9, 28), consent_date=None),
                 week="2020-v40")
    _, findings = check([first, again])
    assert [(f.code, f.sheet, f.cell) for f in findings] == [("K303", "2020-v40", "A2")]
    assert "2020-v39!A2" in findings[0].message


def test_missing_columns_do_not_make_every_row_a_finding() -> None:
    from samrehab_cli.registration.rules import check as rules
    from samrehab_cli.sheets import parse_sheets

    from rule_cases import table

    headers = [h for h in WEEK.headers if h not in ("Namn", "Datum informationsmöte", "E-post", "Mobilnummer")]
    sheets = parse_sheets(WEEK, [("2020-v39", table([{**YES, "serial": "202039-01", "envelope": 1,
                                                      "personnummer": "199102051233"}], headers))])
    codes = sorted(f.code for f in rules.check_sheets("vecka.xlsx", sheets, TODAY))
    assert codes == ["S112"] * 4


def test_values_typed_alike_are_read_alike_but_types_are_kept_apart() -> None:
    from samrehab_cli.sheets import parse_sheet

    rows = [WEEK.headers, *[[f"202039-0{n}", "2020-09-21", "Ja", None, None, None, envelope] for n, envelope in
                            enumerate([1, True, 1.0, "1", [1]], start=1)]]
    sheet = parse_sheet(WEEK, "2020-v39", rows)
    assert [(row["envelope"].raw, row["envelope"].value) for row in sheet.rows] == [
        (1, 1), (True, None), (1.0, 1), ("1", 1), ([1], None)]
