"""The valid participants and ORS measurements as data frames, which the outcome and ORS tables are computed from.

pandas and numpy are imported inside these functions only: ``samrehab --help``, validate, decrypt and the other
commands never load them. Dates become datetime64 through their day numbers, each distinct day converted once
(numpy's own path from date objects is slow); a participant still enrolled has NaT as ``end``. Text columns with
few values (team, gender, exit reason) are categories; Deltagar-ID, years without work and the other text stay
objects as read (years as Decimals: the means are exact).

Every table shows the total, each team and each gender: the participants are added up per (team, gender) once, and
:func:`group_sums` adds those few cells up per team, per gender and in total.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat
from operator import is_not
from typing import TYPE_CHECKING

from samrehab_cli.participants.period import TOTAL_NAME, Group, swedish_key
from samrehab_cli.schema import EXIT_REASONS, GENDERS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from samrehab_cli.participants.read import Measurements, Participants

_EPOCH = dt.date(1970, 1, 1).toordinal()


def import_numpy_meanwhile() -> threading.Thread:
    """Start importing numpy on a thread, as python-calamine starts reading the register (``read.load``'s
    ``meanwhile``): calamine leaves the GIL free for most of its read, so the tables need not wait for numpy
    afterwards (about a twentieth of ``outcomes`` on 100,000 participants, and 16 MB more at the read's peak). Not
    pandas: its 40 MB on top of the read's peak would cost more memory than the goal allows (docs/performance.md).
    A failed import says nothing here: the tables' own ``import numpy`` raises it."""

    def run() -> None:
        with contextlib.suppress(Exception):  # raised again, and shown, where numpy is used
            import numpy  # noqa: F401

    thread = threading.Thread(target=run, name="import numpy")
    thread.start()
    return thread


def days(values: Sequence[dt.date | None]) -> np.ndarray:
    """Dates (None for none) as datetime64[D] (NaT for none); each distinct day is converted once."""
    import numpy as np

    number: dict[dt.date | None, int] = {day: day.toordinal() - _EPOCH for day in set(values) if day is not None}
    number[None] = np.iinfo(np.int64).min  # NaT's day number
    return np.fromiter(map(number.__getitem__, values), dtype=np.int64, count=len(values)).view("datetime64[D]")


def add_months(day: np.ndarray, months: int) -> np.ndarray:
    """:func:`samrehab_cli.dates.add_months` over datetime64: calendar months added to the day number, clamped to the
    month's last day (2020-12-31 + 2 months = 2021-02-28), as datetime64[D]. Each distinct day is computed once."""
    import numpy as np
    import pandas as pd

    codes, distinct = pd.factorize(day.astype("datetime64[D]"), use_na_sentinel=False)
    month = distinct.astype("datetime64[M]")
    target = month + np.timedelta64(months, "M")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    found: np.ndarray = np.minimum(target.astype("datetime64[D]") + (distinct - month.astype("datetime64[D]")), last)
    return found[codes]


def category(values: Sequence[str | None], categories: Sequence[str] | None = None) -> pd.Categorical:
    """Text as a categorical (None as -1): the categories given, else those found in order of appearance. Each
    value is looked up in a dict (pandas would hash every one again: several times slower)."""
    import numpy as np
    import pandas as pd

    if categories is None:
        categories = [value for value in dict.fromkeys(values) if value is not None]
    code: dict[str | None, int] = {value: number for number, value in enumerate(categories)}
    code[None] = -1
    codes = np.fromiter(map(code.__getitem__, values), dtype=np.int32, count=len(values))
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(categories), dtype=object))


def participants(people: Participants) -> pd.DataFrame:
    """One row per valid participant, in the register's order: team, gender, start, end, reason (categorical in the
    order of :data:`schema.EXIT_REASONS`: codes 0–5, -1 for none), years (Decimal or None) and labour_support."""
    import pandas as pd

    return pd.DataFrame({
        "team": category(people.team),
        "gender": category(people.gender, GENDERS),
        "start": days(people.start),
        "end": days(people.end),
        "reason": category(people.exit_reason, EXIT_REASONS),
        "years": pd.Series(people.years_without_work, dtype=object),
        "labour_support": pd.Series(people.labour_support, dtype=object),
    }, copy=False)


def measurements(rows: Measurements, participant_ids: list[str]) -> pd.DataFrame:
    """One row per valid ORS/SRS row, in the register's order: ``who`` is the participant's place in
    ``participant_ids`` (-1 for a Deltagar-ID without a valid participant row; a valid one is unique, D401), ``date``,
    ``ors10`` the ORS score in tenths (exact: a valid score has at most one decimal; -1 when there is none) and
    ``srs`` whether an SRS was given (never the score)."""
    import numpy as np
    import pandas as pd

    tenths: dict[Decimal | None, int] = {score: int(score * 10) for score in set(rows.ors) if score is not None}
    tenths[None] = -1
    return pd.DataFrame({
        "who": pd.Index(participant_ids, dtype=object).get_indexer(pd.Index(rows.participant_id, dtype=object)),
        "date": days(rows.date),
        "ors10": np.fromiter(map(tenths.__getitem__, rows.ors), dtype=np.int64, count=len(rows)),
        "srs": np.fromiter(map(is_not, rows.srs, repeat(None)), dtype=bool, count=len(rows)),
    }, copy=False)


def group_sums(cells: pd.DataFrame, active: str | tuple[str, str]) -> list[tuple[Group, str, pd.Series]]:
    """(group, name, sums) for the total, each team with an active participant (column ``active``, in Swedish
    alphabetical order) and Kvinna, Man, and Annat when an active participant has it, from ``cells``: sums per
    (team, gender), the index's two levels."""
    total = cells.sum()
    teams = {str(name): sums for name, sums in cells.groupby(level=0, observed=True).sum().iterrows()
             if sums[active] > 0}
    genders = {str(name): sums for name, sums in cells.groupby(level=1, observed=True).sum().iterrows()}
    found: list[tuple[Group, str, pd.Series]] = [("total", TOTAL_NAME, total)]
    found += [("team", name, teams[name]) for name in sorted(teams, key=lambda t: (swedish_key(t), t))]
    found += [("kon", name, genders.get(name, total * 0)) for name in GENDERS
              if name != "Annat" or (name in genders and genders[name][active] > 0)]
    return found
