"""Reading sheets as a person typed them: cells typed by their column's kind, sheets parsed column by column.

What the columns are is :mod:`samrehab_cli.schema`; this module is the machinery that reads raw values into
:class:`Cell` and finds the columns of a sheet by header text. ``ja`` and `` JA `` mean ``Ja``, a date may be a real
Excel date or ISO text, a personnummer stored as a number is read as its digits.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property, partial
from itertools import chain, compress, repeat, zip_longest
from operator import attrgetter, is_not, itemgetter, not_
from typing import Any

from samrehab_cli.dates import Week, week_from_sheet_name
from samrehab_cli.schema import Column, Kind, SheetSchema


class Cell(tuple[object, object]):
    """One cell: ``raw`` as the workbook holds it (None when empty), ``value`` typed (None when empty or unreadable).

    A cell is shared by every row that holds the same value and never changes. It is a pair so that a column of
    text is made in C (:func:`read_column`); two cells are equal only when they are the same object, so a set of
    cells is cheap and EMPTY is not ABSENT.
    """

    __slots__ = ()
    __eq__, __ne__, __hash__ = object.__eq__, object.__ne__, object.__hash__
    raw = property(itemgetter(0))
    value = property(itemgetter(1))

    def __new__(cls, raw: object, value: object) -> Cell:
        return tuple.__new__(cls, (raw, value))

    def __repr__(self) -> str:
        return f"Cell(raw={self.raw!r}, value={self.value!r})"

    @property
    def empty(self) -> bool:
        return self.raw is None

    @property
    def invalid(self) -> bool:
        return self.raw is not None and self.value is None

    @property
    def text(self) -> str:
        """The raw value as text, for messages and findings."""
        return "" if self.raw is None else as_text(self.raw)


EMPTY = Cell(None, None)  # a blank cell
ABSENT = Cell(None, None)  # the cell of a column the sheet does not have: empty too, but never "left empty"
_BLANK = frozenset({None, ""})  # the raw value of an empty cell: None, or "" as python-calamine gives it


def as_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def read_date(raw: object) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
            try:
                return parse(text)
            except ValueError:
                continue
    return None


_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")


def read_integer(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER_TEXT.match(raw.strip()):
        return int(raw.strip())
    return None


def read_number(raw: object) -> Decimal | None:
    """A decimal number, exactly as typed: 5.6 stays 5.6 (never a binary float); ``5,6`` is read too."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        text = repr(float(raw)) if isinstance(raw, float) else str(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", ".").replace("\u2212", "-")
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


_READERS: dict[Kind, Callable[[object], object]] = {
    Kind.DATE: read_date, Kind.INTEGER: read_integer, Kind.NUMBER: read_number,
}  # a choice is its allowed value (:func:`reader`); every other kind (text, personnummer, e-post …) is its text
_TEXT_KINDS = frozenset(kind for kind in Kind if kind not in _READERS and kind is not Kind.CHOICE)


def reader(column: Column) -> Callable[[object], object]:
    """A raw value that is there, read as ``column``'s kind (None when it cannot be); text is stripped."""
    if column.kind is Kind.CHOICE:
        return lambda raw: column.canonical(as_text(raw))
    return _READERS.get(column.kind, as_text)


def read_cell(column: Column, raw: object) -> Cell:
    """One raw value read as typed: None and text of spaces only are EMPTY."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return EMPTY
    return Cell(raw, reader(column)(raw))


_EQUAL_ACROSS_TYPES = {bool, int, float, Decimal}  # True == 1 == 1.0: such values cannot share one memo
_new_cell = partial(tuple.__new__, Cell)


def read_column(column: Column, raws: Sequence[object]) -> tuple[list[Cell], bool]:
    """Each raw value of one column read as :func:`read_cell` reads it, and whether a value that is there was read
    as empty (text of spaces only; ``""`` is an empty cell, as python-calamine gives one).

    Each distinct value is read once, and the cells are made in C: a year's workbook holds thousands of distinct
    names, addresses, personnummer and kuvertnummer. A column whose every value is there and differs from the others
    (a register's Deltagar-ID) is read in its own order, with no table of values between.
    """
    try:
        distinct = set(raws)
    except TypeError:  # an unhashable value: never from a workbook, but a caller may pass one
        distinct = None
    if distinct is not None and distinct <= _BLANK:  # columns left empty (Kommentar, Pappersenkät …) are common
        return [EMPTY] * len(raws), False
    types = set(map(type, distinct)) if distinct is not None else set()
    if distinct is None or (_EQUAL_ACROSS_TYPES & types and len(_EQUAL_ACROSS_TYPES & set(map(type, raws))) > 1):
        cells = [read_cell(column, raw) for raw in raws]
        return cells, any(cell is EMPTY and raw is not None and raw != "" for raw, cell in zip(raws, cells,
                                                                                               strict=True))
    unique = len(distinct) == len(raws) and distinct.isdisjoint(_BLANK)
    if "" in distinct:  # then the text is no kind of the values
        distinct.discard("")
        types = set(map(type, distinct))
    distinct.discard(None)
    there: Sequence[Any] = raws if unique else list(distinct)  # of the types in ``kinds``, which pick the reading
    kinds = types - {type(None)}
    values: Sequence[Any]
    blank: list[object] = []
    if column.kind in _TEXT_KINDS and kinds <= {str}:
        values = list(map(str.strip, there))
        blank = [raw for raw, value in zip(there, values, strict=True) if not value] if "" in values else []
    elif column.kind is Kind.DATE and kinds <= {dt.date}:  # Excel dates, as calamine gives them
        values = there
    elif column.kind is Kind.DATE and kinds <= {dt.datetime}:  # … or with a time of day: read in C
        values = list(map(dt.datetime.date, there))
    elif column.kind is Kind.INTEGER and kinds <= {float} and all(map(float.is_integer, there)):
        values = list(map(int, there))
    else:
        values = list(map(reader(column), there))
        blank = [raw for raw in there if isinstance(raw, str) and not raw.strip()]
    if unique and not blank:
        return list(map(_new_cell, zip(there, values, strict=True))), False
    known = dict(zip(there, map(_new_cell, zip(there, values, strict=True)), strict=True))
    known.update(dict.fromkeys(blank, EMPTY))
    known[None] = known[""] = EMPTY
    return list(map(known.__getitem__, raws)), bool(blank)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a sheet's cells are typed and checked, and spare it those objects after.

    That makes tens of thousands of small objects (a register: millions), none in a cycle. With the collector on,
    every 700 new ones would set it walking them all again (about 5 % of validating a fully filled year), and once
    it is on again its next run would walk every one of them (a tenth of reading a 100,000-participant register).
    So the objects made meanwhile are moved out of its sight (``gc.freeze``): they are still freed as usual when
    no longer used. The collector runs again afterwards, also after an error.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# --- sheets -----------------------------------------------------------------------------------------------------
def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(eq=False)
class ParsedSheet:
    """A sheet read column by column: for each schema column, its cell in each non-empty data row."""

    name: str
    schema: SheetSchema
    columns: dict[str, int]  # column key → 0-based index of the first column with that header
    missing: list[Column]  # required headers not found (S112)
    unknown: list[tuple[int, str]]  # (index, header) of headers not in the schema (S113)
    duplicates: list[tuple[Column, list[int]]]  # the same header twice (S114)
    numbers: list[int]  # the Excel row number (1-based) of each non-empty data row
    table: dict[str, list[Cell]] = field(repr=False)  # the columns of the sheets read with this one (parse_sheets)
    start: int = 0  # where this sheet's rows begin in them
    _values: dict[str, list[Any]] = field(default_factory=dict, repr=False)

    @cached_property
    def cells(self) -> dict[str, list[Cell]]:
        """Every schema key → its cell in each non-empty row (EMPTY, or ABSENT where the sheet has no such column).

        Cut from the table's columns when first asked for: validate reads the table, and only a finding's row here.
        A sheet read alone (a register) is the whole table: its columns are the table's own lists, not copies. Not
        to be changed.
        """
        end = self.start + len(self.numbers)
        return {key: cells if self.start == 0 and end == len(cells) else cells[self.start:end]
                for key, cells in self.table.items()}

    def values(self, key: str) -> list[Any]:
        """The typed value of ``key`` in each non-empty row (None where empty or unreadable), made once: the rules
        and the caller both go through a register's columns. Not to be changed."""
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = list(map(itemgetter(1), self.cells[key]))  # a Cell is (raw, value)
        return found

    @cached_property
    def week(self) -> Week | None:
        return week_from_sheet_name(self.name)

    @property
    def rows(self) -> list[Row]:
        """The rows as views (made anew: kept on the sheet, they would make a cycle only the collector frees)."""
        return [Row(self, index) for index in range(len(self.numbers))]

    def ref(self, key: str, index: int) -> str | None:
        """``H7``: the cell of ``key`` in the row at ``index``, or None when the sheet lacks the column."""
        column = self.columns.get(key)
        return None if column is None else f"{column_letter(column)}{self.numbers[index]}"


@dataclass(frozen=True, slots=True, eq=False)
class Row:
    """One non-empty data row of a parsed sheet, as a view of its cells."""

    sheet: ParsedSheet
    index: int  # position among the sheet's non-empty rows

    @property
    def number(self) -> int:
        """The Excel row number, 1-based."""
        return self.sheet.numbers[self.index]

    def __getitem__(self, key: str) -> Cell:
        return self.sheet.cells[key][self.index]

    def value(self, key: str) -> Any:
        """The typed value of ``key``: its type is the column's kind (a date, a Decimal, a choice's text …)."""
        return self.sheet.cells[key][self.index].value

    def ref(self, key: str) -> str | None:
        return self.sheet.ref(key, self.index)


@dataclass(frozen=True)
class _Layout:
    """Where a sheet's header row puts the schema's columns."""

    columns: dict[str, int]
    missing: list[Column]
    unknown: list[tuple[int, str]]
    duplicates: list[tuple[Column, list[int]]]


def _layout(schema: SheetSchema, header_row: Sequence[object]) -> _Layout:
    positions: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    for index, raw in enumerate(header_row):
        if raw is None or not as_text(raw):
            continue
        column = schema.by_header(as_text(raw))
        if column is None:
            unknown.append((index, as_text(raw)))
        else:
            positions.setdefault(column.key, []).append(index)
    return _Layout({key: found[0] for key, found in positions.items()},
                   [c for c in schema.columns if c.required and c.key not in positions],
                   unknown, [(schema[key], found) for key, found in positions.items() if len(found) > 1])


def parse_sheet(schema: SheetSchema, name: str, rows: Sequence[Sequence[object]],
                skip_empty: Iterable[str] = ("serial",)) -> ParsedSheet:
    """Find the columns by header text in row 1, then read every non-empty data row, column by column.

    A row is empty when every column other than those in ``skip_empty`` is empty (a pre-filled löpnummer alone
    does not make a row). An empty cell may be None or ``""`` (as python-calamine gives it).
    """
    return parse_sheets(schema, [(name, rows)], skip_empty).sheets[0]


@dataclass(eq=False)
class Table:
    """Sheets of one schema read together: each sheet, and each column's cells over all of them, sheet after sheet."""

    sheets: list[ParsedSheet]
    cells: dict[str, list[Cell]]  # every schema key → its cell in each non-empty row of every sheet


def parse_sheets(schema: SheetSchema, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]],
                 skip_empty: Iterable[str] = ("serial",)) -> Table:
    """:func:`parse_sheet` for several sheets at once, which costs far less than sheet by sheet when they are many
    and small (a year's 53 week tabs): the rows of all sheets with one header row are transposed together, and each
    column is read once for all of them."""
    ignore = set(skip_empty)
    layouts: dict[tuple[object, ...], _Layout] = {}
    layout_of: list[_Layout] = []
    for _, rows in sheets:
        header = tuple(rows[0]) if rows else ()
        try:
            layout = layouts.get(header) or layouts.setdefault(header, _layout(schema, header))
        except TypeError:  # an unhashable header value: never from a workbook
            layout = _layout(schema, header)
        layout_of.append(layout)
    groups: dict[int, list[int]] = {}  # the sheets of each layout: usually one layout for all
    for position, layout in enumerate(layout_of):
        groups.setdefault(id(layout), []).append(position)
    numbers_of: list[list[int]] = [[] for _ in sheets]
    read: dict[int, tuple[dict[str, list[Cell]], bool]] = {}
    for key, positions in groups.items():
        bodies = [sheets[p][1][1:] for p in positions]
        columns, spaces, filled = _read_rows(schema, layout_of[positions[0]], bodies, ignore)
        read[key] = columns, spaces
        start = 0
        for position, body in zip(positions, bodies, strict=True):
            excel = range(2, len(body) + 2)  # the rows' numbers in Excel
            numbers_of[position] = list(excel if filled is None else compress(excel, filled[start:start + len(body)]))
            start += len(body)
    if len(groups) == 1:
        whole, spaces = next(iter(read.values()))
    else:  # each sheet's rows from its layout's columns, in the order of the sheets
        offsets = dict.fromkeys(groups, 0)
        slices = []
        for layout, numbers in zip(layout_of, numbers_of, strict=True):
            start = offsets[id(layout)]
            offsets[id(layout)] = start + len(numbers)
            slices.append((read[id(layout)][0], start, start + len(numbers)))
        whole = {column.key: list(chain.from_iterable(found[column.key][start:end] for found, start, end in slices))
                 for column in schema.columns}
        spaces = any(blank for _, blank in read.values())
    numbers = list(chain.from_iterable(numbers_of))
    counts = [len(found) for found in numbers_of]
    if spaces:  # drop the rows whose values are only spaces
        raws = (map(attrgetter("raw"), cells) for key, cells in whole.items() if key not in ignore)
        filled_rows = set(chain.from_iterable(compress(range(len(numbers)), map(is_not, found, repeat(None)))
                                              for found in raws))
        if len(filled_rows) < len(numbers):
            kept = sorted(filled_rows)
            owner = list(chain.from_iterable(repeat(p, count) for p, count in enumerate(counts)))
            counts = [0] * len(counts)
            for i in kept:
                counts[owner[i]] += 1
            numbers = [numbers[i] for i in kept]
            whole = {key: [cells[i] for i in kept] for key, cells in whole.items()}
    parsed, start = [], 0
    for (name, _), layout, count in zip(sheets, layout_of, counts, strict=True):
        end = start + count
        parsed.append(ParsedSheet(name, schema, layout.columns, layout.missing, layout.unknown, layout.duplicates,
                                  numbers[start:end], whole, start))
        start = end
    return Table(parsed, whole)


def _read_rows(schema: SheetSchema, layout: _Layout, bodies: list[Sequence[Sequence[object]]], ignore: set[str],
               ) -> tuple[dict[str, list[Cell]], bool, list[bool] | None]:
    """The data rows of sheets with one layout, each column read for all of them; whether a cell outside ``ignore``
    holds only spaces; and whether each row is a data row (None: every row is, as in a register).

    The rows are transposed first, in C: one column at a time when all rows are as wide (as python-calamine gives a
    sheet; half the time of ``zip`` over 100,000 rows), else with short rows padded. Which rows hold data is then
    found column by column, and a column with a value in every row (a register's Deltagar-ID) settles it for all of
    them at once.
    """
    rows = bodies[0] if len(bodies) == 1 else list(chain.from_iterable(bodies))
    widths = set(map(len, rows))
    if len(widths) == 1:
        by_column = [tuple(map(itemgetter(index), rows)) for index in range(widths.pop())]
    else:
        by_column = list(zip_longest(*rows))
    read_at = [i for key, i in layout.columns.items() if key not in ignore and i < len(by_column)]
    filled = _filled([by_column[i] for i in read_at], len(rows))
    if filled is not None:
        by_column = [tuple(compress(values, filled)) for values in by_column]
    total = len(by_column[0]) if by_column else 0
    columns: dict[str, list[Cell]] = {}
    spaces = False
    for column in schema.columns:
        index = layout.columns.get(column.key)
        if index is None or index >= len(by_column):  # no such column, or no data row reaches it
            columns[column.key] = [ABSENT if index is None else EMPTY] * total
        else:
            columns[column.key], blank = read_column(column, by_column[index])
            spaces = spaces or (blank and column.key not in ignore)
    return columns, spaces, filled



def _filled(columns: list[tuple[object, ...]], total: int) -> list[bool] | None:
    """Whether each of ``total`` rows has a value in one of ``columns``; None when every row has one in the same
    column (each value is looked up in a set, in C; a column without a blank ends the search)."""
    blanks: list[list[bool]] = []
    for values in columns:
        try:
            if _BLANK.isdisjoint(values):
                return None
            blanks.append(list(map(_BLANK.__contains__, values)))
        except TypeError:  # an unhashable value: never from a workbook, but a caller may pass one
            blanks.append([value is None or (isinstance(value, str) and not value) for value in values])
    return list(map(not_, map(all, zip(*blanks, strict=True)))) if blanks else [False] * total
