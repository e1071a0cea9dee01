"""The rules of the registration workbook (SPEC §2.3), one small function per code, grouped as the SPEC's tables.

:func:`check_sheets` runs them all over parsed week sheets; the catalog of codes is :data:`catalog.RULES`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from samrehab_cli.findings import Finding
from samrehab_cli.rules import consent, crossrow, no_consent, structure, values
from samrehab_cli.rules.base import Context
from samrehab_cli.rules.catalog import RULE, RULES
from samrehab_cli.schema import NO, YES, ParsedSheet

__all__ = ["RULE", "RULES", "Context", "check_sheet", "check_sheets"]

_EVERY_ROW = values.CHECKS + crossrow.CHECKS
_BY_CONSENT = {YES: consent.CHECKS, NO: no_consent.CHECKS}


def check_sheet(file: str, sheet: ParsedSheet, today: dt.date) -> Iterator[Finding]:
    """The header rules and every row rule of one week sheet (not the rules between rows)."""
    ctx = context(file, sheet, today)
    for header_check in structure.HEADER_CHECKS:
        yield from header_check(file, sheet)
    for row in sheet.rows:
        for check in _EVERY_ROW:
            yield from check(ctx, row)
        consent_value = row.value("consent")
        for check in _BY_CONSENT.get(consent_value, ()) if isinstance(consent_value, str) else ():
            yield from check(ctx, row)


def check_sheets(file: str, sheets: Sequence[ParsedSheet], today: dt.date) -> Iterator[Finding]:
    """Every rule of :func:`check_sheet` on each sheet, then the rules between rows across all of them."""
    consent.check_values_first((row for sheet in sheets for row in sheet.rows), today)
    for sheet in sheets:
        yield from check_sheet(file, sheet, today)
    contexts = [(context(file, sheet, today), sheet) for sheet in sheets]
    yield from crossrow.duplicates((ctx, row) for ctx, sheet in contexts for row in sheet.rows)


def context(file: str, sheet: ParsedSheet, today: dt.date) -> Context:
    return Context(file, sheet.name, sheet.week, today, frozenset(sheet.columns))
