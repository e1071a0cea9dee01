"""The small workbooks ISF writes beside the register: allocation lists, reminder and survey lists, the sent-log.

Each is made in memory with xlsxwriter (``in_memory``: no temporary files), text written as text (never a formula,
a link or a number), dates as dates; then encrypted with the newest password, checked, and written atomically with
mode 0600. Reading one back goes through the same reading as every workbook (:mod:`samrehab_cli.storage.workbooks`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from samrehab_cli import errors
from samrehab_cli.storage import crypto, files, workbooks


class NotOurList(errors.SamrehabError):
    """{path} är ingen {kind} från samrehab ({reason}). Ange rätt fil."""


@dataclass(frozen=True)
class Table:
    """A sheet: bold headers on row 1 (frozen, with filter buttons), then the rows; printed on A4 with ``title`` at
    the top of every page."""

    name: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[object]]
    title: str = ""
    widths: Sequence[int] = field(default=())


class Book:
    """A new workbook in memory: add sheets, then take its bytes."""

    def __init__(self, properties: dict[str, str] | None = None) -> None:
        import xlsxwriter

        self.buffer = io.BytesIO()
        self.book: Any = xlsxwriter.Workbook(self.buffer, {  # xlsxwriter has no types
            "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False})
        for name, value in (properties or {}).items():
            self.book.set_custom_property(name, value)
        self.header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                            "valign": "top"})
        self.date = self.book.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        self.whole = self.book.add_format({"align": "left"})

    def table(self, table: Table) -> Any:
        """Add ``table`` as a sheet; returns the xlsxwriter worksheet."""
        sheet = self.book.add_worksheet(table.name)
        sheet.write_row(0, 0, table.headers, self.header)
        for r, values in enumerate(table.rows, start=1):
            for c, value in enumerate(values):
                self.cell(sheet, r, c, value)
        widths = list(table.widths) or [max(len(h) + 4, 12) for h in table.headers]
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(table.rows), 1), len(table.headers) - 1)
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_header(f"&L{page_text(table.title or table.name)}&RSida &P av &N")
        return sheet

    def cell(self, sheet: Any, row: int, column: int, value: object) -> None:
        if value is None or value == "":
            return
        if isinstance(value, dt.date):
            sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), self.date)
        elif isinstance(value, int) and not isinstance(value, bool):
            sheet.write_number(row, column, value, self.whole)
        else:
            sheet.write_string(row, column, str(value))

    def bytes(self) -> bytes:
        self.book.close()
        return self.buffer.getvalue()


def page_text(text: str) -> str:
    """Text for a printed page header: ``&`` is Excel's control character there."""
    return text.replace("&", "&&")


def save(path: Path, data: bytes, passwords: crypto.Passwords) -> None:
    """Encrypt ``data`` with the newest password, check it, and replace ``path`` atomically (mode 0600)."""
    files.atomic_write(path, crypto.encrypt(data, passwords, path))


def save_table(path: Path, table: Table, passwords: crypto.Passwords) -> None:
    """A workbook of one sheet, encrypted, at ``path`` (:func:`save`)."""
    book = Book()
    book.table(table)
    save(path, book.bytes(), passwords)


def read(path: Path, passwords: crypto.Passwords, sheet: str, headers: Sequence[str],
         kind: str) -> tuple[list[list[object]], dict[str, str]]:
    """The rows under the headers of ``sheet`` in the workbook at ``path`` (encrypted or not; empty rows left out),
    and the workbook's custom properties. A workbook without that sheet or those headers is not ``kind``."""
    book, _ = workbooks.load(path, passwords)
    if sheet not in book.sheet_names:
        raise NotOurList(path=path, kind=kind, reason=f"bladet {sheet} saknas")
    try:
        rows = book.rows(sheet)
    except Exception as exc:  # calamine raises its own error classes for a damaged sheet
        raise errors.NotAWorkbook(path=path, reason=f"bladet {sheet} är skadat") from exc
    found = [str(v).strip() if v is not None else "" for v in rows[0]] if rows else []
    if found[: len(headers)] != list(headers):
        raise NotOurList(path=path, kind=kind, reason=f"bladet {sheet} har inte rubrikerna {', '.join(headers)}")
    width = len(headers)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[1:]]
    return [r for r in body if any(v is not None for v in r)], book.properties


def slug(text: str) -> str:
    """A name for a file: ``Södra-Dalarna`` from ``Södra Dalarna``."""
    return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-") or "forbund"
