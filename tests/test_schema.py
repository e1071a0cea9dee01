"""Reading sheets column by column (sheets.parse_sheets): what a row is, where its cells are, what they mean."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.schema import ORS, PARTICIPANTS, WEEK, Column
from samrehab_cli.sheets import (
    ABSENT,
    EMPTY,
    parse_sheet,
    parse_sheets,
    read_cell,
    read_column,
)

HEADERS = ["Löpnummer", "Datum informationsmöte", "Samtycke", "Namn", "Kommentar"]


def test_sheets_of_different_layouts_are_read_together() -> None:
    moved = ["Namn", "Samtycke", "Okänd", "Löpnummer", "Datum informationsmöte"]  # no Kommentar, one unknown
    table = parse_sheets(WEEK, [
        ("2020-v39", [HEADERS, ["202039-01", "2020-09-21", " ja ", "Anna", None], ["202039-02"]]),
        ("2020-v40", [moved, ["Bo", "Nej", "x", "202040-01", dt.datetime(2020, 9, 28)], [None, None, "bara okänd"]]),
    ])
    first, second = table.sheets
    assert [cell.value for cell in table.cells["name"]] == ["Anna", "Bo"]  # the column over both sheets
    assert (first.numbers, second.numbers) == ([2], [2])  # a löpnummer alone, or an unknown column alone: empty
    assert first.cells["consent"][0].value == "Ja" and second.cells["consent"][0].value == "Nej"
    assert second.cells["meeting_date"][0].value == dt.date(2020, 9, 28)
    assert second.cells["name"][0].value == "Bo" and second.ref("name", 0) == "A2"
    assert first.cells["comment"] == [EMPTY] and second.cells["comment"] == [ABSENT]  # blank, or no such column
    assert second.unknown == [(2, "Okänd")]


def test_rows_of_spaces_only_are_empty_on_every_sheet() -> None:
    table = parse_sheets(WEEK, [
        ("2020-v39", [HEADERS, ["202039-01", "  ", None, "\t", None], ["202039-02", None, "Ja", None, None]]),
        ("2020-v40", [HEADERS[:3], ["202040-01", " ", " "], ["202040-02", "2020-09-28", None]]),
    ])
    first, second = table.sheets
    assert [cell.value for cell in table.cells["consent"]] == ["Ja", None]
    assert first.numbers == [3] and first.cells["consent"][0].value == "Ja"
    assert second.numbers == [3] and second.cells["meeting_date"][0].value == dt.date(2020, 9, 28)


def test_short_rows_and_a_header_beyond_the_data() -> None:
    sheet = parse_sheet(WEEK, "2020-v39", [HEADERS, ["202039-01", "2020-09-21"], ["202039-02", None, "Nej"]])
    assert sheet.numbers == [2, 3]
    assert sheet.cells["name"] == [EMPTY, EMPTY] and sheet.cells["consent"][1].value == "Nej"
    assert parse_sheet(WEEK, "2020-v39", [HEADERS]).numbers == []
    assert parse_sheet(WEEK, "2020-v39", []).missing


def test_values_equal_across_types_keep_their_own_reading() -> None:
    """True == 1 == 1.0 in Python; a memo of read values must not give one the other's reading."""
    sheet = parse_sheet(PARTICIPANTS, "Deltagare", [
        ["Deltagar-ID", "År utan arbete eller studier"], ["P1", 1.0], ["P2", True], ["P3", 1], ["P4", "1,5"]])
    values = [cell.value for cell in sheet.cells["years_without_work"]]
    assert values == [Decimal("1.0"), None, Decimal(1), Decimal("1.5")]


def test_rows_are_views_of_the_columns() -> None:
    sheet = parse_sheet(ORS, "ORS", [["Deltagar-ID", "Datum", "ORS"], ["P1", "2020-01-05", 21.5]])
    row = sheet.rows[0]
    assert (row.number, row.value("ors"), row["srs"].empty, row.ref("ors"), row.ref("srs")) == (
        2, Decimal("21.5"), True, "C2", None)


cell_values = st.one_of(st.none(), st.sampled_from(["", " ", "Ja", " nej ", "2020-09-21", "x"]),
                        st.integers(-3, 3), st.floats(allow_nan=False, width=16), st.booleans(),
                        st.dates(dt.date(2019, 1, 1), dt.date(2021, 1, 1)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.lists(cell_values, max_size=6), max_size=6), min_size=1, max_size=4))
def test_together_as_one_by_one(bodies: list[list[list[object]]]) -> None:
    """Reading sheets together gives each sheet exactly what reading it alone gives."""
    headers = [HEADERS, HEADERS[::-1], HEADERS[:3] + ["Okänd"], ["Samtycke", "Samtycke", "Namn"]]
    sheets = [(f"2020-v{n + 1:02d}", [headers[n % len(headers)], *body]) for n, body in enumerate(bodies)]
    table = parse_sheets(WEEK, sheets)
    for key, cells in table.cells.items():  # the whole column is the sheets' columns one after the other
        assert cells == [cell for sheet in table.sheets for cell in sheet.cells[key]]
    for together, (name, rows) in zip(table.sheets, sheets, strict=True):
        alone = parse_sheet(WEEK, name, rows)
        assert together.numbers == alone.numbers
        assert {k: [(c.raw, c.value) for c in v] for k, v in together.cells.items()} == \
               {k: [(c.raw, c.value) for c in v] for k, v in alone.cells.items()}
        assert all(len(cells) == len(alone.numbers) for cells in alone.cells.values())
        for index, number in enumerate(alone.numbers):  # a kept row has a value in a column that is read
            assert any(cells[index].raw is not None for key, cells in alone.cells.items() if key != "serial")
            assert rows[number - 1] is not None


column_values = st.one_of(
    st.lists(cell_values | st.text(max_size=4), max_size=12),
    st.lists(st.none() | st.integers(-5, 10**6).map(float), max_size=12),  # kuvertnummer as Excel numbers
    st.lists(st.none() | st.datetimes(dt.datetime(1950, 1, 1), dt.datetime(2030, 1, 1)), max_size=12),  # Excel dates
    st.lists(st.none() | st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)), max_size=12),
    st.lists(st.text(max_size=6), unique=True, max_size=12),  # every value once (Deltagar-ID): read in order
    st.lists(st.dates(dt.date(1950, 1, 1), dt.date(2030, 1, 1)) | st.floats(0, 50), unique=True, max_size=12),
)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(WEEK.columns + PARTICIPANTS.columns), column_values)
def test_a_column_is_read_as_each_of_its_cells(column: Column, raws: list[object]) -> None:
    """read_column (each distinct value once, text made in bulk) gives what read_cell gives cell by cell; ``""`` is
    an empty cell (python-calamine's), not a value of spaces."""
    cells, spaces = read_column(column, raws)
    alone = [read_cell(column, raw) for raw in raws]
    assert [(type(c.raw), c.raw, c.value) for c in cells] == [(type(c.raw), c.raw, c.value) for c in alone]
    assert all((cell is EMPTY) == (one is EMPTY) for cell, one in zip(cells, alone, strict=True))
    assert spaces == any(raw is not None and raw != "" and one is EMPTY for raw, one in zip(raws, alone, strict=True))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.lists(cell_values, max_size=6), max_size=6), min_size=1, max_size=4))
def test_an_empty_text_is_an_empty_cell(bodies: list[list[list[object]]]) -> None:
    """python-calamine gives an empty cell as ``""``: sheets read as they come equal the same with None there."""
    headers = [HEADERS, HEADERS[::-1], ["Samtycke", "Namn"]]
    sheets = [(f"2020-v{n + 1:02d}", [headers[n % len(headers)], *body]) for n, body in enumerate(bodies)]
    cleaned = [(name, [[None if value == "" and isinstance(value, str) else value for value in row] for row in rows])
               for name, rows in sheets]
    as_given, as_none = parse_sheets(WEEK, sheets), parse_sheets(WEEK, cleaned)
    assert [s.numbers for s in as_given.sheets] == [s.numbers for s in as_none.sheets]
    assert {k: [(type(c.raw), c.raw, c.value, c is EMPTY) for c in v] for k, v in as_given.cells.items()} == \
           {k: [(type(c.raw), c.raw, c.value, c is EMPTY) for c in v] for k, v in as_none.cells.items()}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cell_values, max_size=8), max_size=8), st.integers(0, 3))
def test_short_rows_read_as_rows_padded_with_empty_cells(body: list[list[object]], more: int) -> None:
    """Rows of one width (as python-calamine gives them) are transposed a column at a time, rows of several widths
    all at once: the same sheet either way."""
    width = max([len(HEADERS), *map(len, body)]) + more
    padded = [row + [None] * (width - len(row)) for row in [HEADERS, *body]]
    ragged, even = parse_sheet(WEEK, "2020-v01", [HEADERS, *body]), parse_sheet(WEEK, "2020-v01", padded)
    assert ragged.numbers == even.numbers
    assert {k: [(type(c.raw), c.raw, c.value, c is EMPTY) for c in v] for k, v in ragged.cells.items()} == \
           {k: [(type(c.raw), c.raw, c.value, c is EMPTY) for c in v] for k, v in even.cells.items()}


def test_a_parsed_sheet_is_freed_without_the_cycle_collector() -> None:
    """A register's rows are many: they must go when the last reference does, not at the collector's next run."""
    import gc
    import weakref

    sheet = parse_sheet(ORS, "ORS", [["Deltagar-ID", "Datum", "ORS"], ["P1", "2020-01-05", 21.5]])
    assert sheet.rows[0].value("participant_id") == "P1"
    gone = weakref.ref(sheet)
    gc.disable()
    try:
        del sheet
        assert gone() is None
    finally:
        gc.enable()
