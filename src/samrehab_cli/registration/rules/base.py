"""What every rule gets: the week sheets of one file as one table, column by column (``Context``).

A row rule is ``rule(ctx, rows)``: ``rows`` are the positions of the rows it applies to (every non-empty row of
every week sheet, or only those with Samtycke Ja or Nej), and it yields a finding per cell that breaks it. Rules ask
for the rows whose cell passes a test with :meth:`Context.where`, which tests each distinct cell of the column once:
a column of ``Ja`` is one test, and a personnummer is checked once however many rows hold it. The whole workbook is
one table because its sheets are many and small (53 weeks of about 40 rows): per sheet, the rules would cost more
in calls than in checks.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Sequence
from functools import cached_property
from itertools import accumulate, chain, compress, repeat
from operator import attrgetter, not_
from typing import Any

from samrehab_cli.findings import Finding, Rule, Severity
from samrehab_cli.registration import personnummer
from samrehab_cli.schema import WEEK
from samrehab_cli.sheets import ABSENT, EMPTY, Cell, ParsedSheet, Row, Table

_NOTHING = frozenset((EMPTY, ABSENT))


class Context:
    """The week sheets of one file read together, and today's date; ``cells[key]`` is a column's cells, sheet after
    sheet."""

    def __init__(self, file: str, table: Table, today: dt.date) -> None:
        self.file, self.today = file, today
        self.sheets, self.cells = table.sheets, table.cells
        self.ends = list(accumulate(len(sheet.numbers) for sheet in self.sheets))  # sheet n's rows end at ends[n]
        self.rows = range(self.ends[-1] if self.ends else 0)
        self.weeks = list(chain.from_iterable(repeat(sheet.week, len(sheet.numbers)) for sheet in self.sheets))
        self._distinct: dict[tuple[str, int], tuple[Sequence[int], set[Cell]]] = {}

    @cached_property
    def personnummer(self) -> dict[Cell, personnummer.Checked]:
        """Each distinct personnummer of the workbook that is not plainly valid, checked: once, however many rules
        ask. The plainly valid ones are left out (:func:`personnummer.plain`): there is nothing to say of them, and
        their text is their 12 digits."""
        texts = list(self.distinct("personnummer", self.rows) - _NOTHING)
        values = list(map(attrgetter("value"), texts))
        plain = personnummer.plain(values, self.today)
        return {cell: personnummer.check(value, self.today)
                for cell, value, ok in zip(texts, values, plain, strict=True) if not ok}

    def locate(self, row: int) -> tuple[ParsedSheet, int]:
        """The sheet the row at ``row`` is on, and its position among that sheet's rows."""
        sheet = bisect_right(self.ends, row)
        return self.sheets[sheet], row - (self.ends[sheet - 1] if sheet else 0)

    def value(self, key: str, row: int) -> object:
        """The typed value of ``key`` in the row at ``row`` (None when empty or unreadable)."""
        return self.cells[key][row].value

    def where(self, key: str, rows: Sequence[int], test: Callable[[Cell], object]) -> list[int]:
        """The rows among ``rows`` whose cell of ``key`` passes ``test``; each distinct cell is tested once."""
        return self.rows_with(key, rows, {cell for cell in self.distinct(key, rows) if test(cell)})

    def failing(self, key: str, rows: Sequence[int], valid: Callable[[list[str]], list[bool]]) -> list[int]:
        """The rows whose text in ``key``, a column of text, is not ``valid``, which judges the column's distinct texts
        all at once: the columns of e-mail addresses and mobile numbers hold thousands of distinct values."""
        texts = list(self.distinct(key, rows) - _NOTHING)  # the value of a filled cell of text is its text
        return self.rows_with(key, rows, set(compress(texts, map(not_, valid(list(map(attrgetter("value"), texts)))))))

    def empty(self, key: str, rows: Sequence[int]) -> list[int]:
        """The rows that leave ``key`` empty (not those on a sheet without the column: that is S112 only)."""
        return self.rows_with(key, rows, {EMPTY} & self.distinct(key, rows))

    def blank(self, key: str, rows: Sequence[int]) -> list[int]:
        """The rows with nothing in ``key``: left empty, or on a sheet without the column."""
        return self.where(key, rows, attrgetter("empty"))

    def filled(self, key: str, rows: Sequence[int]) -> list[int]:
        return self.where(key, rows, lambda cell: not cell.empty)

    def invalid(self, key: str, rows: Sequence[int]) -> list[int]:
        """The rows whose ``key`` holds something that cannot be read as the column's kind."""
        return self.where(key, rows, attrgetter("invalid"))

    def distinct(self, key: str, rows: Sequence[int]) -> set[Cell]:
        """The distinct cells of ``key`` among ``rows``: made once for each column and list of rows (do not change
        it), as several rules ask about the same column of the same rows."""
        found = self._distinct.get((key, id(rows)))  # the rows are kept with it, so no other list takes their id
        if found is None:
            cells = self.cells[key]
            found = self._distinct[key, id(rows)] = (
                rows, set(cells) if rows is self.rows else set(map(cells.__getitem__, rows)))
        return found[1]

    def rows_with(self, key: str, rows: Sequence[int], wanted: set[Cell]) -> list[int]:
        """The rows among ``rows`` whose cell of ``key`` is one of ``wanted``, picked in C."""
        if not wanted:
            return []
        cells = self.cells[key]
        picked = cells if rows is self.rows else map(cells.__getitem__, rows)
        return list(compress(rows, map(wanted.__contains__, picked)))

    def at(self, rule: Rule, row: int, key: str, *, severity: Severity | None = None, **fields: Any) -> Finding:
        """A finding at ``key``'s cell of the row at ``row``: the Swedish header as column, the raw text as value."""
        sheet, index = self.locate(row)
        return rule.at(self.file, Row(sheet, index), key, WEEK[key].header, severity=severity, **fields)


def is_present(cell: Cell) -> bool:
    """In a column the sheet has (filled or not)."""
    return cell is not ABSENT
