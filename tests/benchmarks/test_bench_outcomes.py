"""`make bench`: the phases of ``outcomes`` over a 100,000-participant register, in one warm process.

The whole-process figure is in test_bench_processes.py; this one explains it: reading the sheet (calamine), typing
it column by column (sheets.parse_sheet), the D rules and the valid columns (read.from_sheets), and every table of
the year and its previous year (outcomes.compute), each next to reading the same file alone.
"""

from __future__ import annotations

import datetime as dt

from tests.benchmarks import inputs
from tests.benchmarks.timing import paired, show

from samrehab_cli import sheets
from samrehab_cli.participants import outcomes, read
from samrehab_cli.participants.period import parse_period
from samrehab_cli.schema import PARTICIPANTS
from samrehab_cli.storage import crypto, workbooks

N = 100_000


def test_outcomes_100k_phases() -> None:
    path = inputs.register(N)
    passwords = crypto.Passwords()
    today = dt.date(2030, 1, 1)
    chosen = parse_period("2020")
    book, _ = workbooks.load(path, passwords)

    def rows() -> list[list[object]]:
        return book.rows("Deltagare")

    raw = rows()
    parsed = sheets.parse_sheet(PARTICIPANTS, "Deltagare", raw, skip_empty=())
    source = [read.SourceSheet(str(path), parsed)]
    register = read.from_sheets(source, today=today)
    assert len(register.participants) == N and register.excluded == 0
    result = outcomes.compute(register, chosen)
    assert result.rows[0].active > 10_000

    def typed() -> object:
        with sheets.collector_paused():
            return sheets.parse_sheet(PARTICIPANTS, "Deltagare", raw, skip_empty=())

    def checked() -> object:
        with sheets.collector_paused():
            return read.from_sheets(source, today=today)

    show("läsa fliken (calamine, tomma celler som None)", paired(rows, rows, repeat=3), "samma sak")
    show("typa kolumnerna (sheets.parse_sheet)", paired(typed, rows, repeat=3), "läsa fliken")
    show("D-reglerna och de giltiga kolumnerna (read.from_sheets)", paired(checked, rows, repeat=3), "läsa fliken")
    show("alla tabeller för året och året före (outcomes.compute)",
         paired(lambda: outcomes.compute(register, chosen), rows, repeat=3), "läsa fliken")
