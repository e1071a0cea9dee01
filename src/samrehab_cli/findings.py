"""Findings as data: ``Finding``, ``Report`` and the ``Rule`` that makes them.

Plain dataclasses: they are made by the library, never parsed from outside, so nothing needs validating, and
``samrehab validate`` starts without pydantic. ``--format json`` prints the ``Report``'s fields as they are and
nothing else (docs/utdata.md; :func:`samrehab_cli.render.common.to_json`); in the pydantic results that hold findings
(``outcomes``, ``ors``) a finding's JSON is the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from samrehab_cli import shell
from samrehab_cli.errors import listed

if TYPE_CHECKING:
    from samrehab_cli.sheets import Row

Severity = Literal["fel", "varning", "info"]
SEVERITIES: tuple[Severity, ...] = ("fel", "varning", "info")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, where it is and what to do about it (docs/utdata.md has its JSON)."""

    code: str
    severity: Severity
    message: str
    file: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    @property
    def location(self) -> str:
        """``vecka.xlsx:2020-v39!H7`` (or as much of it as is known)."""
        place = self.file
        if self.sheet:
            place += f":{self.sheet}"
            if self.cell:
                place += f"!{self.cell}"
            elif self.row:
                place += f" rad {self.row}"
        return place


@dataclass(slots=True)
class Counts:
    fel: int = 0
    varning: int = 0
    info: int = 0


@dataclass(slots=True)
class Report:
    """The result of checking one or more files: valid when there is no finding of severity fel."""

    valid: bool
    counts: Counts
    findings: list[Finding] = field(default_factory=list)

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Report:
        found = list(findings)
        tally = Counter(f.severity for f in found)
        counts = Counts(fel=tally["fel"], varning=tally["varning"], info=tally["info"])
        return cls(valid=tally["fel"] == 0, counts=counts, findings=found)


@dataclass(frozen=True)
class Rule:
    """A rule code with its severity, a short title for the rule table, and the Swedish message.

    ``message`` may hold ``{fields}`` filled by :meth:`finding` (``{field!q}`` quoted for the shell); it says what is
    wrong and how to fix it. A rule reported with two severities (V228: fel when missing, varning when not in the
    list) names the other in ``other_severity``, and its title says when each applies.
    """

    code: str
    severity: Severity
    title: str
    message: str
    other_severity: Severity | None = None

    @property
    def severities(self) -> str:
        """``fel`` or, for a rule reported with two, ``fel/varning``: as ``samrehab rules`` shows it."""
        return f"{self.severity}/{self.other_severity}" if self.other_severity else self.severity

    def finding(self, file: str, *, sheet: str | None = None, cell: str | None = None, row: int | None = None,
                column: str | None = None, value: object = None, severity: Severity | None = None,
                **fields: object) -> Finding:
        """A finding of this rule; its message is filled in from ``fields``, and ``{header}`` names ``column``."""
        assert severity in (None, self.severity, self.other_severity), f"{self.code} is never {severity}"
        return Finding(
            code=self.code, severity=severity or self.severity,
            message=shell.fill(self.message, header=column, **fields),
            file=file, sheet=sheet, cell=cell, row=row, column=column, value=None if value is None else str(value),
        )

    def at(self, file: str, row: Row, key: str, column: str, *, show_value: bool = True,
           severity: Severity | None = None, **fields: object) -> Finding:
        """A finding at ``key``'s cell of a parsed row, ``column`` being its header; the value is the cell's text
        as typed (none with ``show_value=False``)."""
        return self.finding(file, sheet=row.sheet.name, cell=row.ref(key), row=row.number, column=column,
                            value=(row[key].text or None) if show_value else None, severity=severity, **fields)


def summary(counts: Counts) -> str:
    """``Hittade 2 fel och 1 varning.`` / ``Inga fel hittades.``"""
    parts = []
    if counts.fel:
        parts.append(f"{counts.fel} fel")
    if counts.varning:
        parts.append(f"{counts.varning} {'varning' if counts.varning == 1 else 'varningar'}")
    if counts.info:
        parts.append(f"{counts.info} {'notering' if counts.info == 1 else 'noteringar'}")
    if not parts:
        return "Inga fel hittades."
    return f"Hittade {listed(parts, 'och')}."
