"""Reading the teams' participant register (docs/utfall.md) column by column, checked by :mod:`.rules` (D401–D424).

The register is one or more workbooks (or a folder of them), encrypted or not. Every sheet whose row 1 holds the
participant headers of :data:`schema.PARTICIPANTS` is read; sheets named ``ORS`` hold ORS/SRS measurements
(docs/utfall.md), used by :mod:`samrehab_cli.participants.ors`; other sheets are ignored. An ORS row must hold ORS
or SRS; a row with SRS only counts for the SRS share, not as an ORS measurement. Rows with a finding of severity
``fel`` are left out of :attr:`ParticipantRegister.participants` and counted in
:attr:`ParticipantRegister.excluded`.

A sheet is read as validate reads a week sheet (:func:`samrehab_cli.sheets.parse_sheet`): each column at once, each
distinct value once. The valid participants are kept as columns too (:class:`Participants`, plain lists): a register
of a million participants is read and checked without a row object, and the outcome tables make their data frame
from these columns (:mod:`samrehab_cli.participants.frames`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import compress
from operator import not_
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samrehab_cli import errors, sheets
from samrehab_cli.findings import Finding
from samrehab_cli.participants import rules
from samrehab_cli.schema import ORS, ORS_SHEET, PARTICIPANTS
from samrehab_cli.sheets import ParsedSheet

if TYPE_CHECKING:
    from samrehab_cli.storage import crypto

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


class NoRegisterFiles(errors.SamrehabError):
    """Mappen {path} innehåller ingen arbetsbok (.xlsx, .xlsm eller .xls). Ange deltagarregistret med --register."""


class NoParticipantSheet(errors.SamrehabError):
    """Hittade ingen flik med deltagarregistrets rubriker ({headers}) i rad 1 i {paths}. Kontrollera att det är
    deltagarregistret."""


class MissingColumns(errors.SamrehabError):
    """Fliken {sheet} i {path} saknar {headers} i rad 1. Lägg till rubriken och försök igen."""


@dataclass(frozen=True)
class SourceSheet:
    """A sheet read column by column, and the name of the file it came from."""

    file: str
    sheet: ParsedSheet


@dataclass
class Participants:
    """The valid participants, column by column: entry i of every list is participant i, in the register's order.

    ``end`` is None while a participant is active; ``years_without_work`` is a Decimal as typed (None when not
    given).
    """

    participant_id: list[str]
    team: list[str]
    gender: list[str]
    start: list[dt.date]
    end: list[dt.date | None]
    exit_reason: list[str | None]
    labour_support: list[str | None]
    years_without_work: list[Decimal | None]
    comment: list[str | None]

    def __len__(self) -> int:
        return len(self.participant_id)


@dataclass
class Measurements:
    """The valid ORS/SRS rows, column by column: ``ors`` and ``srs`` are Decimals, None when not given."""

    participant_id: list[str]
    date: list[dt.date]
    ors: list[Decimal | None]
    srs: list[Decimal | None]

    def __len__(self) -> int:
        return len(self.participant_id)


@dataclass
class ParticipantRegister:
    """The register as read: the valid participants, the valid ORS rows, the findings.

    ``ors`` holds the measurements without findings (None when the register has no ORS rows at all).
    """

    participants: Participants
    findings: list[Finding]
    excluded: int  # participant rows left out because they have a finding of severity fel
    ors: Measurements | None = None  # None: the register has no ORS rows at all
    ors_excluded: int = 0  # ORS rows left out because they have any finding D420–D424

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "fel" for f in self.findings)


# --- reading files ------------------------------------------------------------------------------------------------
def expand(paths: Iterable[Path]) -> list[Path]:
    """The workbooks named, a folder standing for every workbook in it (Excel's ``~$`` lock files ignored)."""
    from samrehab_cli.storage import files

    found: list[Path] = []
    for path in paths:
        if files.is_folder(path):
            inside = sorted(p for p in files.folder_files(path) if p.suffix.lower() in WORKBOOK_SUFFIXES
                            and not p.name.startswith("~$"))
            if not inside:
                raise NoRegisterFiles(path=path)
            found += inside
        else:
            found.append(path)
    return found


def load(paths: Sequence[Path], passwords: crypto.Passwords, *, today: dt.date, ors_paths: Sequence[Path] = (),
         meanwhile: Callable[[], object] | None = None) -> ParticipantRegister:
    """Read and check the register in ``paths`` (files or folders) and extra ORS workbooks ``ors_paths``;
    ``meanwhile`` as :func:`read_sheets` calls it."""
    with sheets.collector_paused():  # millions of small objects, none in a cycle (sheets.collector_paused)
        participant_sheets, ors_sheets = read_sheets(paths, passwords, ors_paths=ors_paths, meanwhile=meanwhile)
        return from_sheets(participant_sheets, ors_sheets, today=today)


def read_sheets(paths: Sequence[Path], passwords: crypto.Passwords, ors_paths: Sequence[Path] = (),
                meanwhile: Callable[[], object] | None = None) -> tuple[list[SourceSheet], list[SourceSheet]]:
    """Every participant sheet and every ``ORS`` sheet, read column by column (reading only, no rules).

    ``meanwhile`` is called once, when the first sheet has been measured and python-calamine is about to read it:
    calamine leaves the GIL free for most of its read, so a thread started then runs beside it (started sooner, it
    would take turns with the measuring instead)."""
    from samrehab_cli.storage import workbooks

    files = expand(paths)
    participant_sheets: list[SourceSheet] = []
    ors_sheets: list[SourceSheet] = []
    for path in [*files, *expand(ors_paths)]:
        book, _ = workbooks.load(path, passwords)
        for name in book.sheet_names:
            is_ors = name.strip().casefold() == ORS_SHEET.casefold()
            if meanwhile is not None:
                book.size(name)  # measured (or refused) first
                meanwhile()
                meanwhile = None
            rows = book.rows(name, empty_as_text=True)
            if not (_has_headers(rows) if is_ors else _looks_like_register(rows)):
                continue
            parsed = sheets.parse_sheet(ORS if is_ors else PARTICIPANTS, name, rows, skip_empty=())
            del rows  # the sheet's raw values: only its typed columns are kept
            if parsed.missing:
                missing = [c.header for c in parsed.missing]
                raise MissingColumns(sheet=name, path=path, headers=("kolumnerna " if len(missing) > 1 else
                                                                      "kolumnen ") + ", ".join(missing))
            (ors_sheets if is_ors else participant_sheets).append(SourceSheet(str(path), parsed))
    if not participant_sheets:
        raise NoParticipantSheet(headers=", ".join(PARTICIPANTS.headers[:4]) + " …",
                                 paths=", ".join(str(p) for p in files))
    return participant_sheets, ors_sheets


def _has_headers(rows: Sequence[Sequence[object]]) -> bool:
    """An empty sheet (say a new ``ORS`` tab not filled in yet) is skipped."""
    return bool(rows) and any(raw is not None and raw != "" for raw in rows[0])


def _looks_like_register(rows: Sequence[Sequence[object]]) -> bool:
    """Row 1 holds ``Deltagar-ID`` and at least one other participant header."""
    if not rows:
        return False
    keys = {c.key for raw in rows[0] if raw is not None and (c := PARTICIPANTS.by_header(sheets.as_text(raw)))}
    return "participant_id" in keys and len(keys) > 1


# --- the register as columns --------------------------------------------------------------------------------------
def from_sheets(participant_sheets: Sequence[SourceSheet], ors_sheets: Sequence[SourceSheet] = (), *,
                today: dt.date) -> ParticipantRegister:
    """Check the sheets and keep the valid rows as columns.

    Participant rows with a ``fel`` are left out; ORS rows with any finding D420–D424 (even the warning D422) are
    left out of every ORS figure (docs/utfall.md).
    """
    findings = rules.check(participant_sheets, today)
    valid: dict[str, Any] = _valid_columns(participant_sheets, _flagged(findings, "fel"), _PARTICIPANT_KEYS)
    participants = Participants(**valid)
    excluded = sum(len(s.sheet.numbers) for s in participant_sheets) - len(participants)
    if not ors_sheets:
        return ParticipantRegister(participants, findings, excluded)
    known = set().union(*(s.sheet.values("participant_id") for s in participant_sheets)) - {None}
    ors_findings = rules.check_ors(ors_sheets, participants, known, today)
    measurements = Measurements(**_valid_columns(ors_sheets, _flagged(ors_findings, None), _ORS_KEYS))
    ors_excluded = sum(len(s.sheet.numbers) for s in ors_sheets) - len(measurements)
    return ParticipantRegister(participants, findings + ors_findings, excluded, measurements, ors_excluded)


_PARTICIPANT_KEYS = [f.name for f in fields(Participants)]
_ORS_KEYS = [f.name for f in fields(Measurements)]


def _flagged(findings: Iterable[Finding], severity: str | None) -> dict[tuple[str, str | None], set[int | None]]:
    """The row numbers with a finding (of ``severity``; any when None), for each (file, sheet)."""
    flagged: dict[tuple[str, str | None], set[int | None]] = {}
    for f in findings:
        if severity is None or f.severity == severity:
            flagged.setdefault((f.file, f.sheet), set()).add(f.row)
    return flagged


def _valid_columns(sources: Sequence[SourceSheet], bad: dict[tuple[str, str | None], set[int | None]],
                   keys: Sequence[str]) -> dict[str, Any]:
    """Each of ``keys`` as one column (a list of typed values) over all sheets, without the rows in ``bad``."""
    columns: dict[str, list[object]] = {key: [] for key in keys}
    for source in sources:
        skip = bad.get((source.file, source.sheet.name))
        keep = list(map(not_, map(skip.__contains__, source.sheet.numbers))) if skip else None
        for key, found in columns.items():
            values = source.sheet.values(key)
            found += values if keep is None else compress(values, keep)
    return columns

