"""Consistency between the rows of one workbook, across all its week sheets (K301–K304)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from operator import attrgetter

from samrehab_cli.catalog import RULE
from samrehab_cli.findings import Finding
from samrehab_cli.registration.rules.base import Context

UNIQUE = (("K301", "personnummer"), ("K302", "envelope"), ("K303", "serial"))


def duplicates(ctx: Context) -> Iterator[Finding]:  # K301–K303
    """Each repeat of a personnummer, kuvertnummer or löpnummer, naming where it first appeared."""
    for code, key in UNIQUE:
        column = ctx.cells[key]
        values = list(map(attrgetter("value"), column))
        if key == "personnummer":  # given with 10 and with 12 digits, it is the same person: its 12 digits
            digits = {cell: found.digits for cell, found in ctx.personnummer.items() if found.digits}
            values = list(map(digits.get, column, values))  # a plainly valid number's text is its digits
        distinct = set(values)
        if len(distinct) - (None in distinct) == len(values) - values.count(None):
            continue  # the usual case, found in C
        counts = Counter(values)
        first: dict[object, int] = {}
        for row, value in enumerate(values):
            if value is not None and counts[value] > 1 and first.setdefault(value, row) != row:
                sheet, index = ctx.locate(first[value])
                yield ctx.at(RULE[code], row, key, first=f"{sheet.name}!{sheet.ref(key, index)}")


def serial_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # K304
    for row in ctx.empty("serial", rows):
        yield ctx.at(RULE["K304"], row, "serial")


CHECKS = (serial_missing,)
