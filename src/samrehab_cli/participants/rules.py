"""The participant register's rules: D401–D410 for the participants, D420–D424 for the ORS/SRS measurements.

Each finding says where (file, sheet, cell) and how to fix the row; the codes and messages are in
:mod:`samrehab_cli.catalog`. SRS scores never appear in a finding: only that the cell is wrong.

The rules run column by column over each sheet's typed values (:class:`~samrehab_cli.participants.read.SourceSheet`):
a rule finds the rows that break it, and a finding is made only for those. The findings come out in row order, and
within a row in the order the rules are listed here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from itertools import chain, compress, repeat
from operator import and_, eq, gt, is_, ne, not_, or_
from typing import TYPE_CHECKING, Any

from samrehab_cli.catalog import RULE
from samrehab_cli.findings import Finding, Severity
from samrehab_cli.schema import ORS, PARTICIPANTS
from samrehab_cli.sheets import ABSENT, EMPTY, Cell, Row

if TYPE_CHECKING:
    from samrehab_cli.participants.read import Participants, SourceSheet

MAX_YEARS_WITHOUT_WORK = Decimal(60)
MAX_SCORE = Decimal(40)
SCORE_STEP = Decimal("0.1")

#: (rows, column key, code, severity or None for the rule's own, message fields) of one rule on one sheet
Hits = Iterator[tuple[Sequence[int], str, str, Severity | None, dict[str, Any]]]


def check(sources: Sequence[SourceSheet], today: dt.date) -> list[Finding]:
    """Every finding D401–D410 for the participant sheets, in row order."""
    duplicates = _duplicates(sources)
    return list(chain.from_iterable(_findings(source, PARTICIPANTS, _participant_rules(source, today, found))
                                    for source, found in zip(sources, duplicates, strict=True)))


#: for a row whose Deltagar-ID is on other rows too: the first other row (its sheet and row index) and how many
Duplicate = tuple["SourceSheet", int, int]


def _duplicates(sources: Sequence[SourceSheet]) -> list[dict[int, Duplicate]]:
    """For each sheet, its rows whose Deltagar-ID is on another row too (of any sheet). The IDs are counted in C
    over every sheet's column (a set first: when no ID repeats, as in a sound register, that is all); only the rows
    of a repeated one are then looked at."""
    columns = [source.sheet.values("participant_id") for source in sources]
    ids = list(chain.from_iterable(columns))
    repeated: set[object] = set()
    if len(set(ids)) < len(ids):
        repeated = {pid for pid, count in Counter(ids).items() if count > 1 and pid is not None}
    places: dict[object, list[tuple[int, int]]] = {}  # Deltagar-ID → (sheet's place in sources, row index), in order
    for at, values in enumerate(columns if repeated else ()):
        for index in compress(range(len(values)), map(repeated.__contains__, values)):
            places.setdefault(values[index], []).append((at, index))
    found: list[dict[int, Duplicate]] = [{} for _ in sources]
    for rows in places.values():
        for k, (at, index) in enumerate(rows):
            other, other_index = rows[1] if k == 0 else rows[0]
            found[at][index] = (sources[other], other_index, len(rows) - 1)
    return found


def _also_at(source: SourceSheet, duplicate: Duplicate) -> str:
    """Where the other rows with a row's Deltagar-ID are, as seen from the row's sheet: the first named (``rad 5``,
    ``fliken Hedemora rad 5`` or ``b.xlsx, fliken Deltagare rad 5``, also for the same file read twice), the rest
    counted."""
    other, index, count = duplicate
    sheet, number = other.sheet.name, other.sheet.numbers[index]
    if other is source:
        where = f"rad {number}"
    elif other.file == source.file and sheet != source.sheet.name:
        where = f"fliken {sheet} rad {number}"
    else:
        where = f"{other.file}, fliken {sheet} rad {number}"
    more = count - 1
    return f"finns också på {where}" + (f" (och {more} {'rad' if more == 1 else 'rader'} till)" if more else "")


def _empty(cells: Sequence[Cell]) -> list[bool]:
    """Whether each cell is empty: EMPTY, or ABSENT where the sheet lacks the column (then the whole column is),
    told by identity (a Cell's hash is a Python-level call: slow over a million rows)."""
    if cells and cells[0] is ABSENT:
        return [True] * len(cells)
    return list(map(is_, cells, repeat(EMPTY)))


def _findings(source: SourceSheet, schema: Any, hits: Hits, show: Callable[[str], bool] = lambda key: True,
              ) -> list[Finding]:
    """The findings of ``hits`` on one sheet, in row order and, within a row, in the order of the rules."""
    found: list[tuple[int, int, Finding]] = []
    for order, (rows, key, code, severity, fields) in enumerate(hits):
        for index in rows:
            finding = RULE[code].at(source.file, Row(source.sheet, index), key, schema[key].header,
                                    show_value=show(key), severity=severity, **fields)
            found.append((index, order, finding))
    found.sort(key=lambda hit: hit[:2])
    return [finding for _, _, finding in found]


def _participant_rules(source: SourceSheet, today: dt.date, duplicates: dict[int, Duplicate]) -> Hits:
    """The rows of one sheet that break each rule, found in C over its columns: each distinct value is tested once
    (:func:`_where`), flags are combined with ``map``. ``duplicates``: the rows whose Deltagar-ID is on another
    row too (:func:`_duplicates`)."""
    cells = source.sheet.cells
    value = {key: source.sheet.values(key) for key in cells}
    empty = {key: _empty(column) for key, column in cells.items()}
    rows = range(len(source.sheet.numbers))

    def where(flags: Iterable[bool]) -> list[int]:
        return list(compress(rows, flags))

    def invalid(key: str) -> list[int]:
        """The rows with a value that could not be read as the column's kind: there, but typed as None. Counted
        first: most columns have none, and then no row needs looking at."""
        if sum(map(is_, value[key], repeat(None))) == empty[key].count(True):  # by identity: a Decimal == None
            return []                                                             # is a slow comparison
        return where(map(gt, map(is_, value[key], repeat(None)), empty[key]))

    def equal(key: str, wanted: object) -> Iterator[bool]:
        return map(eq, value[key], repeat(wanted))

    yield where(empty["participant_id"]), "participant_id", "D401", None, {"problem": "saknas"}
    for i in sorted(duplicates):
        yield [i], "participant_id", "D401", None, {"problem": _also_at(source, duplicates[i])}
    yield where(empty["team"]), "team", "D407", None, {}
    yield where(empty["start"]), "start", "D402", None, {"problem": "saknas"}
    yield invalid("start"), "start", "D402", None, {"problem": "är inget datum"}
    yield invalid("end"), "end", "D402", None, {"problem": "är inget datum"}
    starts, ends = value["start"], value["end"]
    for i in [i for i, (start, end) in enumerate(zip(starts, ends, strict=True))
              if end is not None and start is not None and end < start]:
        yield [i], "end", "D403", None, {"start": starts[i].isoformat(), "end": ends[i].isoformat()}
    for key, days in (("start", starts), ("end", ends)):
        future = {day for day in set(days) if day is not None and day > today}
        for i in where(map(future.__contains__, days)) if future else []:
            yield [i], key, "D410", None, {"day": days[i].isoformat()}
    no_end, no_reason, no_support = empty["end"], empty["exit_reason"], empty["labour_support"]
    unmatched = no_end != no_reason  # compared in C: usually both or neither on every row
    yield (where(map(gt, no_reason, no_end)) if unmatched else [], "exit_reason", "D404", None,  # end, no reason
           {"problem": "Avslutsdatum är ifyllt men Avslutsorsak saknas"})
    yield (where(map(gt, no_end, no_reason)) if unmatched else [], "end", "D404", None,  # a reason, no end date
           {"problem": "Avslutsorsak är ifylld men Avslutsdatum saknas"})
    for key in ("exit_reason", "labour_support", "gender"):
        allowed = ", ".join(PARTICIPANTS[key].choices)
        yield invalid(key), key, "D405", None, {"problem": "är inte tillåtet", "allowed": allowed}
        if key == "gender":
            yield where(empty[key]), key, "D405", None, {"problem": "saknas", "allowed": allowed}
    yield (where(map(and_, equal("exit_reason", "Arbete"), no_support)), "labour_support", "D406", None,
           {"problem": "Arbetsmarknadsstöd saknas vid Arbete. Välj Utan stöd eller det stöd deltagaren fick (till "
                       "exempel Lönebidrag)."})
    given = map(not_, map(or_, no_support, no_reason))  # both filled, and the reason is not Arbete:
    yield (where(map(and_, given, map(ne, value["exit_reason"], repeat("Arbete")))), "labour_support", "D406", None,
           {"problem": "Arbetsmarknadsstöd är ifyllt fast Avslutsorsak inte är Arbete. Töm cellen eller rätta "
                       "avslutsorsaken."})
    years = value["years_without_work"]
    negative = {y for y in set(years) if y is not None and y < 0}
    too_many = {y for y in set(years) if y is not None and y > MAX_YEARS_WITHOUT_WORK}
    yield where(empty["years_without_work"]), "years_without_work", "D408", "varning", {"problem": "saknas"}
    yield invalid("years_without_work"), "years_without_work", "D408", None, {"problem": "är inget tal"}
    yield (where(map(negative.__contains__, years)) if negative else [], "years_without_work", "D408", None,
           {"problem": "är negativt"})
    yield (where(map(too_many.__contains__, years)) if too_many else [], "years_without_work", "D408", None,
           {"problem": "är större än 60"})
    yield where(map(and_, equal("exit_reason", "Annat"), empty["comment"])), "comment", "D409", None, {}


def check_ors(sources: Sequence[SourceSheet], participants: Participants, known: set[object],
              today: dt.date) -> list[Finding]:
    """Every finding D420–D424 for the ORS sheets; ``known`` are the Deltagar-ID of the register's rows."""
    enrolment = dict(zip(participants.participant_id, zip(participants.start, participants.end, strict=True),
                         strict=True))
    days = Counter(chain.from_iterable(zip(s.sheet.values("participant_id"), s.sheet.values("date"), strict=True)
                                       for s in sources))
    return list(chain.from_iterable(
        _findings(source, ORS, _ors_rules(source, enrolment, days, known, today), show=lambda key: key != "srs")
        for source in sources))  # never an SRS score in any output


def _ors_rules(source: SourceSheet, enrolment: dict[str, tuple[dt.date, dt.date | None]],
               days: Counter[tuple[object, object]], known: set[object], today: dt.date) -> Hits:
    cells = source.sheet.cells
    pids, dates = source.sheet.values("participant_id"), source.sheet.values("date")
    ors, srs = cells["ors"], cells["srs"]
    yield [i for i, (o, s) in enumerate(zip(ors, srs, strict=True)) if o.empty and s.empty], "ors", "D420", None, \
        {"problem": "saknas"}
    for key, scores in (("ors", ors), ("srs", srs)):
        for i, problem in enumerate(map(_score_problem, scores)):
            if problem:
                yield [i], key, "D420", None, {"problem": problem}
    for i, pid in enumerate(pids):
        if pid is None:
            yield [i], "participant_id", "D421", None, {"problem": "saknas"}
        elif pid not in known:
            yield [i], "participant_id", "D421", None, {"problem": f"{pid} finns inte i deltagarregistret"}
    for i, (cell, day) in enumerate(zip(cells["date"], dates, strict=True)):
        if cell.empty or cell.invalid:
            yield [i], "date", "D423", None, {"problem": "saknas" if cell.empty else "är inget datum"}
        elif isinstance(day, dt.date) and day > today:
            yield [i], "date", "D423", None, {"problem": f"{day.isoformat()} ligger i framtiden"}
    for i, (pid, day) in enumerate(zip(pids, dates, strict=True)):
        if isinstance(day, dt.date) and pid in enrolment:
            start, end = enrolment[pid]
            if day < start or (end is not None and day > end):
                until = "" if end is None else end.isoformat()
                yield [i], "date", "D422", None, {"day": day.isoformat(), "enrolment": f"{start.isoformat()}–{until}"}
    for i, (pid, day) in enumerate(zip(pids, dates, strict=True)):
        if isinstance(day, dt.date) and pid is not None and days[(pid, day)] > 1:
            yield [i], "date", "D424", None, {"participant": pid, "day": day.isoformat()}


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
