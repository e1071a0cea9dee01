"""``validate --mark``: a copy of a workbook with every cell that has a finding filled and noted.

The coordinator sees the problems where they type: red for fel, yellow for varning, light blue for info, and an
Excel note with the Swedish message(s). The copy is made and encrypted in memory; the caller writes it
atomically. The input is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from samrehab_cli import errors
from samrehab_cli.findings import SEVERITIES, Finding
from samrehab_cli.storage import crypto, workbooks

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook

FILLS = {"fel": "FF8080", "varning": "FFE066", "info": "DDEBF7"}
AUTHOR = "samrehab validate"


def marked_copy(opened: crypto.Opened, path: Path, passwords: crypto.Passwords, findings: Iterable[Finding]) -> bytes:
    """The bytes of the marked copy of the workbook opened from ``path``: encrypted as the input was (the same
    password), or with the newest password when the input was not encrypted, for the copy holds personal data."""
    if opened.data.startswith(crypto.OLE_MAGIC):
        raise errors.CannotMarkXls(path=path)

    def edit(book: OpenpyxlWorkbook) -> bool:
        mark(book, findings)
        return True  # a copy with nothing marked is written too: it says the file is clean

    _, data = workbooks.changed(opened, path, passwords, edit, encrypt_plain=True)
    assert data is not None  # edit returned True
    return data


def mark(book: OpenpyxlWorkbook, findings: Iterable[Finding]) -> int:
    """Fill each finding's cell by its worst severity and give it a note; returns how many cells were marked."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

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
        notes = [f"{f.code} ({f.severity}): {f.message}" for f in found]
        if cell.comment is not None and cell.comment.author != AUTHOR:  # keep a note the coordinator wrote
            notes.append(cell.comment.text)
        comment = Comment("\n\n".join(notes), AUTHOR)
        comment.width, comment.height = 320, 80 + 60 * len(notes)
        cell.comment = comment
        marked += 1
    return marked
