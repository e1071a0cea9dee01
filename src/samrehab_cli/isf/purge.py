"""``samrehab purge``: at the förbund, the registered rows ISF has confirmed are cleared (docs/uppfoljning.md).

ISF's receipt (kvittens) names every row it received without errors, with a fingerprint of the row's values keyed
from ISF's password (:mod:`samrehab_cli.isf.receipts`). For each row of the registration file that the receipt names:
- when the row's fingerprint matches (under the key of any known password, newest first: the file may have been
  encrypted again with a newer password since it was sent), every cell but ``Löpnummer`` is cleared: its value, and
  a note or a link that Excel keeps beside it;
- when it does not match, the row was changed after the file was sent: it is refused, named and left as it is;
- when it holds only its löpnummer, it was cleared before: nothing to do.
Rows of the receipt's weeks that the receipt does not name (added later, or sent with an error) are left as they are
and reported. The file keeps its encryption and password and is replaced atomically
(:func:`samrehab_cli.storage.workbooks.rewrite`), or not at all when nothing is to be cleared: a second purge
changes nothing. docs/uppfoljning.md describes it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.dates import week_from_sheet_name
from samrehab_cli.isf import receipts
from samrehab_cli.schema import PROP_FORBUND, WEEK
from samrehab_cli.sheets import as_text, parse_sheets
from samrehab_cli.storage import crypto, files, workbooks

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook


class ReceiptForOther(errors.SamrehabError):
    """Kvittensen {receipt} gäller {receipt_forbund}, men {path} är {file_forbund}s registreringsfil. Ingenting
    ändrades: ange förbundets egen registreringsfil och kvittens."""


class ChangedMeanwhile(errors.SamrehabError):
    """{path} ändrades medan samrehab purge arbetade (den sparades kanske i Excel). Ingenting ändrades: stäng filen
    i Excel och kör kommandot igen."""


class PurgedRow(BaseModel):
    sheet: str
    row: int  # its row in Excel
    serial: str
    columns: list[str]  # the headers of the cells that held something


class KeptRow(BaseModel):
    sheet: str
    row: int
    serial: str


class PurgeResult(BaseModel):
    file: str
    receipt: str
    forbund: str
    weeks: list[str]  # the weeks the receipt confirms
    cleared: list[PurgedRow]
    changed: list[KeptRow]  # named by the receipt, but changed since the file was sent: refused
    not_in_receipt: list[KeptRow]  # rows of the receipt's weeks it does not name: left as they are
    already_cleared: list[str]  # named by the receipt and holding only their löpnummer
    missing: list[str]  # named by the receipt and not in the file at all
    written: bool
    encrypted: bool


@dataclass(frozen=True)
class _Planned:
    sheet: str
    row: int
    serial: str


def read_receipt(path: Path) -> receipts.Parsed:
    try:
        text = files.read_bytes(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise receipts.NotAReceipt(path=path, marker=receipts.MARKER) from None
    return receipts.parse(text, path)


def purge(path: Path, receipt_path: Path, passwords: crypto.Passwords) -> PurgeResult:
    """Clear the rows of the registration file at ``path`` that the receipt at ``receipt_path`` confirms and that
    have not changed since; see the module's description."""
    receipt = read_receipt(receipt_path)
    data = files.read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    opened = crypto.open_bytes(data, passwords, path)
    del data
    book = workbooks.read(opened.data, path)
    named_forbund = book.properties.get(PROP_FORBUND, "").strip()
    if named_forbund and receipt.forbund and named_forbund.casefold() != receipt.forbund.casefold():
        raise ReceiptForOther(receipt=receipt_path, receipt_forbund=receipt.forbund, path=path,
                              file_forbund=named_forbund)
    passwords.receipt_key_for(opened)  # asks for a password when none is known yet (an unencrypted file)
    keys = passwords.receipt_keys()
    sheets = [name for name in book.sheet_names if week_from_sheet_name(name) is not None]
    raw = {name: book.rows(name) for name in sheets}
    table = parse_sheets(WEEK, list(raw.items()))
    planned: list[_Planned] = []
    changed: list[KeptRow] = []
    others: list[KeptRow] = []
    filled: set[str] = set()
    for sheet in table.sheets:
        for offset, number in enumerate(sheet.numbers):
            index = sheet.start + offset
            serial = table.cells["serial"][index].text
            filled.add(serial)
            expected = receipt.rows.get(serial)
            if expected is None:
                if sheet.name in receipt.weeks:
                    others.append(KeptRow(sheet=sheet.name, row=number, serial=serial))
                continue
            cells = receipts.row_cells(table.cells, index)
            if any(receipts.fingerprint(key, serial, cells) == expected for key in keys):
                planned.append(_Planned(sheet.name, number, serial))
            else:
                changed.append(KeptRow(sheet=sheet.name, row=number, serial=serial))
    present = {serial for rows in raw.values() for serial in _serials(rows)}
    waiting = [s for s in receipt.rows if s not in filled]
    del table, raw, book

    def clear(workbook: OpenpyxlWorkbook) -> list[PurgedRow]:
        if hashlib.sha256(files.read_bytes(path)).hexdigest() != sha:
            raise ChangedMeanwhile(path=path)
        return [_clear_row(workbook, plan, path) for plan in planned]

    cleared, _ = workbooks.rewrite(path, passwords, clear) if planned else ([], opened)
    return PurgeResult(file=str(path), receipt=str(receipt_path), forbund=receipt.forbund, weeks=receipt.weeks,
                       cleared=cleared, changed=changed, not_in_receipt=others,
                       already_cleared=[s for s in waiting if s in present],
                       missing=[s for s in waiting if s not in present], written=bool(cleared),
                       encrypted=opened.encryption is not None)


def _serials(rows: list[list[object]]) -> list[str]:
    """The löpnummer in a week sheet's rows (found by its header), empty rows included."""
    header = [as_text(v) if v is not None else "" for v in rows[0]] if rows else []
    column = next((i for i, text in enumerate(header) if WEEK.by_header(text) is WEEK["serial"]), None)
    if column is None:
        return []
    return [as_text(r[column]) for r in rows[1:] if column < len(r) and r[column] is not None]


def _clear_row(workbook: OpenpyxlWorkbook, plan: _Planned, path: Path) -> PurgedRow:
    """Every cell of the row but Löpnummer emptied: value, note and link; formats and dropdowns stay."""
    from openpyxl.cell.cell import MergedCell

    sheet = workbook[plan.sheet]
    headers = {cell.column: as_text(cell.value) for cell in sheet[1] if cell.value is not None}
    serial_column = next((c for c, text in headers.items() if WEEK.by_header(text) is WEEK["serial"]), None)
    if serial_column is None or as_text(sheet.cell(plan.row, serial_column).value or "") != plan.serial:
        raise ChangedMeanwhile(path=path)
    columns = []
    for cell in sheet[plan.row]:
        if cell.column == serial_column or isinstance(cell, MergedCell):
            continue
        if cell.value is not None and as_text(cell.value):
            columns.append(headers.get(cell.column, cell.column_letter))
        if cell.value is not None or cell.hyperlink is not None or cell.comment is not None:
            cell.value = None
            cell.hyperlink = None
            cell.comment = None
    return PurgedRow(sheet=plan.sheet, row=plan.row, serial=plan.serial, columns=columns)
