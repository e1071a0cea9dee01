"""The rules of the registration workbook (docs/regler.md), one small function per code, grouped as the rule table.

:func:`check_sheets` runs them all over the week sheets read together (``sheets.parse_sheets``); the codes are in
:mod:`samrehab_cli.catalog`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import partial

from samrehab_cli.findings import Finding
from samrehab_cli.registration.rules import (
    consent,
    crossrow,
    no_consent,
    structure,
    values,
)
from samrehab_cli.registration.rules.base import Context
from samrehab_cli.schema import NO, YES
from samrehab_cli.sheets import Cell, Table

__all__ = ["Context", "check_sheets"]


def check_sheets(file: str, table: Table, today: dt.date) -> Iterator[Finding]:
    """The header rules of each week sheet, then every row rule and the rules between rows over all of them."""
    for sheet in table.sheets:
        for header_check in structure.HEADER_CHECKS:
            yield from header_check(file, sheet)
    ctx = Context(file, table, today)
    for check in values.CHECKS + crossrow.CHECKS:
        yield from check(ctx, ctx.rows)
    for answer, checks in ((YES, consent.CHECKS), (NO, no_consent.CHECKS)):
        answered = ctx.where("consent", ctx.rows, partial(_holds, answer))
        for check in checks if answered else ():
            yield from check(ctx, answered)
    yield from crossrow.duplicates(ctx)


def _holds(value: object, cell: Cell) -> bool:
    return bool(cell.value == value)
