"""Participant registers for the tests: rows as dicts keyed by schema key, written by openpyxl (text as text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from samrehab_cli import sheets
from samrehab_cli.participants import read
from samrehab_cli.schema import ORS, PARTICIPANTS, SheetSchema
from samrehab_cli.storage import crypto, workbooks

TODAY = dt.date(2021, 6, 30)


def person(participant_id: str = "D1", start: object = dt.date(2020, 1, 15), end: object = None,
           exit_reason: object = None, **values: object) -> dict[str, object]:
    """A valid participant row; ``values`` override (None empties a cell)."""
    row: dict[str, object] = {"participant_id": participant_id, "team": "Avesta", "gender": "Kvinna",
                              "start": start, "end": end, "exit_reason": exit_reason,
                              "labour_support": "Utan stöd" if exit_reason == "Arbete" else None,
                              "years_without_work": 3, "comment": "Flyttade" if exit_reason == "Annat" else None}
    row.update(values)
    return row


def table(sheet_schema: SheetSchema, rows: Iterable[Mapping[str, object]]) -> list[list[object]]:
    return [sheet_schema.headers, *[[r.get(c.key) for c in sheet_schema.columns] for r in rows]]


def source_sheets(rows: Iterable[Mapping[str, object]], sheet_schema: SheetSchema = PARTICIPANTS,
                  sheet: str = "Deltagare", file: str = "register.xlsx") -> list[read.SourceSheet]:
    """``rows`` as one sheet read as the register's sheets are read (none when there are no rows)."""
    found = table(sheet_schema, rows)
    if len(found) == 1:
        return []
    return [read.SourceSheet(file, sheets.parse_sheet(sheet_schema, sheet, found, skip_empty=()))]


def make_register(rows: Iterable[Mapping[str, object]], ors: Iterable[Mapping[str, object]] = (),
                  today: dt.date = TODAY) -> read.ParticipantRegister:
    return read.from_sheets(source_sheets(rows), source_sheets(ors, ORS, "ORS"), today=today)


def write_register(path: Path, rows: Sequence[Mapping[str, object]], ors: Sequence[Mapping[str, object]] = (),
                   password: str | None = None, write_only: bool = False) -> Path:
    """An xlsx with a ``Deltagare`` sheet (and an ``ORS`` sheet when ``ors`` is given)."""
    import openpyxl

    book = openpyxl.Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    sheets = [("Deltagare", PARTICIPANTS, rows)] + ([("ORS", ORS, ors)] if ors else [])
    for title, sheet_schema, data in sheets:
        sheet = book.create_sheet(title)
        for r, values in enumerate(table(sheet_schema, data), start=1):
            if write_only:
                sheet.append(values)
                continue
            for c, value in enumerate(values, start=1):
                workbooks.set_text(sheet.cell(row=r, column=c), value)
    data_bytes = workbooks.to_bytes(book)
    if password is not None:
        data_bytes = crypto.encrypt(data_bytes, crypto.Passwords([password]), path)
    path.write_bytes(data_bytes)
    return path
