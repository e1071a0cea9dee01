"""Consistency between the rows of one workbook, across all its week sheets (K301–K304)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from samrehab_cli import personnummer
from samrehab_cli.findings import Finding, Rule
from samrehab_cli.rules.base import Context, at
from samrehab_cli.rules.catalog import RULE
from samrehab_cli.schema import Row

#: The value of a row that must be unique, or None when the row has none.
Key = Callable[[Context, Row], object]


def _personnummer(ctx: Context, row: Row) -> object:
    text = row.value("personnummer")
    if not isinstance(text, str):
        return None
    return personnummer.check(text, ctx.today).digits or text  # 10 and 12 digits of one person are the same


def _value(key: str) -> Key:
    return lambda ctx, row: row.value(key)


UNIQUE: tuple[tuple[Rule, str, Key], ...] = (
    (RULE["K301"], "personnummer", _personnummer),
    (RULE["K302"], "envelope", _value("envelope")),
    (RULE["K303"], "serial", _value("serial")),
)


def duplicates(rows: Iterable[tuple[Context, Row]]) -> Iterator[Finding]:  # K301–K303
    """Each repeat of a personnummer, kuvertnummer or löpnummer, naming where it first appeared."""
    first: dict[tuple[str, object], Row] = {}
    for ctx, row in rows:
        for rule, key, value_of in UNIQUE:
            value = value_of(ctx, row)
            if value is None:
                continue
            seen = first.setdefault((rule.code, value), row)
            if seen is not row:
                yield at(rule, ctx, row, key, first=f"{seen.sheet}!{seen.ref(key)}")


def serial_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # K304
    if ctx.lacks(row, "serial"):
        yield at(RULE["K304"], ctx, row, "serial")


CHECKS = (serial_missing,)
