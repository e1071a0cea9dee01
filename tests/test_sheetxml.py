"""storage.sheetxml: rows written straight into a sheet's XML read back exactly, by calamine and by openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.storage import sheetxml, workbooks


def frame(columns: int) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("Blad")
    sheet.write_row(0, 0, [f"K{n}" for n in range(columns)])
    sheet.set_column(1, 1, 12, date)
    book.close()
    return buffer.getvalue(), date.xf_index


texts = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(texts, st.dates(dt.date(1900, 3, 1), dt.date(2099, 12, 31)) | st.none(),
                          st.integers(-10**12, 10**12) | st.none()), min_size=1, max_size=30))
def test_rows_read_back_as_written(rows: list[tuple[str, dt.date | None, int | None]]) -> None:
    package, date = frame(3)
    data = sheetxml.fill(package, {"xl/worksheets/sheet1.xml": ([None, date, None], [list(r) for r in rows])})
    read = workbooks.read(data, Path("x.xlsx")).rows("Blad")
    expected = [["K0", "K1", "K2"], *[[text or None, day, None if number is None else float(number)]
                                      for text, day, number in rows]]
    width = len(expected[0])
    got = [(row + [None] * width)[:width] for row in read]
    assert got[: len(expected)] == expected[: len(got)] and len(got) <= len(expected)


def test_text_is_never_a_formula_and_odd_characters_survive() -> None:
    package, _ = frame(1)
    odd = ["=2+2", "+46 70", "@summa", " spaces ", "tab\there", "ny\nrad", "a\x01b", "_x0041_", "<&>\"'"]
    data = sheetxml.fill(package, {"xl/worksheets/sheet1.xml": ([None], [[text] for text in odd])})
    assert [row[0] for row in workbooks.read(data, Path("x.xlsx")).rows("Blad")[1:]] == odd
    book = openpyxl.load_workbook(io.BytesIO(data))  # openpyxl leaves Excel's _xHHHH_ escapes as they are
    assert [book["Blad"].cell(row=n + 2, column=1).value for n in range(3)] == odd[:3]
    assert all(book["Blad"].cell(row=n + 2, column=1).data_type == "s" for n in range(len(odd)))
