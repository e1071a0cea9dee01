"""Rules for rows with ``Samtycke`` = Ja (V220–V243).

Mobile numbers are checked with ``phonenumbers`` and e-mail addresses with ``email-validator`` (no network);
both are slow next to everything else here, so each distinct value is checked once and both are imported lazily.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from types import ModuleType

from samrehab_cli import personnummer
from samrehab_cli.findings import Finding
from samrehab_cli.personnummer import Problem
from samrehab_cli.rules.base import Context, at
from samrehab_cli.rules.catalog import RULE
from samrehab_cli.schema import GROUPS, PAPER_SURVEYS, WEEK, YES, Row

_DATE_PROBLEMS = {
    Problem.NO_DATE: "datumdelen är inget riktigt datum",
    Problem.FUTURE: "födelsedatumet ligger i framtiden",
    Problem.SERIAL_000: "födelsenumret (siffrorna efter datumet) får inte vara 000",
}


def envelope_invalid(ctx: Context, row: Row) -> Iterator[Finding]:  # V220
    envelope = row.value("envelope")
    if "envelope" in ctx.columns and not (isinstance(envelope, int) and envelope > 0):
        yield at(RULE["V220"], ctx, row, "envelope")


def checked_personnummer(ctx: Context, row: Row) -> personnummer.Checked | None:
    text = row.value("personnummer")
    return personnummer.check(text, ctx.today) if isinstance(text, str) else None


def personnummer_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # V221
    if ctx.lacks(row, "personnummer"):
        yield at(RULE["V221"], ctx, row, "personnummer")


def personnummer_invalid(ctx: Context, row: Row) -> Iterator[Finding]:  # V222–V226
    checked = checked_personnummer(ctx, row)
    if checked is None:
        return
    if checked.problem is Problem.LENGTH:
        yield at(RULE["V222"], ctx, row, "personnummer")
        return
    if checked.short:
        yield at(RULE["V223"], ctx, row, "personnummer")
    if checked.problem is Problem.CHECK_DIGIT:
        yield at(RULE["V224"], ctx, row, "personnummer")
    elif checked.problem is not None:
        yield at(RULE["V225"], ctx, row, "personnummer", reason=_DATE_PROBLEMS[checked.problem])
    elif checked.coordination:
        yield at(RULE["V226"], ctx, row, "personnummer")


def name_missing(ctx: Context, row: Row) -> Iterator[Finding]:  # V227
    if ctx.lacks(row, "name"):
        yield at(RULE["V227"], ctx, row, "name")


def language_invalid(ctx: Context, row: Row) -> Iterator[Finding]:  # V228
    if ctx.lacks(row, "language"):
        yield at(RULE["V228"], ctx, row, "language", problem="Språk saknas.")
    elif row["language"].invalid:
        yield at(RULE["V228"], ctx, row, "language", severity="varning", problem="Språket finns inte i listan.")


def email_invalid(ctx: Context, row: Row) -> Iterator[Finding]:  # V229
    text = row.value("email")
    if isinstance(text, str) and not valid_email(text):
        yield at(RULE["V229"], ctx, row, "email")


def mobile_invalid(ctx: Context, row: Row) -> Iterator[Finding]:  # V230
    text = row.value("mobile")
    if isinstance(text, str) and not valid_mobile(text):
        yield at(RULE["V230"], ctx, row, "mobile")


def unreachable(ctx: Context, row: Row) -> Iterator[Finding]:  # V231
    if not {"email", "mobile"} & ctx.columns:
        return  # S112 already says the columns are missing
    if row["email"].empty and row["mobile"].empty and not any(row.value(key) == YES for key in PAPER_SURVEYS):
        yield at(RULE["V231"], ctx, row, "email" if "email" in ctx.columns else "mobile")


def not_one_group(ctx: Context, row: Row) -> Iterator[Finding]:  # V240
    cells = [row[key] for key in GROUPS]
    if any(cell.invalid for cell in cells):
        return  # V241 says what is wrong
    chosen = sum(cell.value == YES for cell in cells)
    if chosen != 1:
        yield at(RULE["V240"], ctx, row, "treatment", seen="båda är Ja" if chosen == 2 else "ingen är Ja")


def group_not_yes_no(ctx: Context, row: Row) -> Iterator[Finding]:  # V241
    for key in GROUPS:
        if row[key].invalid:
            yield at(RULE["V241"], ctx, row, key, header=WEEK[key].header)


def paper_not_yes(ctx: Context, row: Row) -> Iterator[Finding]:  # V242
    for key in PAPER_SURVEYS:
        if row[key].invalid:
            yield at(RULE["V242"], ctx, row, key, header=WEEK[key].header)


def contradicts_personnummer(ctx: Context, row: Row) -> Iterator[Finding]:  # V243
    checked = checked_personnummer(ctx, row)
    if checked is None or not checked.valid:
        return
    born, gender = row.value("birth_date"), row.value("gender")
    if isinstance(born, dt.date) and born != checked.birth_date:
        yield at(RULE["V243"], ctx, row, "birth_date", header=WEEK["birth_date"].header)
    if gender in ("Kvinna", "Man") and gender != checked.gender:
        yield at(RULE["V243"], ctx, row, "gender", header=WEEK["gender"].header)


def check_values_first(rows: Iterable[Row], today: dt.date) -> None:
    """Check each personnummer, e-mail address and mobile number of the consenting rows, one kind at a time.

    The rules then find every answer cached. In a tight loop per kind these checks cost about a third less than
    interleaved with the other rules (tests/benchmarks/test_bench_validate.py), and they are most of the work.
    """
    consenting = [row for row in rows if row.value("consent") == YES]
    for key, checked in (("personnummer", lambda text: personnummer.check(text, today)),
                         ("email", valid_email), ("mobile", valid_mobile)):
        for row in consenting:
            text = row.value(key)
            if isinstance(text, str):
                checked(text)


@lru_cache(maxsize=16384)
def valid_email(text: str) -> bool:
    """An e-mail address by its syntax (no DNS lookup)."""
    email_validator = _email_validator()
    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


_TYPED_SEPARATORS = str.maketrans("", "", " -()/.\u00a0")  # how people space out a number they type


@lru_cache(maxsize=16384)
def valid_mobile(text: str) -> bool:
    """A mobile number: Swedish when written without +, else international (a mobile or mobile-or-fixed type)."""
    phonenumbers = _phonenumbers()
    digits = text.translate(_TYPED_SEPARATORS)
    if digits.isascii() and digits.isdigit() and digits[:1] == "0" and digits[1:2] not in ("", "0"):
        # A Swedish number typed with its leading 0: what phonenumbers.parse(text, "SE") gives, at a third of the
        # cost (tests compare the two).
        number = phonenumbers.PhoneNumber(country_code=46, national_number=int(digits[1:]))
    else:
        try:
            number = phonenumbers.parse(text, "SE")
        except phonenumbers.NumberParseException:
            return False
    # number_type is UNKNOWN for an invalid number, so this is is_valid_number plus the type at half the cost
    kinds = phonenumbers.PhoneNumberType
    return phonenumbers.number_type(number) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)


@cache
def _phonenumbers() -> ModuleType:  # imported on first use: it is slow to import
    import phonenumbers

    return phonenumbers


@cache
def _email_validator() -> ModuleType:  # imported on first use
    """email-validator, with its domain check remembered per domain.

    Checking the domain is over half the cost of an address, and a register's addresses share a few domains
    (gmail.com, telia.com, a municipality's). The check is a pure function of its arguments that returns a
    dict it never changes, so the library's own function is wrapped in a cache where ``validate_email`` looks it
    up; the answers are the library's (a test compares them), only repeated domains are not checked again.
    """
    import importlib
    import sys

    import email_validator

    module = sys.modules.get("email_validator.validate_email") or importlib.import_module(
        "email_validator.validate_email")
    check = getattr(module, "validate_email_domain_name", None)
    if check is not None and not hasattr(check, "cache_info"):
        module.validate_email_domain_name = lru_cache(maxsize=4096)(check)
    return email_validator


CHECKS = (envelope_invalid, personnummer_missing, personnummer_invalid, name_missing, language_invalid,
          email_invalid, mobile_invalid, unreachable, not_one_group, group_not_yes_no, paper_not_yes,
          contradicts_personnummer)
