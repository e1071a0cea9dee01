"""What every rule gets: where it looks (``Context``) and how it points at a cell (``at``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from samrehab_cli.dates import Week
from samrehab_cli.findings import Finding, Rule, Severity
from samrehab_cli.schema import WEEK, Row


@dataclass(frozen=True, slots=True)
class Context:
    """The file and sheet being checked, the sheet's week, today's date and the columns the sheet has."""

    file: str
    sheet: str
    week: Week | None
    today: dt.date
    columns: frozenset[str]  # keys of the schema columns found in the sheet

    def lacks(self, row: Row, key: str) -> bool:
        """True when the sheet has the column and the row leaves it empty (a missing column is S112 only)."""
        return key in self.columns and row[key].empty


def at(rule: Rule, ctx: Context, row: Row, key: str, *, severity: Severity | None = None,
       **fields: object) -> Finding:
    """A finding at ``key``'s cell of ``row``: the Swedish header as column, the raw text as value."""
    return rule.at(ctx.file, row, key, WEEK[key].header, severity=severity, **fields)
