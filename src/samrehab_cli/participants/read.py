"""Reading the teams' participant register (docs/utfall.md) into data frames, checked by :mod:`.rules` (D401–D424).

The register is one or more workbooks (or a folder of them), encrypted or not. Every sheet whose row 1 holds the
participant headers of :data:`schema.PARTICIPANTS` is read; sheets named ``ORS`` hold ORS/SRS measurements, used
by :mod:`samrehab_cli.participants.ors`; other sheets are ignored. An ORS row must hold ORS or SRS; a row with SRS
only counts for the SRS share, not as an ORS measurement. Rows with a finding of severity ``fel`` are left out of
:attr:`ParticipantRegister.participants` and counted in :attr:`ParticipantRegister.excluded`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from samrehab_cli import errors, sheets
from samrehab_cli.dates import add_months
from samrehab_cli.findings import Finding
from samrehab_cli.participants import rules
from samrehab_cli.schema import ORS, ORS_SHEET, PARTICIPANTS
from samrehab_cli.sheets import Row

if TYPE_CHECKING:
    import pandas as pd

    from samrehab_cli.storage import crypto

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
#: a dropout leaves on or before the day this many calendar months after enrolment (docs/utfall.md)
DROPOUT_MONTHS = 2



class NoRegisterFiles(errors.SamrehabError):
    """Mappen {path} innehåller ingen arbetsbok (.xlsx, .xlsm eller .xls). Ange deltagarregistret med --register."""


class NoParticipantSheet(errors.SamrehabError):
    """Hittade ingen flik med deltagarregistrets rubriker ({headers}) i rad 1 i {paths}. Kontrollera att det är
    deltagarregistret."""


class MissingColumns(errors.SamrehabError):
    """Fliken {sheet} i {path} saknar {headers} i rad 1. Lägg till rubriken och försök igen."""


@dataclass(frozen=True)
class SourceRow:
    """A typed row and the name of the file it came from."""

    file: str
    row: Row


@dataclass
class ParticipantRegister:
    """The register as read: valid participants as a data frame, the ORS rows, the findings.

    ``ors`` holds the measurements without findings (None when the register has no ORS rows at all).
    ``participants`` has the columns participant_id, team, gender, start, end (datetime64, NaT while active),
    exit_reason, labour_support, years_without_work (Decimal or None), comment and dropout_by (the last exit
    date that makes a dropout: start + 2 calendar months, clamped to the month's end).
    """

    participants: pd.DataFrame
    findings: list[Finding]
    excluded: int  # participant rows left out because they have a finding of severity fel
    ors: pd.DataFrame | None = None  # participant_id, date (datetime64), ors, srs (Decimal or None); None: no ORS
    ors_excluded: int = 0  # ORS rows left out because they have any finding D420–D424

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "fel" for f in self.findings)


# --- reading files ------------------------------------------------------------------------------------------------
def expand(paths: Iterable[Path]) -> list[Path]:
    """The workbooks named, a folder standing for every workbook in it (Excel's ``~$`` lock files ignored)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES
                            and not p.name.startswith("~$"))
            if not inside:
                raise NoRegisterFiles(path=path)
            found += inside
        else:
            found.append(path)
    return found


def load(paths: Sequence[Path], passwords: crypto.Passwords, *, today: dt.date,
         ors_paths: Sequence[Path] = ()) -> ParticipantRegister:
    """Read and check the register in ``paths`` (files or folders) and extra ORS workbooks ``ors_paths``."""
    participant_rows, ors_rows = read_rows(paths, passwords, ors_paths=ors_paths)
    return from_rows(participant_rows, ors_rows, today=today)


def read_rows(paths: Sequence[Path], passwords: crypto.Passwords,
              ors_paths: Sequence[Path] = ()) -> tuple[list[SourceRow], list[SourceRow]]:
    """The typed rows of every participant sheet and every ``ORS`` sheet (reading only, no rules)."""
    from samrehab_cli.storage import workbooks

    files = expand(paths)
    participant_rows: list[SourceRow] = []
    ors_rows: list[SourceRow] = []
    found_sheet = False
    for path in [*files, *expand(ors_paths)]:
        book, _ = workbooks.load(path, passwords)
        for name in book.sheet_names:
            is_ors = name.strip().casefold() == ORS_SHEET.casefold()
            rows = book.rows(name)
            sheet_schema = ORS if is_ors else PARTICIPANTS
            if not (_has_headers(rows) if is_ors else _looks_like_register(rows)):
                continue
            parsed = sheets.parse_sheet(sheet_schema, name, rows, skip_empty=())
            if parsed.missing:
                missing = [c.header for c in parsed.missing]
                raise MissingColumns(sheet=name, path=path, headers=("kolumnerna " if len(missing) > 1 else
                                                                      "kolumnen ") + ", ".join(missing))
            target = ors_rows if is_ors else participant_rows
            target += [SourceRow(str(path), row) for row in parsed.rows]
            found_sheet = found_sheet or not is_ors
    if not found_sheet:
        raise NoParticipantSheet(headers=", ".join(PARTICIPANTS.headers[:4]) + " …",
                                 paths=", ".join(str(p) for p in files))
    return participant_rows, ors_rows


def _has_headers(rows: Sequence[Sequence[object]]) -> bool:
    """An empty sheet (say a new ``ORS`` tab not filled in yet) is skipped."""
    return bool(rows) and any(raw is not None for raw in rows[0])


def _looks_like_register(rows: Sequence[Sequence[object]]) -> bool:
    """Row 1 holds ``Deltagar-ID`` and at least one other participant header."""
    if not rows:
        return False
    keys = {c.key for raw in rows[0] if raw is not None and (c := PARTICIPANTS.by_header(sheets.as_text(raw)))}
    return "participant_id" in keys and len(keys) > 1


# --- the register as a data frame --------------------------------------------------------------------------------
def from_rows(participant_rows: Sequence[SourceRow], ors_rows: Sequence[SourceRow] = (), *,
              today: dt.date) -> ParticipantRegister:
    """Check the rows and keep the valid ones as data frames.

    Participant rows with a ``fel`` are left out; ORS rows with any finding D420–D424 (even the warning D422) are
    left out of every ORS figure (docs/utfall.md).
    """
    findings = rules.check(participant_rows, today)
    bad = {(f.file, f.sheet, f.row) for f in findings if f.severity == "fel"}
    valid = [s.row for s in participant_rows if (s.file, s.row.sheet.name, s.row.number) not in bad]
    participants = frame(valid)
    if not ors_rows:
        return ParticipantRegister(participants, findings, len(participant_rows) - len(valid))
    known = {s.row.value("participant_id") for s in participant_rows} - {None}
    ors_findings = rules.check_ors(ors_rows, participants, known, today)
    flagged = {(f.file, f.sheet, f.row) for f in ors_findings}
    kept = [s.row for s in ors_rows if (s.file, s.row.sheet.name, s.row.number) not in flagged]
    return ParticipantRegister(participants, findings + ors_findings, len(participant_rows) - len(valid),
                               ors_frame(kept), len(ors_rows) - len(kept))


def ors_frame(rows: Sequence[Row]) -> pd.DataFrame:
    """Valid ORS/SRS rows: participant_id, date (datetime64), ors and srs (Decimal, or None when not given)."""
    import pandas as pd

    return pd.DataFrame({
        "participant_id": pd.Series([r.value("participant_id") for r in rows], dtype=object),
        "date": day_series([r.value("date") for r in rows]),
        "ors": pd.Series([r.value("ors") for r in rows], dtype=object),
        "srs": pd.Series([r.value("srs") for r in rows], dtype=object),
    })


def frame(rows: Sequence[Row]) -> pd.DataFrame:
    """Valid participant rows as a data frame (see :class:`ParticipantRegister`)."""
    import pandas as pd

    def values(key: str) -> list[Any]:
        return [row.value(key) for row in rows]

    data: dict[str, object] = {key: pd.Series(values(key), dtype=object) for key in (
        "participant_id", "team", "gender", "exit_reason", "labour_support", "years_without_work", "comment")}
    starts: list[dt.date] = values("start")  # a valid row has its Inskrivningsdatum
    data["start"] = day_series(starts)
    data["end"] = day_series(values("end"))
    limits = {day: add_months(day, DROPOUT_MONTHS) for day in set(starts)}  # few distinct days: fast
    data["dropout_by"] = day_series([limits[day] for day in starts])
    return pd.DataFrame(data)


def day_series(days: Sequence[dt.date | None]) -> pd.Series:
    """Dates (None for none) as a datetime64 series (NaT for none), without numpy's slow date-object path."""
    import numpy as np
    import pandas as pd

    epoch, nat = dt.date(1970, 1, 1).toordinal(), np.iinfo(np.int64).min
    ordinals = np.fromiter((nat if d is None else d.toordinal() - epoch for d in days),
                           dtype=np.int64, count=len(days))
    return pd.Series(ordinals.view("datetime64[D]").astype("datetime64[s]"))
