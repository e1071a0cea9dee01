"""workbooks.rows_to_sheet, the plain sheet of rows every list and register is written with: a clear first row,
readable widths, dates as dates, filter buttons where asked, printed fitted to the page width."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from samrehab_cli.storage import workbooks


def test_a_sheet_of_rows_reads_and_prints_well() -> None:
    book = openpyxl.Workbook()
    rows = [["Förbund", "Inkommen", "Fil", "Kommentar"],
            ["Södra Dalarna", dt.datetime(2020, 9, 25, 14, 5), "=vecka39.xlsx", "kort"],
            ["Avesta", dt.date(2020, 9, 26), "v40.xlsx", "en mycket lång kommentar " * 4],
            [], ["En ensam anteckning under tabellen, som får gå över kolumnerna."]]
    workbooks.rows_to_sheet(book, "Inkomna filer", rows, filters=True, page_header="Huvudregister &A")
    sheet = openpyxl.load_workbook(io.BytesIO(workbooks.to_bytes(book)))["Inkomna filer"]
    assert sheet["A1"].font.bold and sheet["A1"].font.name == "Calibri"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D3"  # the note is not filtered
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm" and sheet["B3"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == "=vecka39.xlsx" and sheet["C2"].data_type == "s"  # text, never a formula
    assert sheet.column_dimensions["A"].width >= len("Förbund") + 3 + 2  # the header beside its filter button
    assert sheet["D3"].alignment.wrap_text and sheet.row_dimensions[3].height >= 4 * workbooks.LINE_HEIGHT
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (9, "landscape", 1, 0)
    assert sheet.print_title_rows == "$1:$1" and sheet.oddHeader.center.text == "Huvudregister &A"


def test_without_filters_there_are_no_buttons() -> None:
    book = openpyxl.Workbook()
    sheet = workbooks.rows_to_sheet(book, "Lista", [["Löpnummer"], ["202039-01"]])
    assert sheet.auto_filter.ref is None and sheet.freeze_panes == "A2"
