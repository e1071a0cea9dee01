"""``validate --mark``: a copy of a workbook with every cell that has a finding filled and noted.

The coordinator sees the problems where they type: red for fel, yellow for varning, light blue for info, and an
Excel note with the Swedish message(s). Only the plaintext bytes of the copy are made here; the caller encrypts
them and writes them atomically. The input is never changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from samrehab_cli import errors
from samrehab_cli.findings import SEVERITIES, Finding
from samrehab_cli.storage import crypto, workbooks

FILLS = {"fel": "FF8080", "varning": "FFE066", "info": "DDEBF7"}
AUTHOR = "samrehab validate"


def mark(data: bytes, path: Path, findings: Iterable[Finding]) -> bytes:
    """The xlsx bytes of ``data`` with each finding's cell filled by its worst severity and carrying a note."""
    if data.startswith(crypto.OLE_MAGIC):
        raise errors.CannotMarkXls(path=path)
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.sheet is not None and finding.cell is not None:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    book = workbooks.open_for_change(data, path)
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
    return workbooks.to_bytes(book)
