"""``samrehab validate``: open each file (encrypted or not), read its week sheets and run every rule on them.

A file that cannot be opened is a finding (S101, S102), not an error, so that several files are checked in one run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from samrehab_cli import errors
from samrehab_cli.catalog import RULE
from samrehab_cli.dates import Week, week_from_sheet_name
from samrehab_cli.findings import Finding, Report
from samrehab_cli.registration.rules import check, structure
from samrehab_cli.schema import WEEK
from samrehab_cli.sheets import Table, collector_paused, parse_sheets
from samrehab_cli.storage import crypto, workbooks

if TYPE_CHECKING:
    from samrehab_cli.storage.pool import Done

#: What a registration workbook may hold, all week tabs together, counted from A1 to each tab's last cell: ten years
#: of weekly tabs (520) of 500 rows and 19 columns. More is refused unread (S101), before it costs memory and time.
MAX_CELLS = 520 * 500 * 19
_NOT_OPENED = (errors.PasswordNeeded, errors.WrongPassword, errors.NoPassword)
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


@dataclass(frozen=True)
class Validated:
    """The findings of one file, and its plaintext when it could be opened (for ``--mark``)."""

    findings: list[Finding]
    opened: crypto.Opened | None


def check_file(path: Path, passwords: crypto.Passwords, today: dt.date, week: Week | None = None) -> Validated:
    """Open ``path`` and check it; a file that cannot be opened gives S101 or S102 instead of an error."""
    file = str(path)
    try:
        book, opened = workbooks.load(path, passwords, max_cells=MAX_CELLS)
    except _NOT_OPENED as exc:
        return Validated([RULE["S102"].finding(file, detail=exc)], None)
    except errors.SamrehabError as exc:
        return Validated([RULE["S101"].finding(file, detail=exc)], None)
    findings = [] if opened.encryption is not None else [RULE["S103"].finding(file, path=file)]
    if opened.intact is False:
        findings.append(RULE["S104"].finding(file))
    try:
        findings += check_workbook(book, file, today, week)
    except errors.NotAWorkbook as exc:
        return Validated([RULE["S101"].finding(file, detail=exc)], None)
    return Validated(findings, opened)


def validate_file(path: Path, passwords: crypto.Passwords, today: dt.date, week: Week | None = None) -> list[Finding]:
    """Every finding in one file (docs/regler.md), in the order of its sheets, rows and columns."""
    return check_file(path, passwords, today, week).findings


@dataclass(frozen=True)
class Checked:
    """What ``samrehab validate`` found in its files: one report over all of them, and each file's result."""

    report: Report
    files: list[Validated]


def check_files(paths: Iterable[Path], passwords: crypto.Passwords, today: dt.date,
                week: Week | None = None) -> Checked:
    """Check every file; one that cannot be opened is a finding, and the others are still checked.

    Many files are checked in worker processes on every core (:mod:`samrehab_cli.storage.pool`): a file whose
    reading kills its process is an S101 finding and the others go on. Only one file at a time keeps its plaintext
    (for ``--mark``); many files come back with their findings only.
    """
    todo = list(paths)
    if len(todo) <= 1:  # one file is read here: no worker to start, no multiprocessing to import
        results = [check_file(path, passwords, today, week) for path in todo]
    else:
        from samrehab_cli.storage import pool

        passwords.ask_before(todo)  # a prompt belongs to this process, not to a worker
        tasks = [(path, passwords, today, week) for path in todo]
        results = [_result(done) for done in pool.run(_check_in_worker, tasks, workers=pool.workers_for(len(todo)))]
    return Checked(Report.of(finding for result in results for finding in result.findings), results)


def _check_in_worker(task: tuple[Path, crypto.Passwords, dt.date, Week | None]) -> Validated:
    return Validated(check_file(*task).findings, None)


def _result(done: Done[tuple[Path, crypto.Passwords, dt.date, Week | None], Validated]) -> Validated:
    if done.value is not None:
        return done.value
    file = str(done.item[0])
    reason = done.died or f"ett oväntat fel inträffade: {type(done.error).__name__}"
    return Validated([RULE["S101"].finding(file, detail=f"Filen kunde inte läsas ({reason}). Den kan vara skadad: "
                                                        "be avsändaren om en ny fil.")], None)


def validate_files(paths: Iterable[Path], passwords: crypto.Passwords, today: dt.date,
                   week: Week | None = None) -> Report:
    return check_files(paths, passwords, today, week).report


def check_workbook(book: workbooks.Workbook, file: str, today: dt.date, week: Week | None = None) -> list[Finding]:
    """The rules on a workbook read into memory: its sheet names, then every week sheet (or only ``week``'s)."""
    return read_and_check(book, file, today, week)[1]


def read_and_check(book: workbooks.Workbook, file: str, today: dt.date,
                   week: Week | None = None) -> tuple[Table, list[Finding]]:
    """The week sheets read together (every one, or only ``week``'s) and every finding in the workbook, in the order
    of its sheets, rows and columns. Merge folds the same table into ISF's register."""
    week_of = {name: found for name in book.sheet_names if (found := week_from_sheet_name(name)) is not None}
    findings = list(structure.unknown_sheets(file, book.sheet_names, book.hidden))
    findings += structure.no_week_sheet(file, list(week_of.values()), week)
    named = [(name, book.rows(name, empty_as_text=True)) for name, found in week_of.items()
             if week is None or found == week]
    with collector_paused():
        table = parse_sheets(WEEK, named)
        findings += check.check_sheets(file, table, today)
    order = {name: index for index, name in enumerate(book.sheet_names)}
    findings.sort(key=lambda f: _position(f, order))
    return table, findings


def _position(finding: Finding, order: dict[str, int]) -> tuple[int, int, int, str]:
    """Sort key: file-level findings first, then by sheet, row and column (A < Z < AA)."""
    if finding.sheet is None:
        return (-1, 0, 0, "")
    match = _CELL.match(finding.cell or "")
    letters = match[1] if match else ""
    return (order.get(finding.sheet, len(order)), finding.row or 0, len(letters), letters)
