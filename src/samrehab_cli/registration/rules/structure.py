"""Rules on the workbook's sheets and a week sheet's headers (docs/registreringsfil.md): S110–S114.

S101–S103 (the file cannot be read, cannot be decrypted, is not encrypted) are found where the file is opened,
in :mod:`samrehab_cli.registration.validate`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence

from samrehab_cli.catalog import RULE
from samrehab_cli.dates import Week, week_from_sheet_name
from samrehab_cli.findings import Finding
from samrehab_cli.schema import INSTRUCTIONS_SHEET, LISTS_SHEET
from samrehab_cli.sheets import ParsedSheet, column_letter


def unknown_sheets(file: str, names: Sequence[str], hidden: Collection[str]) -> Iterator[Finding]:  # S111
    """Every sheet that is neither ``Instruktioner``, a week ``ÅÅÅÅ-vVV`` nor the template's hidden ``Listor``."""
    for name in names:
        known = name == INSTRUCTIONS_SHEET or (name == LISTS_SHEET and name in hidden)
        if not known and week_from_sheet_name(name) is None:
            yield RULE["S111"].finding(file, sheet=name, value=name, name=name)


def no_week_sheet(file: str, weeks: Sequence[Week], wanted: Week | None = None) -> Iterator[Finding]:  # S110
    """No week sheet at all, or (with ``--week``) not the one asked for."""
    if wanted is None and not weeks:
        yield RULE["S110"].finding(file, which="")
    elif wanted is not None and wanted not in weeks:
        yield RULE["S110"].finding(file, value=str(wanted), which=f" för {wanted}")


def missing_headers(file: str, sheet: ParsedSheet) -> Iterator[Finding]:  # S112
    for column in sheet.missing:
        yield RULE["S112"].finding(file, sheet=sheet.name, row=1, column=column.header)


def unknown_headers(file: str, sheet: ParsedSheet) -> Iterator[Finding]:  # S113
    for index, header in sheet.unknown:
        yield RULE["S113"].finding(file, sheet=sheet.name, cell=f"{column_letter(index)}1", row=1, column=header,
                                   value=header)


def duplicate_headers(file: str, sheet: ParsedSheet) -> Iterator[Finding]:  # S114
    for column, indexes in sheet.duplicates:
        first = column_letter(indexes[0])
        for index in indexes[1:]:
            yield RULE["S114"].finding(file, sheet=sheet.name, cell=f"{column_letter(index)}1", row=1,
                                       column=column.header, value=column.header, first=first)


HEADER_CHECKS = (missing_headers, unknown_headers, duplicate_headers)
