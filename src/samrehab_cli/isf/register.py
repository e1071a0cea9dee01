"""ISF's master register (huvudregister) as data, and as the encrypted workbook a person can work in.

The register holds every row the förbund have sent, keyed by (förbund, Löpnummer): consenting rows in
``Deltagare``, declining ones in ``Avböjda`` (no identity), a row per incoming file in ``Inkomna filer`` (its
SHA-256 says whether it was merged before), every change in ``Ändringslogg`` and what a person must decide in
``Problem``. A hidden sheet ``Kvittenser`` keeps each receipt's row fingerprints (a file's as JSON in a cell), so
that a receipt lost in a crash can be written again.

``Ändringslogg`` is tamper-evident: each entry's ``Kedja`` is the SHA-256 of the previous entry's ``Kedja`` and of
every field of the entry, values included (a new row's values are recorded whole, as JSON). Replaying the log gives
the value every cell of ``Deltagare``, ``Avböjda`` and ``Inkomna filer`` should hold; :func:`verify` names every
cell that differs, so an edit made in Excel rather than by samrehab shows. The format is described in
docs/huvudregister.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from samrehab_cli import errors
from samrehab_cli.schema import WEEK, Column, Kind
from samrehab_cli.storage import crypto, files, workbooks

PARTICIPANTS = "Deltagare"
DECLINED = "Avböjda"
FILES = "Inkomna filer"
LOG = "Ändringslogg"
PROBLEMS = "Problem"
RECEIPTS = "Kvittenser"

#: the registration columns a consenting row keeps (Löpnummer is the key, beside Förbund)
DATA_COLUMNS: tuple[Column, ...] = tuple(c for c in WEEK.columns if c.key != "serial")
#: all a declining row may keep: no identity, no consent, no group
DECLINED_COLUMNS: tuple[Column, ...] = tuple(WEEK[key] for key in ("meeting_date", "birth_date", "gender"))
KEY_HEADERS = ("Förbund", "Löpnummer", "Vecka")
META_HEADERS = ("Fynd", "Senast ändrad av", "Senast ändrad")

MERGED = "inläst"  # the status of a file whose rows are in the register


class NotARegister(errors.SamrehabError):
    """{path} är inget huvudregister från samrehab (bladet {sheet} saknas eller har fel rubriker). Ange rätt fil med
    --register, eller ett nytt filnamn för att börja ett nytt register."""


@dataclass
class Row:
    """A registered row: its key, its week sheet, its values by schema key (typed; None when empty)."""

    forbund: str
    serial: str
    week: str
    values: dict[str, Any]
    codes: list[str] = field(default_factory=list)  # the finding codes of the row as last sent, and merge's
    source: str = ""  # the file that last changed it
    changed: str = ""  # when, ``ÅÅÅÅ-MM-DD TT:MM``

    @property
    def key(self) -> tuple[str, str]:
        return self.forbund, self.serial


@dataclass
class FileEntry:
    """A row of ``Inkomna filer``."""

    name: str
    sha256: str
    forbund: str
    time: str
    weeks: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    conflicts: int = 0
    problems: int = 0
    encryption: str = ""
    status: str = ""


FILE_HEADERS = ("Fil", "SHA-256", "Förbund", "Inläst", "Veckor", "Nya rader", "Ändrade rader", "Oförändrade rader",
                "Konflikter", "Problem", "Kryptering", "Status")


@dataclass
class LogEntry:
    """A row of ``Ändringslogg``; ``chain`` is filled in by :meth:`MasterRegister.record`."""

    time: str
    event: str  # "ny rad", "ändrad", "fil"
    sheet: str
    forbund: str
    serial: str
    column: str
    old: str
    new: str
    file: str
    sha256: str
    number: int = 0
    chain: str = ""

    def digest(self, previous: str) -> str:
        parts = [previous, str(self.number), self.time, self.event, self.sheet, self.forbund, self.serial,
                 self.column, self.old, self.new, self.file, self.sha256]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


LOG_HEADERS = ("Nr", "Tid", "Händelse", "Blad", "Förbund", "Löpnummer", "Kolumn", "Gammalt värde", "Nytt värde", "Fil",
               "Filens SHA-256", "Kedja")


@dataclass
class Problem:
    """A row of ``Problem``: something a person must look at or decide."""

    time: str
    forbund: str
    file: str
    serial: str
    column: str
    kind: str
    description: str
    register_value: str = ""
    file_value: str = ""


PROBLEM_HEADERS = ("Tid", "Förbund", "Fil", "Löpnummer", "Kolumn", "Typ", "Beskrivning", "Värde i registret",
                   "Värde i filen")
RECEIPT_HEADERS = ("Filens SHA-256", "Förbund", "Radkontroller")
#: a cell holds at most 32,767 characters: a file's fingerprints (``["löpnummer", "kontroll"]`` each, 50 characters
#: or so, as JSON) are kept 500 to a cell, over as many rows as they need
MARKS_PER_CELL = 500


@dataclass
class MasterRegister:
    participants: dict[tuple[str, str], Row] = field(default_factory=dict)
    declined: dict[tuple[str, str], Row] = field(default_factory=dict)
    files: dict[str, FileEntry] = field(default_factory=dict)  # by SHA-256
    log: list[LogEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fingerprints: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # SHA-256 → (löpnummer, kontroll)

    def row(self, key: tuple[str, str]) -> Row | None:
        return self.participants.get(key) or self.declined.get(key)

    def record(self, entry: LogEntry) -> None:
        """Append ``entry`` to the log, numbered and chained to the entry before it."""
        previous = self.log[-1].chain if self.log else ""
        entry.number = len(self.log) + 1
        entry.chain = entry.digest(previous)
        self.log.append(entry)


# --- values as they are kept, compared and hashed --------------------------------------------------------------
def canon(value: object) -> str:
    """The one text of a value that is compared and hashed: ``2020-09-21``, ``17``, ``Ja``, "" for empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def row_state(row: Row, columns: Sequence[Column]) -> dict[str, str]:
    """What the log records of a row: its week and each value, by Swedish header."""
    state = {"Vecka": row.week}
    state.update({c.header: canon(row.values.get(c.key)) for c in columns})
    return state


def file_state(entry: FileEntry) -> dict[str, str]:
    return {header: canon(getattr(entry, f.name)) for header, f in zip(FILE_HEADERS, fields(FileEntry), strict=True)}


def _typed(column: Column, raw: object) -> Any:
    """A value read back from the register's workbook, as merge keeps it (a whole number, a date, text)."""
    if raw is None or raw == "":
        return None
    if column.kind is Kind.DATE and isinstance(raw, dt.datetime):
        return raw.date()
    if column.kind is Kind.DATE and isinstance(raw, dt.date):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw) if column.kind is Kind.INTEGER else str(int(raw))
    return raw if isinstance(raw, dt.date) else str(raw)


def _field(kind: object, raw: object) -> Any:
    """A field of ``Inkomna filer`` or ``Ändringslogg`` read back: a count as an int, anything else as its text."""
    text = canon(raw)
    if kind in (int, "int"):
        return int(text) if text.isdigit() else 0
    return text


# --- reading -----------------------------------------------------------------------------------------------------
def load(path: Path, passwords: crypto.Passwords) -> tuple[MasterRegister, crypto.Opened | None]:
    """The register at ``path`` (an empty one when there is no such file yet), and how it was opened."""
    if not path.exists():
        return MasterRegister(), None
    book, opened = workbooks.load(path, passwords)
    register = MasterRegister()

    def table(name: str, headers: Sequence[str]) -> list[list[object]]:
        if name not in book.sheet_names:
            raise NotARegister(path=path, sheet=name)
        rows = book.rows(name)
        found = [canon(v) for v in rows[0]] if rows else []
        if found[: len(headers)] != list(headers):
            raise NotARegister(path=path, sheet=name)
        return [list(r) + [None] * (len(headers) - len(r)) for r in rows[1:] if any(v is not None for v in r)]

    for name, columns, target in ((PARTICIPANTS, DATA_COLUMNS, register.participants),
                                  (DECLINED, DECLINED_COLUMNS, register.declined)):
        for raw in table(name, (*KEY_HEADERS, *(c.header for c in columns), *META_HEADERS)):
            values = {c.key: _typed(c, v) for c, v in zip(columns, raw[3:], strict=False)}
            codes, source, changed = raw[3 + len(columns):3 + len(columns) + 3]
            row = Row(canon(raw[0]), canon(raw[1]), canon(raw[2]), values,
                      [c for c in canon(codes).split(", ") if c], canon(source), canon(changed))
            target[row.key] = row
    for raw in table(FILES, FILE_HEADERS):
        entry = FileEntry(**{f.name: _field(f.type, value) for f, value in zip(fields(FileEntry), raw, strict=False)})
        register.files[entry.sha256] = entry
    for raw in table(LOG, LOG_HEADERS):
        order = ("number", "time", "event", "sheet", "forbund", "serial", "column", "old", "new", "file", "sha256",
                 "chain")
        register.log.append(LogEntry(**{name: _field("int" if name == "number" else "str", value)
                                        for name, value in zip(order, raw, strict=False)}))
    for raw in table(PROBLEMS, PROBLEM_HEADERS):
        register.problems.append(Problem(*(canon(v) for v in raw[: len(PROBLEM_HEADERS)])))
    if RECEIPTS in book.sheet_names:
        for raw in table(RECEIPTS, RECEIPT_HEADERS):
            sha, _, marks = (canon(v) for v in raw[:3])
            try:
                pairs = json.loads(marks) if marks else []
            except ValueError:
                pairs = []
            register.fingerprints.setdefault(sha, []).extend((str(serial), str(mark)) for serial, mark in pairs)
    return register, opened


# --- writing -----------------------------------------------------------------------------------------------------
def to_bytes(register: MasterRegister, made: str) -> bytes:
    """The register as an xlsx package, made in memory: its frame by xlsxwriter (``in_memory``: no temporary files),
    its rows by :func:`samrehab_cli.storage.sheetxml.fill` (the register holds hundreds of thousands of cells).

    Every sheet has bold headers, readable widths, a filter and a frozen header row and prints landscape, fitted to
    the page width; text is written as text (never a formula), dates as dates. ``made`` is the time in the header
    of the printed pages.
    """
    import xlsxwriter

    from samrehab_cli.storage import sheetxml

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top",
                              "border": 1})
    kinds = {"date": book.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
             "whole": book.add_format({"align": "left"}),  # numbers beside text: left, so columns do not run together
             "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    filled: list[tuple[str, list[str | None], list[list[object]]]] = []

    def sheet(name: str, headers: Sequence[str], rows: list[list[object]], widths: Sequence[int],
              kind: Sequence[str | None], hidden: bool = False) -> None:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, headers, header)
        for c, (width, style) in enumerate(zip(widths, kind, strict=True)):
            ws.set_column(c, c, width, kinds[style] if style else None)
        ws.set_row(0, 30)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        ws.set_header(f"&L{name}&R{made}")
        if hidden:
            ws.hide()
        filled.append((f"xl/worksheets/sheet{len(filled) + 1}.xml", list(kind), rows))

    def row_values(row: Row, columns: Sequence[Column]) -> list[object]:
        return [row.forbund, row.serial, row.week, *(row.values.get(c.key) for c in columns), ", ".join(row.codes),
                row.source, row.changed]

    def style(column: Column) -> str | None:
        return {Kind.DATE: "date", Kind.INTEGER: "whole"}.get(column.kind)

    for name, columns, table in ((PARTICIPANTS, DATA_COLUMNS, register.participants),
                                 (DECLINED, DECLINED_COLUMNS, register.declined)):
        sheet(name, (*KEY_HEADERS, *(c.header for c in columns), *META_HEADERS),
              [row_values(row, columns) for row in table.values()],
              (24, 12, 10, *(max(c.width, *(len(word) + 2 for word in c.header.split())) for c in columns), 14, 28,
               17), (None, None, None, *(style(c) for c in columns), None, None, None))
    sheet(FILES, FILE_HEADERS, [[getattr(e, f.name) for f in fields(FileEntry)] for e in register.files.values()],
          (34, 66, 24, 17, 30, 8, 10, 12, 11, 9, 12, 40), (None,) * 5 + ("whole",) * 5 + (None, "wrap"))
    sheet(LOG, LOG_HEADERS, [[e.number, e.time, e.event, e.sheet, e.forbund, e.serial, e.column, e.old, e.new,
                              e.file, e.sha256, e.chain] for e in register.log],
          (7, 17, 10, 12, 24, 12, 22, 30, 50, 30, 66, 66), ("whole",) + (None,) * 7 + ("wrap",) + (None,) * 3)
    sheet(PROBLEMS, PROBLEM_HEADERS, [[p.time, p.forbund, p.file, p.serial, p.column, p.kind, p.description,
                                       p.register_value, p.file_value] for p in register.problems],
          (17, 24, 30, 12, 20, 18, 60, 24, 24), (None,) * 6 + ("wrap",) + (None,) * 2)
    sheet(RECEIPTS, RECEIPT_HEADERS, [[sha, register.files[sha].forbund if sha in register.files else "",
                                       json.dumps(marks[at:at + MARKS_PER_CELL], ensure_ascii=False)]
                                      for sha, marks in register.fingerprints.items()
                                      for at in range(0, max(len(marks), 1), MARKS_PER_CELL)],
          (66, 24, 80), (None,) * 3, hidden=True)
    book.close()
    xf = {name: fmt.xf_index for name, fmt in kinds.items()}
    return sheetxml.fill(buffer.getvalue(), {part: ([xf[k] if k else None for k in kind], rows)
                                             for part, kind, rows in filled})


def save(register: MasterRegister, path: Path, passwords: crypto.Passwords, made: str) -> None:
    """Encrypt the register with the newest password, check it, and replace ``path`` atomically (mode 0600)."""
    files.atomic_write(path, crypto.encrypt(to_bytes(register, made), passwords, path))


# --- the audit ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tampering:
    """A place where the register differs from what its log says samrehab wrote."""

    sheet: str
    forbund: str
    serial: str
    column: str
    expected: str
    found: str

    def describe(self) -> str:
        where = f"{self.sheet}: {self.forbund} {self.serial}".rstrip()
        if self.column:
            return f"{where}, {self.column}: ändrad utanför samrehab (loggen säger {self.expected!r}, " \
                   f"registret har {self.found!r})"
        return f"{where}: {self.found}"


def verify(register: MasterRegister) -> tuple[int | None, list[Tampering]]:
    """Check the log's chain and the register's cells against it.

    Returns the number of the first log entry whose chain does not match (None when the whole chain holds) and every
    cell of ``Deltagare``, ``Avböjda`` and ``Inkomna filer`` that is not what the log says samrehab wrote there.
    """
    broken = None
    previous = ""
    for entry in register.log:
        if entry.digest(previous) != entry.chain:
            broken = entry.number
            break
        previous = entry.chain
    expected: dict[tuple[str, str, str], dict[str, str]] = {}
    for entry in register.log:
        key = (entry.sheet, entry.forbund, entry.serial)
        if entry.event in ("ny rad", "fil"):
            try:
                expected[key] = json.loads(entry.new)
            except ValueError:
                expected[key] = {}
        elif entry.event == "ändrad" and key in expected:
            expected[key][entry.column] = entry.new
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for sheet, columns, rows in ((PARTICIPANTS, DATA_COLUMNS, register.participants),
                                 (DECLINED, DECLINED_COLUMNS, register.declined)):
        for row in rows.values():
            found[(sheet, row.forbund, row.serial)] = row_state(row, columns)
    for ledger in register.files.values():
        found[(FILES, "", ledger.sha256)] = file_state(ledger)
    differences = []
    for key in sorted(set(expected) | set(found)):
        sheet, forbund, serial = key
        if key not in found:
            differences.append(Tampering(sheet, forbund, serial, "", "", "raden finns i loggen men inte i registret"))
        elif key not in expected:
            differences.append(Tampering(sheet, forbund, serial, "", "", "raden finns inte i loggen: den har lagts "
                                                                       "till utanför samrehab"))
        else:
            want, have = expected[key], found[key]
            for column in [*want, *(c for c in have if c not in want)]:
                if want.get(column, "") != have.get(column, ""):
                    differences.append(Tampering(sheet, forbund, serial, column, want.get(column, ""),
                                                 have.get(column, "")))
    return broken, differences


def cell_refs(register: MasterRegister) -> dict[tuple[str, str, str, str], str]:
    """Where each checked cell stands in the workbook: (sheet, förbund, löpnummer or SHA-256, header) →
    ``Deltagare!K7``; the header "" gives the row's first cell."""
    from samrehab_cli.sheets import column_letter

    refs: dict[tuple[str, str, str, str], str] = {}
    layouts: list[tuple[str, Sequence[str], list[tuple[str, str]]]] = [
        (PARTICIPANTS, (*KEY_HEADERS, *(c.header for c in DATA_COLUMNS)), list(register.participants)),
        (DECLINED, (*KEY_HEADERS, *(c.header for c in DECLINED_COLUMNS)), list(register.declined)),
        (FILES, FILE_HEADERS, [("", sha) for sha in register.files]),
    ]
    for sheet, headers, keys in layouts:
        for number, (forbund, serial) in enumerate(keys, start=2):
            refs[(sheet, forbund, serial, "")] = f"{sheet}!A{number}"
            for index, header in enumerate(headers):
                refs[(sheet, forbund, serial, header)] = f"{sheet}!{column_letter(index)}{number}"
    return refs
