"""The marked copy's week sheets made easy to work through (markup.tidy), on workbooks a coordinator made."""

from __future__ import annotations

import io

import openpyxl

from samrehab_cli.registration import markup
from samrehab_cli.storage import workbooks


def test_tidy_keeps_what_the_coordinator_set_and_never_splits_a_shared_column_width() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2020-v39"
    sheet.append(["Löpnummer", "Datum informationsmöte", "Samtycke", "Behandlingsgrupp", "Kommentar"])
    sheet.append(["202039-01", None, "Ja", "Ja", "text"])
    sheet.column_dimensions.group("B", "C", hidden=False)  # one <col min="2" max="3"> for both
    sheet.column_dimensions["B"].width = 5
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = "A1:C2"
    other = book.create_sheet("Anteckningar")
    other.append(["Behandlingsgrupp"])
    markup.tidy(book)
    again = openpyxl.load_workbook(io.BytesIO(workbooks.to_bytes(book)))
    sheet = again["2020-v39"]
    assert sheet.freeze_panes == "C3" and sheet.auto_filter.ref == "A1:C2"  # the coordinator's own
    shared = sheet.column_dimensions["B"]
    assert (shared.min, shared.max, shared.width) == (2, 3, 5)
    assert "C" not in sheet.column_dimensions or sheet.column_dimensions["C"].min == 2
    assert sheet.column_dimensions["D"].width == workbooks.header_width("Behandlingsgrupp") + 2
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"
    assert again["Anteckningar"].page_setup.orientation is None  # not a week sheet: left as it was


def test_tidy_leaves_an_empty_week_sheet_alone() -> None:
    book = openpyxl.Workbook()
    book.active.title = "2020-v39"
    markup.tidy(book)
    assert book.active.auto_filter.ref is None and book.active.freeze_panes is None
