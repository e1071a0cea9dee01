"""Swedish personnummer and samordningsnummer (docs/registreringsfil.md): normalise to 12 digits, say what is wrong.

A samordningsnummer may carry a partly unknown birth date, as Skatteverket issues them: month ``00``, or day ``60``
(day ``00`` + 60), as in its test numbers 191500722390 and 191711602399. Such a number is valid; its birth date is
unknown (``birth_date`` None) and only its known parts are in ``born`` (0 for an unknown month or day).

``check(text, today)`` is pure: today's date is passed in. Each reason for refusal is its own :class:`Problem`,
so the rules can give each its own code (V222, V224, V225) and a message that says how to fix it. ``plain(texts,
today)`` picks out, all at once, the numbers that ``check`` would find valid with nothing to remark: most of a
workbook's, so that only the rest are checked one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Literal, NamedTuple

from samrehab_cli.registration import lines

COORDINATION_OFFSET = 60  # a samordningsnummer has day + 60 (61–91; 60 when the day is unknown)
_REMOVED = str.maketrans("", "", "-+ \t\u00a0")


class Problem(StrEnum):
    LENGTH = "length"  # not 10 or 12 digits (V222)
    CHECK_DIGIT = "check_digit"  # Luhn check digit wrong (V224)
    NO_DATE = "no_date"  # the date part is not a real date (V225)
    FUTURE = "future"  # the date part is after today (V225)
    SERIAL_000 = "serial_000"  # the serial number is 000 (V225)


class Checked(NamedTuple):
    """The result of checking one personnummer as typed (a tuple: made fast, for a register's thousands)."""

    digits: str | None  # the normalised 12 digits; None when the input is not 10 or 12 digits
    short: bool  # given with 10 digits (the century was inferred)
    problem: Problem | None
    coordination: bool  # a samordningsnummer (day + 60)
    birth_date: dt.date | None  # the real date of birth (day − 60 for a samordningsnummer), when it is known
    gender: Literal["Kvinna", "Man"] | None
    born: tuple[int, int, int] | None = None  # a partly unknown birth date: (year, month or 0, day or 0)

    @property
    def valid(self) -> bool:
        return self.problem is None

    @property
    def unknown_date(self) -> bool:
        """A samordningsnummer whose birth date is partly unknown (month 00 or day 60)."""
        return self.born is not None


_LENGTH = Checked(None, False, Problem.LENGTH, False, None, None)
_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")  # the digit sum of twice a digit: 7 → 14 → 1 + 4 = 5


def luhn(digits: str) -> int:
    """The check digit for ``digits``, ASCII digits only (weights 2, 1, 2, …; mod 10)."""
    codes = digits.encode()
    return -(_luhn_sum(codes) - 48 * len(codes)) % 10


def _luhn_sum(codes: bytes) -> int:
    """The weighted digit sum of ASCII digits, summed in C, plus 48 (the code of "0") for each digit."""
    return sum(codes[::2].translate(_DOUBLED)) + sum(codes[1::2])


def check(text: str, today: dt.date) -> Checked:
    """Check a personnummer as a person typed it: 12 digits, or 10 with the century inferred.

    ``-``, ``+`` and spaces are removed. A 10-digit number's century is the latest that puts the birth date on or
    before ``today``, or 100 years before that when it was written with ``+`` (100 years or older).
    """
    digits = text if text.isdigit() else text.strip().translate(_REMOVED)  # most are typed as 12 digits
    if len(digits) not in (10, 12) or not digits.isascii() or not digits.isdigit():
        return _LENGTH
    short = len(digits) == 10
    if short:
        digits = _century(digits, centenarian="+" in text, today=today) + digits
    codes = digits.encode()  # ASCII codes: a digit is its code less 48, read without int() (a year holds thousands)
    year, month, day = int(digits[:4]), codes[4] * 10 + codes[5] - 528, codes[6] * 10 + codes[7] - 528
    coordination = day >= COORDINATION_OFFSET
    if coordination:
        day -= COORDINATION_OFFSET
    partial = (year, month, day) if coordination and 0 in (month, day) and month <= 12 and day <= 31 else None
    born = _date(year, month, day) if partial is None else None
    earliest = born or (_date(year, month or 1, day or 1) if partial else None)  # for a date after today
    problem = None
    if (_luhn_sum(codes[2:11]) + codes[11]) % 10:  # with its check digit the sum is a multiple of 10 (and 10 × 48)
        problem = Problem.CHECK_DIGIT
    elif earliest is None:
        problem = Problem.NO_DATE
    elif earliest > today:
        problem = Problem.FUTURE
    elif digits[8:11] == "000":
        problem = Problem.SERIAL_000
    gender: Literal["Kvinna", "Man"] = "Man" if codes[10] % 2 else "Kvinna"  # 48 is even
    return Checked(digits, short, problem, coordination, born, gender, partial)


#: 12 ASCII digits that are a real date whenever the check digit is right: born 1800–2099 on the 1st–28th of a
#: month (not a samordningsnummer), with a serial number other than 000.
_PLAIN = lines.per_line(r"(?:1[89]|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|1[0-9]|2[0-8])(?!000)[0-9]{4}")
_DIGIT = bytes.maketrans(b"0123456789", bytes(range(10)))
_DOUBLED_DIGIT = bytes.maketrans(b"0123456789", bytes([0, 2, 4, 6, 8, 1, 3, 5, 7, 9]))  # digit sum of twice it
_LUHN_WRONG = bytes(value % 10 != 0 for value in range(256))


def plain(texts: Sequence[str], today: dt.date) -> list[bool]:
    """For each text, whether it is plainly valid: :func:`check` would find nothing wrong and nothing to remark
    (12 digits as typed, an ordinary personnummer, born on or before ``today``).

    Checked together, in C, for the thousands of a year's workbook: a text of :data:`_PLAIN`'s shape is a real
    date, and the check digits of all of them are summed at once, digit position by position, as the bytes of one
    large integer (a byte's sum of ten digits is at most 90, so it never carries into the next). False says only
    that :func:`check` must look: a number born on the 29th–31st, say, is left to it.
    """
    shaped = lines.each_line(_PLAIN, texts)
    candidates = list(filter(None, shaped))
    if not candidates:
        return [False] * len(texts)
    codes = "".join(candidates).encode()
    total = sum(int.from_bytes(codes[position::12].translate(_DOUBLED_DIGIT if position % 2 == 0 else _DIGIT))
                for position in range(2, 12))  # weights 2, 1, 2, … from the third digit; the check digit last
    wrong = total.to_bytes(len(candidates)).translate(_LUHN_WRONG)
    latest = f"{today:%Y%m%d}9999"  # born after today: a higher text than this
    good = iter([not flag and text <= latest for flag, text in zip(wrong, candidates, strict=True)])
    return [text != "" and next(good) for text in shaped]


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _century(ten: str, *, centenarian: bool, today: dt.date) -> str:
    """The two century digits for a 10-digit number ``ÅÅMMDDNNNC``."""
    latest = today.year - 100 if centenarian else today.year
    year = latest - (latest - int(ten[:2])) % 100
    month, day = int(ten[2:4]), int(ten[4:6])
    if day >= COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    if year == latest and (month, day) > (today.month, today.day):  # not born yet this year: a century earlier
        year -= 100
    return f"{year // 100:02d}"
