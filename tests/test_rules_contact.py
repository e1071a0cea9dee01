"""Mobile numbers and e-mail addresses (V229, V230): phonenumbers and email-validator, each reached by a shorter road
(samrehab_cli.registration.contact) that must give the library's own answer."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.registration import contact
from samrehab_cli.registration.contact import valid_email, valid_mobile


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


SEPARATORS = st.sampled_from(["", " ", "-", "/", ".", "(", ")", "\u00a0"])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.text("0123456789", min_size=1, max_size=4), SEPARATORS), min_size=1, max_size=5),
       st.sampled_from(["0", "07", "070", "08", "00", ""]))
def test_fast_path_agrees_with_phonenumbers_parse(parts: list[tuple[str, str]], prefix: str) -> None:
    text = prefix + "".join(digits + sep for digits, sep in parts).strip(" -/")
    assert valid_mobile(text) == _slow(text), text


def test_swedish_patterns_agree_with_number_type_for_every_prefix() -> None:
    """Every three-digit start of a Swedish national number, at every length phonenumbers knows of (5–13 digits)."""
    kinds = phonenumbers.PhoneNumberType
    tail = "7305918264" * 2
    disagree = []
    for start in range(100, 1000):
        for length in range(5, 14):
            national = (str(start) + tail)[:length]
            number = phonenumbers.PhoneNumber(country_code=46, national_number=int(national))
            expected = phonenumbers.number_type(number) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)
            if (contact._swedish_mobile().fullmatch("0" + national) is not None) != expected:
                disagree.append(national)
    assert disagree == []


@settings(max_examples=1000, deadline=None)
@given(st.text("0123456789", min_size=4, max_size=13))
def test_swedish_patterns_agree_with_number_type(national: str) -> None:
    national = "7" + national.lstrip("0")  # a national number never starts with 0; most typed ones are mobile
    kinds = phonenumbers.PhoneNumberType
    number = phonenumbers.PhoneNumber(country_code=46, national_number=int(national))
    assert (contact._swedish_mobile().fullmatch("0" + national) is not None) == (
        phonenumbers.number_type(number) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE))


ADDRESSES = ["anna@example.se", "Anna.Berg@Telia.COM", "x@gmail.com", "anna@@example.se", "anna@", "@example.se",
             "anna@example", "anna@exa mple.se", "anna@-example.se", "anna@example..se", "åsa@exämple.se",
             "anna@xn--exmple-cua.se", "anna@[127.0.0.1]", "anna@localhost", "anna@example.invalid",
             "info@example.se", "a" * 64 + "@example.se", "a" * 65 + "@example.se", "a" * 240 + "@example.se",
             "anna.@example.se", ".anna@example.se", "an..na@example.se", '"anna"@example.se', "anna@example.se.",
             "Anna <anna@example.se>", "anna@exa\u0338mple.se", "a\u0301nna@example.se"]


def _library_says(text: str) -> bool:
    import email_validator

    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


def test_email_gives_the_librarys_answers() -> None:
    assert [valid_email(text) for text in ADDRESSES] == [_library_says(text) for text in ADDRESSES]


_LOCAL = st.text("abcXYZ019._+-!#$%&'*/=?^`{|}~ \"@<>,;åé", max_size=70)
_DOMAIN = st.sampled_from(["example.se", "telia.com", "gmail.com", "EXAMPLE.SE", "example", "exämple.se", "-x.se",
                           "example..se", "[127.0.0.1]", "localhost", "x" * 64 + ".se", "a@b.se", "", "ex ample.se",
                           "sub.domain.kommun.se", "example.invalid", "xn--exmple-cua.se"])


@settings(max_examples=1500, deadline=None)
@given(_LOCAL, _DOMAIN)
def test_email_agrees_with_email_validator(local: str, domain: str) -> None:
    text = f"{local}@{domain}"
    assert valid_email(text) == _library_says(text), text


def test_email_asks_the_library_once_per_length_and_domain() -> None:
    contact._email_validator_accepts.cache_clear()
    addresses = [f"person.{n:03d}@{domain}" for n in range(200) for domain in ("gmail.com", "telia.com")]
    assert all(valid_email(text) for text in addresses)
    assert contact._email_validator_accepts.cache_info().misses == 2


_LONG_DOMAIN = ".".join(["x" * 63] * 3) + ".com"  # 195 characters: a×64 before it is too long, a short name is not


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.builds("{}@{}".format, _LOCAL, _DOMAIN), st.sampled_from(ADDRESSES),
                          st.sampled_from([name + "@" + _LONG_DOMAIN for name in ("ab", "p" * 60, "a" * 70)]),
                          st.sampled_from(["rad\nbrytning@example.se", "", "\n", "anna@example.se\n"])), max_size=12))
def test_emails_together_give_the_librarys_answers(texts: list[str]) -> None:
    assert contact.valid_emails(texts) == [_library_says(text) for text in texts], texts


def test_emails_together_ask_the_library_once_per_domain() -> None:
    contact._email_validator_accepts.cache_clear()
    addresses = [f"{'p' * (n % 60 + 1)}.{n}@{domain}" for n in range(200) for domain in ("gmail.com", "telia.com")]
    assert all(contact.valid_emails(addresses))
    assert contact._email_validator_accepts.cache_info().misses == 2


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.builds(lambda prefix, parts: prefix + "".join(digits + sep for digits, sep in parts),
              st.sampled_from(["0", "07", "070", "08", "00", "+46 ", "+358 ", ""]),
              st.lists(st.tuples(st.text("0123456789", min_size=1, max_size=4), SEPARATORS), min_size=1, max_size=5)),
    st.sampled_from(["070-123 45 67", "ring mig", "07O-123 45 67", "070\n1234567", "０７０１２３４５６７", "", "-",
                     " - ", "070-123 45 67\n"])), max_size=12))
def test_mobiles_together_give_the_librarys_answers(texts: list[str]) -> None:
    assert contact.valid_mobiles(texts) == [_slow(text) for text in texts], texts


@pytest.mark.parametrize(("domain", "meant"), [
    ("hotmail.con", "hotmail.com"), ("gmial.com", "gmail.com"), ("gamil.com", "gmail.com"),
    ("hotmial.se", "hotmail.se"), ("outlok.com", "outlook.com"), ("yaho.se", "yahoo.se"), ("telia.sw", "telia.se"),
    ("Hotmail.COM ", None), ("exempel.cmo", "exempel.com"), ("foretag.sse", "foretag.se"), ("me.con", "me.com"),
    ("gmail.com", None), ("mail.com", None), ("ymail.com", None), ("hotmail.de", None), ("hedemora.se", None),
    ("student.uu.se", None), ("localhost", None), ("", None),
])
def test_a_mistyped_domain_names_the_one_meant(domain: str, meant: str | None) -> None:
    assert contact.likely_domain(domain) == meant
