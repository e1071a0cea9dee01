"""Rules for rows with ``Samtycke`` = Ja (V220–V243).

Mobile numbers are checked with ``phonenumbers`` and e-mail addresses with ``email-validator`` (no network), through
:mod:`samrehab_cli.registration.contact`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from samrehab_cli.catalog import RULE
from samrehab_cli.findings import Finding
from samrehab_cli.registration import personnummer
from samrehab_cli.registration.contact import likely_domain, valid_emails, valid_mobiles
from samrehab_cli.registration.personnummer import Problem
from samrehab_cli.registration.rules.base import Context, is_present
from samrehab_cli.schema import GROUPS, PAPER_SURVEYS, YES
from samrehab_cli.sheets import Cell

_UNKNOWN = ", med delvis okänt födelsedatum (månad 00 eller dag 60, som Skatteverket skriver det)"
_DATE_PROBLEMS = {
    Problem.NO_DATE: "datumdelen är inget riktigt datum",
    Problem.FUTURE: "födelsedatumet ligger i framtiden",
    Problem.SERIAL_000: "födelsenumret (siffrorna efter datumet) får inte vara 000",
}


def envelope_invalid(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V220
    def invalid(cell: Cell) -> bool:
        return is_present(cell) and not (isinstance(cell.value, int) and cell.value > 0)

    for row in ctx.where("envelope", rows, invalid):
        yield ctx.at(RULE["V220"], row, "envelope")


def personnummer_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V221
    for row in ctx.empty("personnummer", rows):
        yield ctx.at(RULE["V221"], row, "personnummer")


def personnummer_invalid(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V222–V226
    checks = ctx.personnummer
    remarked = {cell for cell, found in checks.items() if found.problem or found.short or found.coordination}
    cells = ctx.cells["personnummer"]
    for row in ctx.rows_with("personnummer", rows, remarked):
        checked = checks[cells[row]]
        if checked.problem is Problem.LENGTH:
            yield ctx.at(RULE["V222"], row, "personnummer")
            continue
        if checked.short:
            yield ctx.at(RULE["V223"], row, "personnummer")
        if checked.problem is Problem.CHECK_DIGIT:
            yield ctx.at(RULE["V224"], row, "personnummer")
        elif checked.problem is not None:
            yield ctx.at(RULE["V225"], row, "personnummer", reason=_DATE_PROBLEMS[checked.problem])
        elif checked.coordination:
            yield ctx.at(RULE["V226"], row, "personnummer", unknown=_UNKNOWN if checked.unknown_date else "")


def name_missing(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V227
    for row in ctx.empty("name", rows):
        yield ctx.at(RULE["V227"], row, "name")


def language_invalid(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V228
    for row in ctx.empty("language", rows):
        yield ctx.at(RULE["V228"], row, "language", problem="Språk saknas.")
    for row in ctx.invalid("language", rows):
        yield ctx.at(RULE["V228"], row, "language", severity="varning", problem="Språket finns inte i listan.")


def email_invalid(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V229
    for row in ctx.failing("email", rows, valid_emails):
        yield ctx.at(RULE["V229"], row, "email")


def email_domain_mistyped(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V232
    """A warning naming the domain most likely meant (hotmail.con → hotmail.com); the address is never changed."""
    def mistyped(cell: Cell) -> bool:
        text = cell.value
        return isinstance(text, str) and "@" in text and likely_domain(text.rpartition("@")[2]) is not None

    cells = ctx.cells["email"]
    for row in ctx.where("email", rows, mistyped):
        domain = str(cells[row].value).rpartition("@")[2]
        yield ctx.at(RULE["V232"], row, "email", domain=domain.strip(), meant=likely_domain(domain))


def mobile_invalid(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V230
    for row in ctx.failing("mobile", rows, valid_mobiles):
        yield ctx.at(RULE["V230"], row, "mobile")


def unreachable(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V231
    for row in ctx.blank("email", ctx.blank("mobile", rows)):
        email, mobile = ctx.cells["email"][row], ctx.cells["mobile"][row]
        if (is_present(email) or is_present(mobile)) and not any(ctx.value(key, row) == YES for key in PAPER_SURVEYS):
            yield ctx.at(RULE["V231"], row, "email" if is_present(email) else "mobile")  # no column: S112 says it


def not_one_group(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V240
    """Exactly one group is Ja (a value that is not Ja or Nej is V241, a missing column S112)."""
    treatment, control = (ctx.cells[key] for key in GROUPS)
    for row in rows:
        chosen = (treatment[row].value == YES) + (control[row].value == YES)
        if chosen != 1 and all(is_present(cell) and not cell.invalid for cell in (treatment[row], control[row])):
            yield ctx.at(RULE["V240"], row, "treatment", seen="båda är Ja" if chosen == 2 else "ingen är Ja")


def group_not_yes_no(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V241
    for key in GROUPS:
        for row in ctx.invalid(key, rows):
            yield ctx.at(RULE["V241"], row, key)


def paper_not_yes(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V242
    for key in PAPER_SURVEYS:
        for row in ctx.invalid(key, rows):
            yield ctx.at(RULE["V242"], row, key)


def contradicts_personnummer(ctx: Context, rows: Sequence[int]) -> Iterator[Finding]:  # V243
    cells = ctx.cells["personnummer"]
    for row in sorted({*ctx.filled("birth_date", rows), *ctx.filled("gender", rows)}):
        if not isinstance(text := cells[row].value, str):
            continue
        checked = ctx.personnummer.get(cells[row]) or personnummer.check(text, ctx.today)  # or plainly valid
        if not checked.valid:
            continue
        born, gender = ctx.value("birth_date", row), ctx.value("gender", row)
        if isinstance(born, dt.date) and not _same_birth(born, checked):
            yield ctx.at(RULE["V243"], row, "birth_date")
        if gender in ("Kvinna", "Man") and gender != checked.gender:
            yield ctx.at(RULE["V243"], row, "gender")


def _same_birth(born: dt.date, checked: personnummer.Checked) -> bool:
    """The birth date agrees with the personnummer's, in the parts it gives (a month 00 or day 60 is unknown)."""
    if checked.born is None:
        return born == checked.birth_date
    year, month, day = checked.born
    return born.year == year and month in (0, born.month) and day in (0, born.day)


CHECKS = (envelope_invalid, personnummer_missing, personnummer_invalid, name_missing, language_invalid,
          email_invalid, email_domain_mistyped, mobile_invalid, unreachable, not_one_group, group_not_yes_no,
          paper_not_yes, contradicts_personnummer)
