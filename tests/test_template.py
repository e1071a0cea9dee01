"""The registration workbook, read back with openpyxl (docs/registreringsfil.md)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.conftest import FORBUND, make_workbook, week

from samrehab_cli import schema
from samrehab_cli.registration import template
from samrehab_cli.schema import WEEK, Column, Kind
from samrehab_cli.storage import workbooks

BOOK = load_workbook(io.BytesIO(make_workbook(weeks=["2020-v53", "2021-v01"], per_week=5)))


def _validations(sheet) -> dict[str, object]:  # header → validation
    found = {}
    for validation in sheet.data_validations.dataValidation:
        first = str(validation.sqref).split(":")[0]
        letter = "".join(ch for ch in first if ch.isalpha())
        found[sheet[f"{letter}1"].value] = validation
    return found


def test_sheets_properties_and_instructions() -> None:
    assert BOOK.sheetnames == ["Instruktioner", "2020-v39", "2020-v53", "2021-v01"]
    props = {p.name: p.value for p in BOOK.custom_doc_props.props}
    assert props == {"Samordningsförbund": FORBUND, "Schemaversion": 1}
    texts = [c.value for (c,) in BOOK["Instruktioner"].iter_rows(max_col=1) if c.value]
    assert f"Samordningsförbund: {FORBUND}" in texts and "Schemaversion: 1" in texts
    assert any("Kryptera med lösenord" in t for t in texts)


def test_week_sheet_layout() -> None:
    sheet = BOOK["2020-v53"]
    assert [c.value for c in sheet[1]] == WEEK.headers
    assert sheet.freeze_panes == "B2"  # the header row and the löpnummer stay in view
    assert [sheet.cell(row=r, column=1).value for r in range(2, 8)] == [f"202053-0{n}" for n in range(1, 6)] + [None]
    by_header = {c.value: c.column_letter for c in sheet[1]}
    assert sheet[f"{by_header['Personnummer']}2"].number_format == "@"
    for column in WEEK.columns:
        if column.kind is Kind.DATE:
            assert sheet[f"{by_header[column.header]}6"].number_format == template.DATE_FORMAT
        width = sheet.column_dimensions[by_header[column.header]].width
        assert width == template.column_width(column) >= column.width
        longest = max(column.header.split(), key=len)
        assert width >= len(longest) + 3  # each word of the header whole (bold), on at most two lines
        assert workbooks.text_lines(column.header, width) <= 2
    assert sheet.row_dimensions[1].height == 2 * workbooks.LINE_HEIGHT + 3
    assert sheet.cell(row=1, column=1).font.name == "Calibri" and sheet.cell(row=1, column=1).font.bold


def test_week_sheets_print_landscape_fitted_to_the_width_with_the_header_on_every_page() -> None:
    sheet = BOOK["2020-v39"]
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.print_options.gridLines
    assert sheet.oddHeader.center.text == "Registrering vecka 2020-v39"


def test_instructions_one_paragraph_per_row_on_one_page() -> None:
    sheet = BOOK["Instruktioner"]
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "portrait", 1, 1)
    width = sum(template.INSTRUCTION_WIDTHS)
    paragraphs = {str(r): sheet.cell(row=r.min_row, column=1).value for r in sheet.merged_cells.ranges}
    assert len(paragraphs) > 10
    for cells, text in paragraphs.items():  # every paragraph spans both columns, its row as high as its lines
        row = int(cells.split(":")[0][1:])
        assert cells == f"A{row}:B{row}"
        assert sheet.row_dimensions[row].height >= workbooks.text_lines(text, width) * workbooks.LINE_HEIGHT
    columns = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row)}
    assert all(columns[c.header] == c.help for c in WEEK.columns)
    texts = " ".join(paragraphs.values())
    assert "Vid Nej (inget samtycke)" in texts and "ingen samtycke" not in texts
    assert ("En krypterad arbetsbok går inte att öppna i Excel på webben, i förhandsvisningen i Outlook eller i "
            "mobilen. Spara bilagan på datorn och öppna den i Excel för Windows eller Mac.") in texts


def test_every_list_column_has_a_dropdown_with_the_schema_values() -> None:
    sheet = BOOK["2020-v39"]
    validations = _validations(sheet)
    for column in WEEK.columns:
        if column.kind is Kind.CHOICE:
            validation = validations[column.header]
            assert validation.type == "list"
            assert validation.formula1 == '"' + ",".join(column.choices) + '"'
            letter = str(validation.sqref)[0]
            assert str(validation.sqref) == f"{letter}2:{letter}6"  # every pre-filled row
        elif column.kind is Kind.DATE:
            assert validations[column.header].type == "date"
    assert validations["Kuvertnummer"].type == "whole"
    assert validations["Språk"].formula1.count(",") == len(schema.LANGUAGES) - 1


def test_long_lists_go_to_a_hidden_list_sheet() -> None:
    book = template.new_workbook(FORBUND, [week("2020-v39")], 3)
    long = Column("x", "Lång lista", Kind.CHOICE, "", tuple(f"Alternativ nummer {n}" for n in range(30)))
    formula = template.list_formula(book, long)
    assert formula == "'Listor'!$A$2:$A$31"
    assert template.list_formula(book, long) == formula  # reused, not written twice
    lists = book["Listor"]
    assert lists.sheet_state == "hidden"
    assert [lists.cell(row=r, column=1).value for r in (1, 2, 31)] == ["Lång lista", "Alternativ nummer 0",
                                                                     "Alternativ nummer 29"]


def test_written_rows_keep_text_as_text() -> None:
    data = make_workbook([{"Namn": "=SUM(A1:A9)", "personnummer": "199102051233", "consent": "Ja"}])
    sheet = load_workbook(io.BytesIO(data))["2020-v39"]
    assert sheet["I2"].data_type == "s" and sheet["I2"].value == "=SUM(A1:A9)"
    assert workbooks.read(data, Path("x")).rows("2020-v39")[1][7] == "199102051233"


def test_add_weeks_in_date_order_and_rows_like_the_last_week() -> None:
    book = template.new_workbook(FORBUND, [week("2020-v39"), week("2020-v41")], 7)
    assert template.rows_in_last_week(book) == 7
    added = template.add_weeks(book, [week("2020-v40"), week("2020-v41"), week("2020-v42")], 7)
    assert added == [week("2020-v40"), week("2020-v42")]
    assert book.sheetnames == ["Instruktioner", "2020-v39", "2020-v40", "2020-v41", "2020-v42"]


@pytest.mark.parametrize(("text", "name"), [("2020-v39", "2020-v39"), ("2021-v1", "2021-v01"),
                                            ("2020v53", "2020-v53"), ("2020-39", "2020-v39")])
def test_week_input(text: str, name: str) -> None:
    assert str(week(text)) == name


def test_iso_week_rules() -> None:
    import datetime as dt

    from samrehab_cli import dates, errors

    assert str(dates.week_of(dt.date(2021, 1, 1))) == "2020-v53"
    assert dates.week_from_sheet_name("2021-v53") is None  # 2021 has 52 weeks
    assert dates.week_from_sheet_name("2020-v5") is None
    with pytest.raises(errors.BadWeek):
        week("2021-v53")
    assert dates.add_months(dt.date(2020, 12, 31), 2) == dt.date(2021, 2, 28)
    assert dates.add_months(dt.date(2021, 6, 30), 2) == dt.date(2021, 8, 30)
