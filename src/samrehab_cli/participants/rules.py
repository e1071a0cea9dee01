"""The participant register's rules: D401–D410 for the participants, D420–D424 for the ORS/SRS measurements.

Each finding says where (file, sheet, cell) and how to fix the row; the codes and messages are in
:mod:`samrehab_cli.catalog`. SRS scores never appear in a finding: only that the cell is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from samrehab_cli.catalog import RULE
from samrehab_cli.findings import Finding, Severity
from samrehab_cli.schema import ORS, PARTICIPANTS
from samrehab_cli.sheets import Cell

if TYPE_CHECKING:
    import pandas as pd

    from samrehab_cli.participants.read import SourceRow

MAX_YEARS_WITHOUT_WORK = Decimal(60)
MAX_SCORE = Decimal(40)
SCORE_STEP = Decimal("0.1")


def check(rows: Sequence[SourceRow], today: dt.date) -> list[Finding]:
    """Every finding D401–D410 for ``rows``, in row order."""
    places: dict[object, list[SourceRow]] = {}
    for source in rows:
        places.setdefault(source.row.value("participant_id"), []).append(source)
    found: list[Finding] = []
    for source in rows:
        pid = source.row.value("participant_id")
        same = places[pid] if pid is not None else ()
        found += check_row(source, today, others=[other for other in same if other is not source] if len(same) > 1
                           else ())
    return found


def _where(source: SourceRow, seen_from: SourceRow) -> str:
    """Where another row is, as seen from a row: ``rad 5``, ``fliken Hedemora rad 5`` or ``b.xlsx, fliken … rad 5``."""
    sheet, number = source.row.sheet.name, source.row.number
    if source.file != seen_from.file:
        return f"{source.file}, fliken {sheet} rad {number}"
    return f"rad {number}" if sheet == seen_from.row.sheet.name else f"fliken {sheet} rad {number}"


def check_row(source: SourceRow, today: dt.date, *, others: Sequence[SourceRow] = ()) -> list[Finding]:
    """The findings of one participant row; ``others`` are the other rows with its Deltagar-ID (D401)."""
    row, file = source.row, source.file
    found: list[Finding] = []

    def add(code: str, key: str, severity: Severity | None = None, **fields: Any) -> None:
        header = PARTICIPANTS[key].header
        found.append(RULE[code].at(file, row, key, header, severity=severity, **fields))

    if row["participant_id"].empty:
        add("D401", "participant_id", problem="saknas")
    elif others:
        more = f" (och {len(others) - 1} rader till)" if len(others) > 1 else ""
        add("D401", "participant_id", problem=f"finns också på {_where(others[0], source)}{more}")
    if row["team"].empty:
        add("D407", "team")
    start, end = row["start"], row["end"]
    if start.empty or start.invalid:
        add("D402", "start", problem="saknas" if start.empty else "är inget datum")
    if end.invalid:
        add("D402", "end", problem="är inget datum")
    if isinstance(start.value, dt.date) and isinstance(end.value, dt.date) and end.value < start.value:
        add("D403", "end", start=start.value.isoformat(), end=end.value.isoformat())
    for key in ("start", "end"):
        day = row[key].value
        if isinstance(day, dt.date) and day > today:
            add("D410", key, day=day.isoformat())
    reason, support = row["exit_reason"], row["labour_support"]
    if not end.empty and reason.empty:
        add("D404", "exit_reason", problem="Avslutsdatum är ifyllt men Avslutsorsak saknas")
    elif end.empty and not reason.empty:
        add("D404", "end", problem="Avslutsorsak är ifylld men Avslutsdatum saknas")
    for key in ("exit_reason", "labour_support", "gender"):
        cell = row[key]
        if cell.invalid or (key == "gender" and cell.empty):
            add("D405", key, problem="saknas" if cell.empty else "är inte tillåtet",
                allowed=", ".join(PARTICIPANTS[key].choices))
    if reason.value == "Arbete" and support.empty:
        add("D406", "labour_support", problem="Arbetsmarknadsstöd saknas vid Arbete. Välj Utan stöd eller det stöd "
                                              "deltagaren fick (till exempel Lönebidrag).")
    elif not support.empty and not reason.empty and reason.value != "Arbete":
        add("D406", "labour_support", problem="Arbetsmarknadsstöd är ifyllt fast Avslutsorsak inte är Arbete. "
                                              "Töm cellen eller rätta avslutsorsaken.")
    years = row["years_without_work"]
    if years.empty:
        add("D408", "years_without_work", severity="varning", problem="saknas")
    elif years.invalid:
        add("D408", "years_without_work", problem="är inget tal")
    elif isinstance(years.value, Decimal) and years.value < 0:
        add("D408", "years_without_work", problem="är negativt")
    elif isinstance(years.value, Decimal) and years.value > MAX_YEARS_WITHOUT_WORK:
        add("D408", "years_without_work", problem="är större än 60")
    if reason.value == "Annat" and row["comment"].empty:
        add("D409", "comment")
    return found


def check_ors(rows: Sequence[SourceRow], participants: pd.DataFrame, known: set[object],
              today: dt.date) -> list[Finding]:
    """Every finding D420–D424 for the ORS rows; ``known`` are the Deltagar-ID of the register's rows."""
    enrolment = {pid: (start.date(), None if end != end else end.date())  # NaT != NaT
                 for pid, start, end in participants[["participant_id", "start", "end"]].itertuples(index=False)}
    days = Counter((r.row.value("participant_id"), r.row.value("date")) for r in rows)
    found: list[Finding] = []
    for source in rows:
        found += _ors_row(source, enrolment, days, known, today)
    return found


def _ors_row(source: SourceRow, enrolment: dict[object, tuple[dt.date, dt.date | None]],
             days: Counter[tuple[object, object]], known: set[object], today: dt.date) -> list[Finding]:
    row, file = source.row, source.file
    found: list[Finding] = []

    def add(code: str, key: str, **fields: Any) -> None:
        header = ORS[key].header  # never an SRS score in any output:
        found.append(RULE[code].at(file, row, key, header, show_value=key != "srs", **fields))

    pid, day = row.value("participant_id"), row.value("date")
    if row["ors"].empty and row["srs"].empty:
        add("D420", "ors", problem="saknas")
    for key in ("ors", "srs"):
        problem = _score_problem(row[key])
        if problem:
            add("D420", key, problem=problem)
    if pid is None:
        add("D421", "participant_id", problem="saknas")
    elif pid not in known:
        add("D421", "participant_id", problem=f"{pid} finns inte i deltagarregistret")
    cell = row["date"]
    if cell.empty or cell.invalid:
        add("D423", "date", problem="saknas" if cell.empty else "är inget datum")
    elif isinstance(day, dt.date) and day > today:
        add("D423", "date", problem=f"{day.isoformat()} ligger i framtiden")
    if isinstance(day, dt.date) and pid in enrolment:
        start, end = enrolment[pid]
        if day < start or (end is not None and day > end):
            until = "" if end is None else end.isoformat()
            add("D422", "date", day=day.isoformat(), enrolment=f"{start.isoformat()}–{until}")
    if isinstance(day, dt.date) and pid is not None and days[(pid, day)] > 1:
        add("D424", "date", participant=pid, day=day.isoformat())
    return found


def _score_problem(cell: Cell) -> str | None:
    if cell.empty:
        return None
    value = cell.value
    if not isinstance(value, Decimal):
        return "är inget tal"
    if not 0 <= value <= MAX_SCORE:
        return "ligger inte mellan 0 och 40"
    if value % SCORE_STEP:
        return "har mer än en decimal"
    return None
