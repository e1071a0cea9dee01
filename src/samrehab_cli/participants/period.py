"""Report periods and what every table of them shares: the groups, their order, and how figures are rounded.

A period is a year (``2020``) or a half-year (``2020H1`` = January–June, ``2020H2`` = July–December); its
:meth:`Period.previous` is the previous period of the same kind. Every table has a row for the total, one per team
(in Swedish alphabetical order) and one per gender (Kvinna, Man, and Annat when present), added up by
:func:`samrehab_cli.participants.frames.group_sums`. Figures are rounded once, half away from zero, to one decimal,
as the policy's tables are.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from samrehab_cli import errors

TOTAL_NAME = "Totalt"
Group = Literal["total", "team", "kon"]  # the kinds of row in every table
_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-\s]?\s*[Hh]\s*([12]))?\s*$")


class BadPeriod(errors.SamrehabError):
    """{value} är ingen period. Skriv ett år (2020) eller ett halvår: 2020H1 för januari–juni, 2020H2 för
    juli–december."""


@dataclass(frozen=True)
class Period:
    """A year or a half-year; its JSON is ``{"label": "2020", "start": "2020-01-01", "end": "2020-12-31"}``."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def half(self) -> int | None:
        return None if len(self.label) == 4 else int(self.label[-1])

    def previous(self) -> Period:
        """The previous period of the same kind: 2020 → 2019, 2020H1 → 2019H2, 2020H2 → 2020H1."""
        year = self.start.year
        if self.half is None:
            return period(year - 1)
        return period(year - 1, 2) if self.half == 1 else period(year, 1)


def period(year: int, half: int | None = None) -> Period:
    if half is None:
        return Period(label=f"{year}", start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    if half == 1:
        return Period(label=f"{year}H1", start=dt.date(year, 1, 1), end=dt.date(year, 6, 30))
    return Period(label=f"{year}H2", start=dt.date(year, 7, 1), end=dt.date(year, 12, 31))


def parse_period(text: str) -> Period:
    """``2020``, ``2020H1``, ``2020h2`` or ``2020-H2``; anything else raises :class:`BadPeriod`."""
    match = _PERIOD.match(text)
    if not match or not 1900 <= int(match[1]) <= 2999:
        raise BadPeriod(value=text)
    return period(int(match[1]), int(match[2]) if match[2] else None)


def swedish_key(text: str) -> str:
    """Sort key in Swedish alphabetical order (…, Z, Å, Ä, Ö)."""
    return text.casefold().translate({ord("å"): "z\x01", ord("ä"): "z\x02", ord("ö"): "z\x03"})


def round1(value: Decimal) -> float:
    """One decimal, half away from zero (as the policy's tables are rounded)."""
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def percent(count: int, base: int) -> float | None:
    """``count`` of ``base`` as a percentage with one decimal; None when the base is zero."""
    return None if base == 0 else round1(Decimal(count * 100) / Decimal(base))
