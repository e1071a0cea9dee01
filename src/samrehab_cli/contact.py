"""Contact details: an e-mail address as ``email-validator`` judges it, a mobile number as ``phonenumbers`` does.

Both libraries are slow next to everything else ``validate`` does (about 15 µs an address or number), and a year's
workbook holds a thousand of each, so each check reaches the library's verdict by a shorter road that gives the same
answer (tests compare the two over generated input):

- email-validator accepts a local part (before the @) that matches its own dot-atom pattern without looking at it
  again, except for its length; such an address gets the verdict of ``aaa…@domain`` of the same length, so the
  library is asked once per length and domain.
- phonenumbers decides the type of a Swedish number by its metadata's patterns; they are compiled once here and
  applied in the library's order (``_number_type_helper``), where ``number_type`` would look them up again for
  every number. Numbers with + go to ``phonenumbers.parse`` and ``number_type`` unchanged.

Both libraries are imported on first use: they are slow to import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from types import ModuleType

REGION = "SE"  # a number written without + is Swedish


def valid_email(text: str) -> bool:
    """An e-mail address by its syntax (no DNS lookup)."""
    local, at, domain = text.partition("@")
    if at and text.isascii() and _dot_atom()(local):
        text = "a" * len(local) + "@" + domain
    return _email_validator_accepts(text)


@lru_cache(maxsize=4096)
def _email_validator_accepts(text: str) -> bool:
    email_validator = _email_validator()
    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


_TYPED_SEPARATORS = (" ", "-", "(", ")", "/", ".", "\u00a0")  # how people space out a number they type


def valid_mobile(text: str) -> bool:
    """A mobile number: Swedish when written without +, else international (a mobile or mobile-or-fixed type)."""
    digits = text
    for separator in _TYPED_SEPARATORS:  # str.replace is several times faster than str.translate here
        digits = digits.replace(separator, "")
    if digits.isascii() and digits.isdigit() and digits[:1] == "0" and digits[1:2] not in ("", "0"):
        return _swedish_mobile()(digits[1:])  # typed with the trunk 0, as phonenumbers.parse(text, "SE") reads it
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return False
    kinds = phonenumbers.PhoneNumberType  # UNKNOWN for an invalid number: is_valid_number at half the cost
    return phonenumbers.number_type(number) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)


@cache
def _swedish_mobile() -> Callable[[str], bool]:
    """Whether a Swedish national number (digits after the trunk 0) is of a mobile type, by phonenumbers' metadata.

    The library's order: the general pattern must match, no special type (premium rate … voicemail) may, and then
    the mobile pattern must (or the fixed-line one, when the two are the same). A type's pattern applies only to the
    lengths it lists, so the three tests are joined into one pattern per length of number.
    """
    metadata = _phonenumbers().PhoneMetadata.metadata_for_region(REGION)
    special = [getattr(metadata, name) for name in (
        "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail")]
    mobile = metadata.fixed_line if metadata.same_mobile_and_fixed_line_pattern else metadata.mobile
    by_length: dict[int, Callable[[str], object]] = {}

    def is_mobile(national: str) -> bool:
        match = by_length.get(len(national))
        if match is None:
            match = by_length[len(national)] = _one_pattern(len(national), metadata.general_desc, special, mobile)
        return match(national) is not None

    return is_mobile


def _one_pattern(length: int, general: object, special: list[object], mobile: object) -> Callable[[str], object]:
    """A full match for numbers of ``length`` digits: ``general`` matches, none of ``special`` does, ``mobile`` does."""
    matches, excluded, wanted = (_alternatives(descs, length) for descs in ([general], special, [mobile]))
    if matches is None or wanted is None:
        return lambda national: None
    unless = rf"(?!(?:{excluded})\Z)" if excluded else ""
    return re.compile(rf"(?=(?:{matches})\Z){unless}(?:{wanted})").fullmatch


def _alternatives(descs: list[object], length: int) -> str | None:
    """The patterns of the descs that apply to numbers of ``length`` digits, as one alternation; None when none do.

    As phonenumbers matches a desc: only when the desc lists no lengths or lists this one, and the whole number."""
    patterns = []
    for desc in descs:
        pattern, lengths = getattr(desc, "national_number_pattern", None), getattr(desc, "possible_length", None)
        if pattern and (not lengths or length in lengths):
            patterns.append(f"(?:{pattern})")
    return "|".join(patterns) or None


@cache
def _phonenumbers() -> ModuleType:
    import phonenumbers

    return phonenumbers


@cache
def _dot_atom() -> Callable[[str], object]:
    """email-validator's own pattern for a plain local part (ASCII letters, digits, ``!#$%&'*+-/=?^_`{|}~`` and
    single dots between them)."""
    return _email_validator().rfc_constants.DOT_ATOM_TEXT.match


@cache
def _email_validator() -> ModuleType:
    import email_validator
    import email_validator.rfc_constants

    return email_validator
