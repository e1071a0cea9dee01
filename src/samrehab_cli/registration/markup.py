"""``validate --mark``: a copy of a workbook with every cell that has a finding filled and noted.

The coordinator sees the problems where they type: red for fel, yellow for varning, light blue for info, and an
Excel note with the Swedish message(s). Each week sheet of the copy is made easy to work through (:func:`tidy`):
the header row frozen, readable and with filter buttons (Excel filters by fill colour, so only the rows with a red
cell can be shown), printed fitted to the page width. The copy is made and encrypted in memory; the caller writes
it atomically. The input is never changed.

A copy marked before (a coordinator corrects cells in the marked copy and checks it again) starts clean: samrehab's
earlier notes and fills go first, and a person's note that samrehab kept inside its own comes back as it was. The
placeholder Excel writes for a threaded comment ("[Threaded comment] Your version of Excel …") is never copied into
a note; the words of the comment are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from samrehab_cli import errors
from samrehab_cli.dates import week_from_sheet_name
from samrehab_cli.findings import SEVERITIES, Finding
from samrehab_cli.storage import crypto, workbooks

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.worksheet.worksheet import Worksheet

FILLS = {"fel": "FF8080", "varning": "FFE066", "info": "DDEBF7"}
AUTHOR = "samrehab validate"
KEPT = "\n\n--- Tidigare anteckning ({author}) ---\n"  # a person's note, kept after samrehab's own
_KEPT = re.compile(r"\n\n--- Tidigare anteckning \((.*?)\) ---\n(.*)\Z", re.DOTALL)
_THREADED = "[Threaded comment]"


def marked_copy(opened: crypto.Opened, path: Path, passwords: crypto.Passwords, findings: Iterable[Finding]) -> bytes:
    """The bytes of the marked copy of the workbook opened from ``path``: encrypted as the input was (the same
    password), or with the newest password when the input was not encrypted, for the copy holds personal data."""
    if opened.data.startswith(crypto.OLE_MAGIC):
        raise errors.CannotMarkXls(path=path)

    def edit(book: OpenpyxlWorkbook) -> bool:
        mark(book, findings)
        tidy(book)
        return True  # a copy with nothing marked is written too: it says the file is clean

    _, data = workbooks.changed(opened, path, passwords, edit, encrypt_plain=True)
    assert data is not None  # edit returned True
    return data


def mark(book: OpenpyxlWorkbook, findings: Iterable[Finding]) -> int:
    """Fill each finding's cell by its worst severity and give it a note; returns how many cells were marked."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    unmark(book)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.sheet is not None and finding.cell is not None:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    marked = 0
    for (sheet, ref), found in by_cell.items():
        if sheet not in book.sheetnames:
            continue
        cell = book[sheet][ref]
        worst = min((f.severity for f in found), key=SEVERITIES.index)
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        text = "\n\n".join(f"{f.code} ({f.severity}): {f.message}" for f in found)
        earlier = cell.comment
        words = _words(earlier.text) if earlier is not None else ""
        if earlier is not None and words:  # keep a note the coordinator wrote, to give back when marked again
            text += KEPT.format(author=earlier.author or "okänd") + words
        comment = Comment(text, AUTHOR)
        comment.width, comment.height = 320, 80 + 60 * (len(found) + bool(words))
        cell.comment = comment
        marked += 1
    return marked


def tidy(book: OpenpyxlWorkbook) -> None:
    """Every week sheet: header row frozen (unless the coordinator froze something else) with filter buttons (unless
    it has its own), each column wide enough for its header and the button, printed on A4 landscape fitted to the
    page width with the header row on every page and the colours explained in the page header."""
    from openpyxl.utils import get_column_letter

    for sheet in book.worksheets:
        headers = [cell for cell in sheet[1] if cell.value is not None] if sheet.max_row else []
        if week_from_sheet_name(sheet.title) is None or not headers:
            continue
        for cell in headers:
            index = cell.column or 1  # a cell of row 1 has its column
            needed = workbooks.header_width(str(cell.value)) + 2  # + the filter button
            letter = get_column_letter(index)
            if not _in_a_range(sheet, index) and (sheet.column_dimensions[letter].width or 8.43) < needed:
                sheet.column_dimensions[letter].width = needed
        if sheet.freeze_panes is None:
            sheet.freeze_panes = "A2"
        if not sheet.auto_filter.ref:
            sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
        workbooks.print_setup(sheet, page_header="&A, granskad av samrehab: röd cell = fel, gul = varning, "
                                                 "blå = info (se cellens kommentar)", repeat_rows="1:1")
        sheet.print_options.gridLines = True
        sheet.page_setup.cellComments = "atEnd"  # the notes, with their cells, printed after the sheet


def _in_a_range(sheet: Worksheet, index: int) -> bool:
    """Whether column ``index`` shares its width with other columns (``<col min=2 max=5>``): a width of its own
    would overlap that range, which Excel repairs on opening."""
    return any((d.min or 0) <= index <= (d.max or 0) and d.min != d.max for d in sheet.column_dimensions.values())


def unmark(book: OpenpyxlWorkbook) -> int:
    """Take away samrehab's marks: its notes (a person's note kept inside one comes back) and their fills."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    colours = set(FILLS.values())
    cleared = 0
    for sheet in book.worksheets:
        for cell in list(sheet._cells.values()):  # only the cells that exist, not the whole used range
            if cell.comment is None or cell.comment.author != AUTHOR:
                continue
            kept = _KEPT.search(cell.comment.text)
            cell.comment = Comment(kept[2], kept[1]) if kept else None
            if str(cell.fill.fgColor.rgb)[-6:] in colours:
                cell.fill = PatternFill()
            cleared += 1
    return cleared


def _words(note: str) -> str:
    """A note's words: as written, or for Excel's placeholder of a threaded comment the comment and its replies."""
    if not note.startswith(_THREADED):
        return note
    _, found, thread = note.partition("\nComment:\n")
    lines = [line.strip() for line in thread.splitlines()]
    return "\n".join("Svar:" if line.startswith("Repl") and line.endswith(":") else line
                      for line in lines if line) if found else ""
