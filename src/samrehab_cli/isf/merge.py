"""``samrehab merge``: every workbook in ISF's inbox folded into the master register, with nothing lost.

The files are taken in the order they arrived (modification time, then path) and each is read once: a file whose
SHA-256 is in ``Inkomna filer`` was merged before and is skipped before anything is decrypted. The others are
decrypted, read and checked by validate's rules in worker processes on every core (:mod:`samrehab_cli.storage.pool`):
a file that cannot be opened, or whose reading kills its worker, is reported and the rest goes on.

Each file's rows are then folded into the register in that order, by (förbund, Löpnummer):
- a new row is added, and logged whole;
- a changed value is updated and logged old → new, with the file and the time;
- an empty cell never erases: a row that holds only its Löpnummer (purged at the förbund after a receipt) is not
  read at all, and a single cleared cell is listed in ``Problem`` for a person to decide, the register's value kept;
- a changed ``Behandlingsgrupp``/``Kontrollgrupp`` or ``Samtycke`` on a merged row is a conflict: reported, not
  applied (the randomisation must not be rewritten silently);
- rows with errors are merged and carry their finding codes; nothing a coordinator sent is lost.
Across all rows the same personnummer under two löpnummer is K320 and the same kuvertnummer twice in a förbund K302;
with the förbund's allocation lists, a group that differs from its envelope's is K330.

The register is written once, encrypted with the newest password, atomically, while a lock beside it keeps a
second merge out; then a receipt per merged file (a missing one, from a run that was killed, is written too). The
format and the order are described in docs/huvudregister.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.catalog import RULE
from samrehab_cli.dates import week_from_sheet_name
from samrehab_cli.isf import envelopes, receipts
from samrehab_cli.isf.register import (
    DATA_COLUMNS,
    DECLINED,
    DECLINED_COLUMNS,
    FILES,
    MERGED,
    PARTICIPANTS,
    FileEntry,
    LogEntry,
    MasterRegister,
    Problem,
    Row,
    canon,
    file_state,
    row_state,
)
from samrehab_cli.registration import personnummer
from samrehab_cli.schema import GROUPS, NO, PROP_FORBUND, WEEK, YES, Column, Kind
from samrehab_cli.sheets import Cell
from samrehab_cli.storage import crypto, files, lock, pool, workbooks

SUFFIXES = (".xlsx", ".xlsm", ".xls")

# the kinds of problem, as ``Problem`` and the summary name them
CONFLICT = "Konflikt"
CLEARED = "Tömd cell"
NO_SERIAL = "Rad utan löpnummer"
REPEATED = "Löpnummer två gånger"
NOT_OPENED = "Kunde inte öppnas"
WRONG_FORBUND = "Fel förbund"
NO_FORBUND = "Förbund saknas"
UNENCRYPTED = "Okrypterad fil"
CHANGED_FILE = "Filen ändrades"


class NoInbox(errors.SamrehabError):
    """Inkorgen {path} finns inte eller är ingen mapp. Ange mappen med de inkomna filerna, till exempel samrehab merge
    inkorg/, eller ange inbox i samrehab.toml."""


# --- what a worker reads from one file -----------------------------------------------------------------------------
@dataclass(frozen=True)
class IncomingRow:
    sheet: str
    number: int  # its row in Excel
    serial: str | None
    consent: str | None  # Ja, Nej, or None (missing or not one of them)
    values: dict[str, Any]  # schema key → the value as merge keeps it (None when empty)
    codes: tuple[str, ...]  # its finding codes
    error: bool  # a finding of severity fel
    mark: str  # its receipt fingerprint
    logged: str  # what the log records of it as a new row (made in the worker, where there is time to spare)


@dataclass(frozen=True)
class Incoming:
    sha256: str
    weeks: list[str]  # the week sheets of the file
    forbund: str | None  # the Samordningsförbund property
    encryption: str | None
    slot: int | None
    rows: list[IncomingRow]


def kept(column: Column, cell: Cell, today: dt.date) -> Any:
    """A cell as the register keeps it: a date, a whole number, an allowed value, a personnummer's 12 digits;
    what cannot be read as its kind is kept as the text that was typed (nothing is lost)."""
    if cell.empty:
        return None
    if cell.invalid:
        return cell.text
    if column.kind is Kind.PERSONNUMMER:
        return personnummer.check(cell.text, today).digits or cell.text
    return cell.value


Task = tuple[Path, str, crypto.Passwords, dt.date, int | None]  # a file, its SHA-256, the passwords, today, a hint


def read_incoming(task: Task) -> Incoming:
    """Decrypt, read and check one file (in a worker process): its rows as merge keeps them, with their codes."""
    from samrehab_cli.registration import validate

    path, expected_sha, passwords, today, hint = task
    data = files.read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    if sha != expected_sha:
        raise FileChanged(path=path)
    opened = crypto.open_bytes(data, passwords, path, first=hint)
    del data
    book = workbooks.read(opened.data, path)
    table, findings = validate.read_and_check(book, str(path), today)
    key = passwords.receipt_key_for(opened)
    by_row: dict[tuple[str | None, int | None], list[str]] = {}
    errors_at: set[tuple[str | None, int | None]] = set()
    for finding in findings:
        by_row.setdefault((finding.sheet, finding.row), []).append(finding.code)
        if finding.severity == "fel":
            errors_at.add((finding.sheet, finding.row))
    broken_sheets = {sheet for sheet, row in errors_at if row == 1}  # a header missing or twice: every row suffers
    rows = []
    cells = table.cells
    for sheet in table.sheets:
        for offset, number in enumerate(sheet.numbers):
            index = sheet.start + offset
            serial = cells["serial"][index].text or None
            place = (sheet.name, number)
            consent = cells["consent"][index].value
            answer = consent if isinstance(consent, str) else None
            values = {c.key: kept(c, cells[c.key][index], today) for c in DATA_COLUMNS}
            columns = DECLINED_COLUMNS if answer == NO else DATA_COLUMNS
            rows.append(IncomingRow(
                sheet.name, number, serial, answer, values,
                tuple(dict.fromkeys(by_row.get(place, []))), place in errors_at or sheet.name in broken_sheets,
                receipts.fingerprint(key, serial or "", receipts.row_cells(cells, index)),
                json.dumps(row_state(Row("", "", sheet.name, values), columns), ensure_ascii=False)))
    weeks = [name for name in book.sheet_names if week_from_sheet_name(name) is not None]
    return Incoming(sha, weeks, book.properties.get(PROP_FORBUND) or None, opened.encryption, opened.slot, rows)


class FileChanged(errors.SamrehabError):
    """{path} ändrades medan den lästes in och lästes inte. Kör samrehab merge igen när filen är färdigsparad."""


# --- the result --------------------------------------------------------------------------------------------------
class FileReport(BaseModel):
    file: str
    sha256: str
    forbund: str
    status: str
    new: int
    changed: int
    unchanged: int
    conflicts: int
    problems: int
    encryption: str


class ProblemReport(BaseModel):
    """A problem without the values (they are in the register's ``Problem`` sheet, encrypted)."""

    forbund: str
    file: str
    serial: str
    column: str
    kind: str
    description: str


class MergeResult(BaseModel):
    register_file: str
    dry_run: bool
    files: list[FileReport]  # read this run (merged or refused)
    skipped: list[str]  # merged before
    not_retried: list[str]  # refused before, not read again without --retry
    problems: list[ProblemReport]  # found this run
    receipts: list[str]  # written this run
    written: bool  # the register was written

    @property
    def merged(self) -> list[FileReport]:
        return [f for f in self.files if f.status == MERGED]

    @property
    def refused(self) -> list[FileReport]:
        return [f for f in self.files if f.status != MERGED]

    @property
    def has_errors(self) -> bool:
        """Something of severity fel happened this run: a file refused, a conflict, a duplicate person or envelope,
        or rows with errors."""
        return bool(self.refused) or any(p.kind not in (CLEARED, UNENCRYPTED) for p in self.problems)


# --- the inbox -----------------------------------------------------------------------------------------------------
def inbox_files(inbox: Path) -> list[Path]:
    """Every workbook in the inbox and its sub-folders, in the order they arrived: by modification time, then path.
    Excel's lock files (``~$…``) and hidden files are left out."""
    if not inbox.is_dir():
        raise NoInbox(path=inbox)
    found = [p for p in inbox.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file()
             and not any(part.startswith(("~$", ".")) for part in p.relative_to(inbox).parts)]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.relative_to(inbox).as_posix()))


def folder_forbund(inbox: Path, path: Path) -> str | None:
    """The förbund a file's sub-folder of the inbox names (None for a file directly in the inbox)."""
    parts = path.relative_to(inbox).parts
    return parts[0] if len(parts) > 1 else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise errors.CannotReadFile(path=path, reason=exc.strerror or type(exc).__name__) from None
    return digest.hexdigest()


# --- folding one file into the register -------------------------------------------------------------------------------
@dataclass
class _Run:
    register: MasterRegister
    now: str
    problems: list[Problem]
    touched: set[tuple[str, str]]

    def problem(self, problem: Problem) -> None:
        self.register.problems.append(problem)
        self.problems.append(problem)

    def log(self, event: str, sheet: str, row: Row | None, file: str, sha: str, column: str = "", old: str = "",
            new: str = "", serial: str = "", forbund: str = "") -> None:
        self.register.record(LogEntry(self.now, event, sheet, row.forbund if row else forbund,
                                      row.serial if row else serial, column, old, new, file, sha))


def _refuse(run: _Run, entry: FileEntry, kind: str, description: str) -> None:
    entry.status = kind.lower() if kind != NOT_OPENED else "kunde inte öppnas"
    entry.problems = 1
    run.problem(Problem(run.now, entry.forbund, entry.name, "", "", kind, description))


def fold(run: _Run, incoming: Incoming, entry: FileEntry, folder: str | None, today: dt.date) -> list[tuple[str, str]]:
    """Fold one file's rows into the register; returns the fingerprints of the rows ISF now holds as sent."""
    register = run.register
    named = (incoming.forbund or "").strip() or None
    if named and folder and named.casefold() != folder.strip().casefold():
        _refuse(run, entry, WRONG_FORBUND, f"Filen säger Samordningsförbund {named} men ligger i mappen {folder}. "
                                           "Flytta den till rätt mapp eller rätta egenskapen, och kör merge igen.")
        return []
    forbund = named or folder
    if not forbund:
        _refuse(run, entry, NO_FORBUND, "Filen saknar egenskapen Samordningsförbund och ligger direkt i inkorgen. "
                                        "Lägg den i en mapp med förbundets namn och kör merge igen.")
        return []
    entry.forbund = forbund
    entry.encryption = incoming.encryption or "ingen"
    marks: list[tuple[str, str]] = []
    seen: set[str] = set()
    weeks: dict[str, None] = {}
    for row in incoming.rows:
        weeks[row.sheet] = None
        if row.serial is None:
            entry.problems += 1
            run.problem(Problem(run.now, forbund, entry.name, "", "", NO_SERIAL,
                                f"Raden {row.sheet}!{row.number} har uppgifter men inget löpnummer; den lästes inte "
                                "in. Be förbundet skriva tillbaka mallens löpnummer.",
                                file_value=json.dumps({c.header: canon(row.values[c.key]) for c in DATA_COLUMNS},
                                                      ensure_ascii=False)))
            continue
        if row.serial in seen:
            entry.problems += 1
            run.problem(Problem(run.now, forbund, entry.name, row.serial, "", REPEATED,
                                f"Löpnumret står på flera rader i filen; bara den första ({row.sheet}) lästes in.",
                                file_value=json.dumps({c.header: canon(row.values[c.key]) for c in DATA_COLUMNS},
                                                      ensure_ascii=False)))
            continue
        seen.add(row.serial)
        outcome = _fold_row(run, entry, forbund, row)
        if outcome == "conflict":
            entry.conflicts += 1
        else:
            setattr(entry, outcome, getattr(entry, outcome) + 1)
            if not row.error:
                marks.append((row.serial, row.mark))
    for name in incoming.weeks:  # a week with no rows counts as sent once it has begun
        week = week_from_sheet_name(name)
        if week is not None and week.monday <= today:
            weeks[name] = None
    entry.weeks = ", ".join(sorted(weeks))
    if incoming.encryption is None:
        entry.problems += 1
        run.problem(Problem(run.now, forbund, entry.name, "", "", UNENCRYPTED,
                            "Filen kom okrypterad. Den lästes in, men påminn förbundet om att kryptera filen med ISF:s "
                            "senaste lösenord innan den mailas."))
    entry.status = MERGED
    register.fingerprints[entry.sha256] = marks
    return marks


def _fold_row(run: _Run, entry: FileEntry, forbund: str, row: IncomingRow) -> str:
    """One row into the register: "new", "changed", "unchanged" or "conflict"."""
    register = run.register
    key = (forbund, row.serial or "")
    sheet = DECLINED if row.consent == NO else PARTICIPANTS
    columns = DECLINED_COLUMNS if sheet == DECLINED else DATA_COLUMNS
    existing = register.row(key)
    run.touched.add(key)
    if existing is None:
        values = {c.key: row.values[c.key] for c in columns}
        new = Row(forbund, key[1], row.sheet, values, list(row.codes), entry.name, run.now)
        (register.declined if sheet == DECLINED else register.participants)[key] = new
        run.log("ny rad", sheet, new, entry.name, entry.sha256, new=row.logged)
        return "new"
    was = DECLINED if key in register.declined else PARTICIPANTS
    if was != sheet:
        run.problem(Problem(run.now, forbund, entry.name, key[1], WEEK["consent"].header, CONFLICT,
                            "Samtycke har ändrats för en rad som redan är inläst; raden ändrades inte. Ta reda på "
                            "vad som gäller och rätta registret eller filen.",
                            register_value="Nej" if was == DECLINED else canon(existing.values.get("consent")),
                            file_value=canon(row.values.get("consent"))))
        return "conflict"
    columns = DECLINED_COLUMNS if was == DECLINED else DATA_COLUMNS
    changed = conflict = False
    if row.sheet != existing.week:
        run.log("ändrad", was, existing, entry.name, entry.sha256, "Vecka", existing.week, row.sheet)
        existing.week = row.sheet
        changed = True
    for column in columns:
        old, incoming = existing.values.get(column.key), row.values[column.key]
        if canon(incoming) == canon(old):
            continue
        if incoming is None:
            entry.problems += 1
            run.problem(Problem(run.now, forbund, entry.name, key[1], column.header, CLEARED,
                                "Cellen är tom i filen men ifylld i registret; registrets värde behölls. Avgör om "
                                "den ska tömmas.", register_value=canon(old)))
            continue
        if column.key in GROUPS and old is not None:
            conflict = True
            run.problem(Problem(run.now, forbund, entry.name, key[1], column.header, CONFLICT,
                                "Gruppen har ändrats för en rad som redan är inläst; ändringen gjordes inte "
                                "(randomiseringen får inte skrivas om). Ta reda på vad som gäller.",
                                register_value=canon(old), file_value=canon(incoming)))
            continue
        run.log("ändrad", was, existing, entry.name, entry.sha256, column.header, canon(old), canon(incoming))
        existing.values[column.key] = incoming
        changed = True
    existing.codes = list(row.codes)
    if changed:
        existing.source, existing.changed = entry.name, run.now
    return "conflict" if conflict else "changed" if changed else "unchanged"


# --- between all rows: K320 and K302 -------------------------------------------------------------------------------
def cross_check(run: _Run) -> None:
    """The same personnummer under two löpnummer (K320, across förbund too) and the same kuvertnummer twice in one
    förbund (K302), reported once for each new pair that involves a row of this run."""
    register = run.register
    reported = {(p.kind, p.forbund, p.serial, p.register_value) for p in register.problems}
    for code, column, scope in (("K320", "personnummer", False), ("K302", "envelope", True)):
        groups: dict[tuple[str, str], list[Row]] = {}
        for row in register.participants.values():
            value = canon(row.values.get(column))
            if value and (column != "personnummer" or len(value) == 12):
                groups.setdefault((row.forbund if scope else "", value), []).append(row)
        for rows in groups.values():
            if len(rows) < 2 or not any(r.key in run.touched for r in rows):
                continue
            first = rows[0]
            for other in rows[1:]:
                if code not in other.codes:
                    other.codes.append(code)
                if code not in first.codes:
                    first.codes.append(code)
                place = f"{first.forbund} {first.serial}"
                if (code, other.forbund, other.serial, place) in reported:
                    continue
                run.problem(Problem(run.now, other.forbund, other.source, other.serial, WEEK[column].header, code,
                                    RULE[code].message.format(first=place), register_value=place,
                                    file_value=canon(other.values.get(column))))


# --- against the allocation lists: K330 ------------------------------------------------------------------------------
def allocation_check(run: _Run, allocations: dict[str, dict[int, str]]) -> None:
    """A consenting row of a förbund with an allocation list whose group differs from its envelope's, or whose
    envelope is not in the list (K330); every row is checked, and each mismatch reported once."""
    if not allocations:
        return
    reported = {(p.kind, p.forbund, p.serial, p.register_value, p.file_value) for p in run.register.problems}
    for row in run.register.participants.values():
        groups = allocations.get(row.forbund.casefold())
        envelope, group = row.values.get("envelope"), envelopes.group_of(row.values)
        if groups is None or row.values.get("consent") != YES or not isinstance(envelope, int) or group is None:
            continue
        expected = groups.get(envelope)
        if expected == group:
            continue
        if expected is None:
            problem = f"Kuvert {envelope} finns inte i förbundets kuvertlista (1–{max(groups, default=0)})."
        else:
            problem = f"Kuvert {envelope} är {expected} i kuvertlistan, men raden säger {group}."
        if "K330" not in row.codes:
            row.codes.append("K330")
        found = (expected or "finns inte i listan", group)
        if ("K330", row.forbund, row.serial, *found) in reported:
            continue
        run.problem(Problem(run.now, row.forbund, row.source, row.serial, WEEK["envelope"].header, "K330",
                            RULE["K330"].message.format(problem=problem), register_value=found[0],
                            file_value=found[1]))


# --- the whole merge -------------------------------------------------------------------------------------------------
def merge(inbox: Path, register_path: Path, receipts_dir: Path, passwords: crypto.Passwords, *, today: dt.date,
          now: str, dry_run: bool = False, retry: bool = False, allocations: Sequence[Path] = (),
          progress: Callable[[int, int], None] | None = None) -> MergeResult:
    """Merge every new file in ``inbox`` into the register at ``register_path`` and write the receipts (nothing is
    written with ``dry_run``). ``retry`` reads again files refused before (say, after a password was added);
    ``allocations`` are the förbund's allocation lists, whose envelopes the rows' groups are checked against."""
    from samrehab_cli.isf import register as master

    paths = inbox_files(inbox)
    groups = envelopes.combine(allocations, passwords)
    guard = nullcontext() if dry_run else lock.held(register_path)
    with guard:
        if not dry_run:
            lock.refuse_if_open_in_excel(register_path)
        register, _ = master.load(register_path, passwords)
        run = _Run(register, now, [], set())
        todo: list[tuple[Path, str]] = []
        skipped: list[str] = []
        not_retried: list[str] = []
        planned: set[str] = set()
        for path in paths:
            sha = sha256_of(path)
            known = register.files.get(sha)
            if (known and known.status == MERGED) or sha in planned:
                skipped.append(_name(inbox, path))
                continue
            if known and not retry:
                not_retried.append(_name(inbox, path))
                continue
            planned.add(sha)
            todo.append((path, sha))
        if todo:
            passwords.ask_before([path for path, _ in todo])
        reports = []
        hints: dict[str | None, int] = {}
        tasks: list[Task] = [(path, sha, passwords, today, None) for path, sha in todo]
        for number, done in enumerate(_read_all(tasks, hints, inbox), start=1):
            path, sha = done.item[0], done.item[1]
            folder = folder_forbund(inbox, path)
            entry = FileEntry(_name(inbox, path), sha, folder or "", now, "")
            if done.value is not None:
                if done.value.slot is not None:
                    hints[folder] = done.value.slot
                fold(run, done.value, entry, folder, today)
            else:
                reason = str(done.error) if isinstance(done.error, errors.SamrehabError) else \
                    f"Filen kunde inte läsas ({done.died or type(done.error).__name__}); den är troligen skadad. " \
                    "Be förbundet skicka den igen."
                kind = CHANGED_FILE if isinstance(done.error, FileChanged) else NOT_OPENED
                _refuse(run, entry, kind, reason)
            register.files.pop(sha, None)  # a file refused before and read again gets its row anew, at the end
            register.files[sha] = entry
            run.log("fil", FILES, None, entry.name, sha, serial=sha, new=json.dumps(file_state(entry),
                                                                                   ensure_ascii=False))
            reports.append(FileReport(file=entry.name, sha256=sha, forbund=entry.forbund, status=entry.status,
                                      new=entry.new, changed=entry.changed, unchanged=entry.unchanged,
                                      conflicts=entry.conflicts, problems=entry.problems,
                                      encryption=entry.encryption))
            if progress:
                progress(number, len(todo))
        cross_check(run)
        allocation_check(run, groups)
        written = bool(reports or run.problems) and not dry_run
        if written:
            master.save(register, register_path, passwords, now)
        made = [] if dry_run else _write_receipts(register, receipts_dir)
    problems = [ProblemReport(forbund=p.forbund, file=p.file, serial=p.serial, column=p.column, kind=p.kind,
                              description=p.description) for p in run.problems]
    return MergeResult(register_file=str(register_path), dry_run=dry_run, files=reports, skipped=skipped,
                       not_retried=not_retried, problems=problems, receipts=made, written=written)


def _name(inbox: Path, path: Path) -> str:
    return path.relative_to(inbox).as_posix()


def _read_all(tasks: list[Task], hints: dict[str | None, int],
              inbox: Path) -> Iterator[pool.Done[Task, Incoming]]:
    """Each file read in a worker, in order; the password that opened the last file of the same folder first."""

    def prepare(task: Task
                ) -> Task:
        return (*task[:4], hints.get(folder_forbund(inbox, task[0])))

    # always in worker processes, even for one file: a file that kills its reader must not take the merge with it
    workers = max(1, pool.workers_for(len(tasks))) if tasks else 0
    yield from pool.run(read_incoming, tasks, workers=workers, prepare=prepare)


def _write_receipts(register: MasterRegister, folder: Path) -> list[str]:
    """A receipt for every merged file that has none in ``folder`` yet (also those a killed run left unwritten)."""
    written = []
    for sha, entry in register.files.items():
        if entry.status != MERGED:
            continue
        target = folder / receipts.file_name(entry.forbund, sha)
        if target.exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        receipt = receipts.Receipt(entry.forbund, entry.name, sha, entry.time, entry.weeks, entry.new, entry.changed,
                                   entry.unchanged, entry.conflicts, register.fingerprints.get(sha, []))
        files.atomic_write(target, receipt.text().encode("utf-8"))
        written.append(str(target))
    return written
