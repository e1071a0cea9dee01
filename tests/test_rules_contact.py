"""Mobile numbers and e-mail addresses (V229, V230): phonenumbers and email-validator, with a fast path checked
against the library's own parsing."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.rules.consent import valid_email, valid_mobile


@pytest.mark.parametrize(("text", "valid"), [
    ("070-123 45 67", True),
    ("0701234567", True),
    ("(076) 123 45 67", True),
    ("+46 70 123 45 67", True),
    ("0046 70 123 45 67", True),
    ("+358 40 123 4567", True),  # Finnish mobile
    ("+1 650 253 0000", True),  # US numbers are mobile-or-fixed
    ("701234567", True),  # Excel dropped the leading zero of a number cell
    ("08-123 456 78", False),  # Stockholm landline
    ("070-123", False),
    ("07O-123 45 67", False),  # letter O
    ("ring mig", False),
    ("+46 8 123 456 78", False),
])
def test_mobile(text: str, valid: bool) -> None:
    assert valid_mobile(text) is valid


@pytest.mark.parametrize(("text", "valid"), [
    ("anna@example.se", True),
    ("anna.andersson+isf@example.se", True),
    ("åsa@exempel.se", True),
    ("anna@", False),
    ("anna@example", False),
    ("anna andersson@example.se", False),
    ("anna@@example.se", False),
    ("Anna <anna@example.se>", False),
])
def test_email(text: str, valid: bool) -> None:
    assert valid_email(text) is valid


def _slow(text: str) -> bool:
    try:
        number = phonenumbers.parse(text, "SE")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.text("0123456789", min_size=1, max_size=4), st.sampled_from(["", " ", "-", "/"])),
                min_size=1, max_size=5),
       st.sampled_from(["0", "07", "070", "08", "00", ""]))
def test_fast_path_agrees_with_phonenumbers_parse(parts: list[tuple[str, str]], prefix: str) -> None:
    text = prefix + "".join(digits + sep for digits, sep in parts).strip(" -/")
    valid_mobile.cache_clear()
    assert valid_mobile(text) == _slow(text), text


ADDRESSES = ["anna@example.se", "Anna.Berg@Telia.COM", "x@gmail.com", "anna@@example.se", "anna@", "@example.se",
             "anna@example", "anna@exa mple.se", "anna@-example.se", "anna@example..se", "åsa@exämple.se",
             "anna@xn--exmple-cua.se", "anna@[127.0.0.1]", "anna@localhost", "anna@example.invalid"]


def test_the_domain_cache_gives_the_librarys_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """valid_email remembers email-validator's domain check per domain; it must answer as the plain library does."""
    import sys

    import email_validator

    valid_email("warm@example.se")  # installs the cache
    module = sys.modules["email_validator.validate_email"]
    cached = [valid_email.__wrapped__(text) for text in ADDRESSES * 2]  # twice: the second round hits the cache
    assert module.validate_email_domain_name.cache_info().hits > 0
    monkeypatch.setattr(module, "validate_email_domain_name", module.validate_email_domain_name.__wrapped__)

    def plain(text: str) -> bool:
        try:
            email_validator.validate_email(text, check_deliverability=False)
        except email_validator.EmailNotValidError:
            return False
        return True

    assert cached == [plain(text) for text in ADDRESSES * 2]
    assert cached[:3] == [True, True, True] and cached[3:6] == [False, False, False]
