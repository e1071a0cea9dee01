"""The report workbook of `outcomes -o rapport.xlsx`, read back with openpyxl: the summary reads like the policy's
table, figures carry number formats (a percentage is a fraction), every sheet prints on A4 landscape, the charts
have visible axes. How it looks printed: tests/interop/test_printed.py."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from samrehab_cli.dates import today
from samrehab_cli.participants import outcomes, read
from samrehab_cli.participants.period import parse_period
from samrehab_cli.render.outcomes import OUTCOME_HEADERS
from samrehab_cli.render.outcomes_workbook import outcomes_xlsx
from samrehab_cli.storage import crypto

from register_files import make_register, person

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "deltagarregister.xlsx"
D = dt.date
SHEETS = ["Sammanfattning", "Per team", "Per kön", "Arbete", "Annat", "Bakgrund", "ORS"]
HEADER_ROW = 4  # title, subtitle, a blank row, then the table


def _book(result: outcomes.Outcomes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(outcomes_xlsx(result)))


@pytest.fixture(scope="module")
def book() -> openpyxl.Workbook:
    """The policy's worked example: 2020 in the shipped participant register."""
    register = read.load([EXAMPLE], crypto.Passwords(), today=D(2021, 6, 30))
    return _book(outcomes.compute(register, parse_period("2020")))


def _row(sheet, name: str) -> list[object]:
    """The figures of the table row named ``name``, up to the last column of the table."""
    width = sum(1 for c in sheet[HEADER_ROW] if c.value is not None)
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=width, values_only=True):
        if row[0] == name:
            return list(row[1:])
    raise AssertionError(f"{name} not in {sheet.title}")


def _text(sheet) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def test_summary_reads_like_the_policy_table(book) -> None:
    assert book.sheetnames == SHEETS
    summary = book["Sammanfattning"]
    assert summary["A1"].value == "Utfall 2020 för Avesta, Hedemora och Säter"
    assert summary["A2"].value.startswith(f"Perioden 2020-01-01–2020-12-31. Skapad {today().isoformat()} ")
    headers = [c.value for c in summary[HEADER_ROW]]
    assert headers == ["Grupp", *OUTCOME_HEADERS.values(), "Måluppfyllelse 2019", "Förändring (procentenheter)"]
    # the policy's worked example: 56 active … 8 positive of 20 = 40 %, against 50 % in 2019
    assert _row(summary, "Totalt") == [56, 23, 3, 4, 2, 2, 6, 0, 6, 33, 8, 0.4, 0.5, -10.0]
    assert [summary.cell(row=r, column=1).value for r in range(HEADER_ROW + 1, HEADER_ROW + 8)] == [
        "Totalt", "Avesta", "Hedemora", "Säter", "Kvinnor", "Män", "Annat kön"]
    assert summary.freeze_panes == f"A{HEADER_ROW + 1}"


def test_percent_cells_are_fractions_with_a_percent_format(book) -> None:
    hedemora = book["Sammanfattning"].cell(row=HEADER_ROW + 3, column=13)
    assert (hedemora.value, hedemora.number_format) == (0.714, r"[$-41D]0.0\ %")  # shown as 71,4 %
    total = book["Sammanfattning"].cell(row=HEADER_ROW + 1, column=13)
    assert (total.value, total.number_format) == (0.4, r"[$-41D]0\ %")  # shown as 40 %
    percents = [c for sheet in book for row in sheet.iter_rows() for c in row if "%" in c.number_format]
    assert len(percents) > 50
    assert all(isinstance(c.value, (int, float)) and 0 <= c.value <= 1 for c in percents)
    policy = _row(book["ORS"], "Följer policyn (ORS minst varannan månad)")
    assert policy[0] == 0.911


def test_years_and_months_have_one_decimal_and_counts_none(book) -> None:
    sheet = book["Per team"]
    total = list(sheet[HEADER_ROW + 1])
    assert [c.value for c in total[-2:]] == [5.6, 20.3]
    assert {c.number_format for c in total[-2:]} == {"[$-41D]0.0"}
    assert total[1].value == 56 and total[1].number_format == "0"
    change = book["Sammanfattning"].cell(row=HEADER_ROW + 1, column=15)
    assert (change.value, change.number_format) == (-10.0, "[$-41D]+0.0;-0.0;0.0")
    assert book["Annat"].cell(row=HEADER_ROW + 1, column=2).number_format == "yyyy-mm-dd"


def test_every_sheet_prints_on_a4_landscape_fitted_to_the_width_with_the_period(book) -> None:
    for sheet in book:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation) == (9, "landscape"), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1
        assert setup.fitToHeight == (1 if sheet.title == "Sammanfattning" else 0)  # else as many pages as needed
        assert sheet.oddHeader.center.text == "Utfall 2020 (2020-01-01–2020-12-31)"
        assert sheet.print_title_rows == f"$1:${HEADER_ROW}"
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
    assert book["Annat"].auto_filter.ref == f"A{HEADER_ROW}:C{HEADER_ROW + 6}"


def _title(chart) -> str:
    return "".join(run.t for paragraph in chart.title.tx.rich.p for run in paragraph.r or [])


def test_charts_have_visible_axes_and_a_title(book) -> None:
    [chart] = book["Sammanfattning"]._charts
    assert _title(chart) == "Avslut per orsak och team 2020"
    assert chart.x_axis.delete is False and chart.y_axis.delete is False
    assert [s.tx.v for s in chart.series] == ["Arbete", "Studier", "Annan arbetslivsinriktad rehab",
                                              "Medicinsk rehab", "Sjukersättning", "Annat"]
    assert chart.series[0].val.numRef.f == "'Sammanfattning'!$E$6:$E$8"  # Arbete of the three teams
    assert chart.series[0].cat.numRef.f == "'Sammanfattning'!$A$6:$A$8"
    [ors] = book["ORS"]._charts
    assert _title(ors) == "Andel som följer ORS-policyn per team 2020"
    assert ors.x_axis.delete is False and ors.y_axis.delete is False
    assert ors.series[0].val.numRef.f == "'ORS'!$C$6:$E$6"  # policy_percent of Avesta, Hedemora, Säter


def test_arbete_names_each_kind_of_support_once(book) -> None:
    names = [row[0] for row in book["Arbete"].iter_rows(min_row=HEADER_ROW + 1, max_col=1, values_only=True)
             if row[0]]
    assert names[:5] == ["Utan arbetsmarknadsstöd", "Med arbetsmarknadsstöd", "   varav lönebidrag",
                         "   varav extratjänst", "Totalt till arbete"]
    assert not any("Utan stöd" in name for name in names)
    assert _row(book["Arbete"], "Utan arbetsmarknadsstöd") == [2, 0.5]


def test_summary_says_what_the_policy_asks_of_a_half_year_report(book) -> None:
    text = _text(book["Sammanfattning"])
    assert ("Av 20 avslut som räknas ledde 8 till arbete, studier eller annan arbetslivsinriktad rehabilitering: "
            "en måluppfyllelse på 40 %, mot 50 % under 2019.") in text
    assert "Till arbete gick 4: 2 utan arbetsmarknadsstöd och 2 med stöd (lönebidrag 1, extratjänst 1)." in text
    assert "Som Annat räknas 6 avslut. Bakom dem står enligt deltagarregistret: i Avesta ”Flyttade från " in text
    assert "i Säter ”Insats hos kommunens daglig verksamhet”." in text
    assert "hade i genomsnitt varit utan arbete eller studier i 5,6 år före inskrivningen" in text


def test_a_first_period_without_work_annat_or_ors() -> None:
    register = make_register([person("D1", D(2021, 1, 10), D(2021, 5, 1), "Medicinsk rehabilitering"),
                              person("D2", D(2021, 2, 1), team="Säter", gender="Man")])
    book = _book(outcomes.compute(register, parse_period("2021H1")))
    assert book.sheetnames == SHEETS[:-1]  # no ORS sheet without ORS data
    summary = book["Sammanfattning"]
    assert [c.value for c in summary[HEADER_ROW]][-1] == "Måluppfyllelse"  # no previous period to compare
    text = _text(summary)
    assert "Ingen deltagare gick till arbete under perioden." in text
    assert "Av 1 avslut som räknas ledde 0 till arbete" in text
    assert not any(line.startswith("Som Annat") for line in text.splitlines())
    assert "Inga avslut med orsaken Annat under perioden." in _text(book["Annat"])
    assert book["Per team"].max_row == HEADER_ROW + 3  # Totalt and two teams, no previous period


def test_missing_support_and_many_comments() -> None:
    rows = [person("W1", D(2020, 1, 10), D(2020, 6, 1), "Arbete", labour_support=None)]
    rows += [person(f"A{n}", D(2020, 1, 10), D(2020, 6, 1), "Annat", comment=f"Skäl {n}") for n in range(13)]
    book = _book(outcomes.compute(make_register(rows), parse_period("2020")))
    text = _text(book["Sammanfattning"])
    assert "Till arbete gick 1: 0 utan arbetsmarknadsstöd och 0 med stöd. För 1 saknas uppgift om " in text
    assert "Som Annat räknas 13 avslut. Kommentarerna står i fliken Annat." in text
    assert _row(book["Arbete"], "Uppgift om stöd saknas") == [1, 1.0]
    assert book["Annat"].max_row == HEADER_ROW + 13
