"""Contact details: an e-mail address as ``email-validator`` judges it, a mobile number as ``phonenumbers`` does.

Both libraries are slow next to everything else ``validate`` does (about 15 µs an address or number), and a year's
workbook holds a thousand of each, so each check reaches the library's verdict by a shorter road that gives the same
answer (tests compare the two over generated input):

- email-validator accepts a local part (before the @) that matches its own dot-atom pattern without looking at it
  again, except for its length; such an address gets the verdict of ``aaa…@domain`` of the same length, so the
  library is asked once per length and domain. :func:`valid_emails` asks once per domain.
- phonenumbers decides the type of a Swedish number by its metadata's patterns; they are joined here into one
  pattern, applied in the library's order (``_number_type_helper``), where ``number_type`` would look them up again
  for every number. Numbers with + go to ``phonenumbers.parse`` and ``number_type`` unchanged.

``valid_emails`` and ``valid_mobiles`` judge a whole column at once: the common forms are found by one pattern over
all of them (:mod:`samrehab_cli.registration.lines`), and only the rest are judged one by one. Both libraries are
imported on first use: they are slow to import.

A valid address may still be mistyped where it matters most, in its domain (``hotmail.con``, ``gmial.com``):
:func:`likely_domain` names the domain that was most likely meant, for a warning. Nothing is ever rewritten.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from types import ModuleType

from samrehab_cli.registration import lines

REGION = "SE"  # a number written without + is Swedish

#: The e-mail domains most people registered in Sweden use: a domain one or two keystrokes from one of them is most
#: likely a typo of it.
COMMON_DOMAINS = (
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.se", "outlook.com", "outlook.se", "live.se", "live.com",
    "msn.com", "yahoo.com", "yahoo.se", "ymail.com", "icloud.com", "me.com", "mail.com", "email.com", "gmx.com",
    "gmx.se", "aol.com", "telia.com", "spray.se", "bredband.net", "bredband2.com", "comhem.se", "bahnhof.se",
    "tele2.se", "protonmail.com", "proton.me",
)
#: Endings that are no top-level domain at all, and the one that was meant (.com and .se misspelt).
MISTYPED_ENDINGS = {
    "con": "com", "cmo": "com", "ocm": "com", "cpm": "com", "vom": "com", "xom": "com", "comm": "com", "coom": "com",
    "cim": "com", "cm0": "com", "c0m": "com", "sw": "se", "sse": "se", "see": "se", "ses": "se", "s": "se",
    "nett": "net", "nte": "net", "ner": "net",
}


def valid_email(text: str) -> bool:
    """An e-mail address by its syntax (no DNS lookup)."""
    local, at, domain = text.partition("@")
    if at and text.isascii() and _dot_atom()(local):
        text = "a" * len(local) + "@" + domain
    return _email_validator_accepts(text)


def valid_emails(texts: Sequence[str]) -> list[bool]:
    """:func:`valid_email` of each text, the plain addresses judged together by their domain.

    An address is plain when its local part is a dot-atom of at most 64 characters and the rest is printable ASCII.
    email-validator's limits on length are upper bounds, so when it accepts ``a×64@domain`` it accepts every plain
    address at that domain: it is asked once per domain, and only about the other addresses one by one.
    """
    domains = lines.each_line(_plain_addresses(), texts)  # "@domain" of each plain address, "" for any other text
    accepted = {domain for domain in set(domains) if domain and _email_validator_accepts("a" * 64 + domain)}
    return [domain in accepted or valid_email(text) for domain, text in zip(domains, texts, strict=True)]


@lru_cache(maxsize=4096)
def _email_validator_accepts(text: str) -> bool:
    email_validator = _email_validator()
    try:
        email_validator.validate_email(text, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


@lru_cache(maxsize=4096)
def likely_domain(domain: str) -> str | None:
    """The domain that was most likely meant when ``domain`` looks mistyped (``hotmail.con`` → ``hotmail.com``,
    ``gmial.com`` → ``gmail.com``, ``telia.sw`` → ``telia.se``); None for a domain that looks as meant."""
    domain = domain.strip().lower().rstrip(".")
    name, dot, ending = domain.rpartition(".")
    if not dot or domain in COMMON_DOMAINS:
        return None
    ending = MISTYPED_ENDINGS.get(ending, ending)
    meant = f"{_common_name(name, ending) or name}.{ending}"
    return meant if meant != domain else None


def _common_name(name: str, ending: str) -> str | None:
    """The name of a common domain with this ending that ``name`` is one edit from (two for a name of six letters
    or more): a letter wrong, missing or extra, or two letters swapped."""
    near = []
    for common in COMMON_DOMAINS:
        common_name, _, common_ending = common.rpartition(".")
        if common_ending == ending and 0 < (edits := _edits(name, common_name)) <= (2 if len(common_name) >= 6 else 1):
            near.append((edits, common_name))
    return min(near)[1] if near else None


def _edits(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): edits of one letter, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def valid_mobile(text: str) -> bool:
    """A mobile number: Swedish when written without +, else international (a mobile or mobile-or-fixed type)."""
    digits = _without_separators(text)
    if digits.isascii() and digits.isdigit() and digits[:1] == "0" and digits[1:2] not in ("", "0"):
        return _swedish_mobile().fullmatch(digits) is not None  # with the trunk 0, as phonenumbers.parse(text, "SE")
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return False
    kinds = phonenumbers.PhoneNumberType  # UNKNOWN for an invalid number: is_valid_number at half the cost
    return phonenumbers.number_type(number) in (kinds.MOBILE, kinds.FIXED_LINE_OR_MOBILE)


def valid_mobiles(texts: Sequence[str]) -> list[bool]:
    """:func:`valid_mobile` of each text: the Swedish mobile numbers are found among all of them in one pass, and
    only the other texts are looked at one by one."""
    swedish = lines.each_line(_swedish_mobile_lines(), texts, clean=_without_separators)
    return [number != "" or valid_mobile(text) for number, text in zip(swedish, texts, strict=True)]


_TYPED_SEPARATORS = (" ", "-", "(", ")", "/", ".", "\u00a0")  # how people space out a number they type


def _without_separators(text: str) -> str:
    for separator in _TYPED_SEPARATORS:  # str.replace is several times faster than str.translate here
        text = text.replace(separator, "")
    return text


@cache
def _swedish_mobile() -> re.Pattern[str]:
    """A Swedish mobile number written with the trunk 0, in ASCII digits, by phonenumbers' metadata.

    The library's order: the general pattern must match, no special type (premium rate … voicemail) may, and then
    the mobile pattern must (or the fixed-line one, when the two are the same). A type's pattern applies only to the
    lengths it lists, so the three tests are joined into one pattern per length of number, and those into one.
    """
    metadata = _phonenumbers().PhoneMetadata.metadata_for_region(REGION)
    special = [getattr(metadata, name) for name in (
        "premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail")]
    mobile = metadata.fixed_line if metadata.same_mobile_and_fixed_line_pattern else metadata.mobile
    by_length = [pattern for length in range(1, _LONGEST_NUMBER + 1)
                 if (pattern := _one_length(length, metadata.general_desc, special, mobile))]
    return re.compile(rf"0(?=[1-9])(?:{'|'.join(by_length) or '(?!)'})")


@cache
def _swedish_mobile_lines() -> re.Pattern[str]:
    return lines.per_line(_swedish_mobile().pattern)


_LONGEST_NUMBER = 17  # digits in a national number (ITU-T E.164 allows 15 with the country code)


def _one_length(length: int, general: object, special: list[object], mobile: object) -> str | None:
    """A pattern for national numbers of ``length`` ASCII digits: ``general`` matches, none of ``special`` does,
    ``mobile`` does; None when no number of that length can be a mobile number. ``$`` ends the number: a line of
    :func:`valid_mobiles`."""
    matches, excluded, wanted = (_alternatives(descs, length) for descs in ([general], special, [mobile]))
    if matches is None or wanted is None:
        return None
    unless = rf"(?!(?:{excluded})$)" if excluded else ""
    return rf"(?=[0-9]{{{length}}}$)(?=(?:{matches})$){unless}(?:{wanted})"


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
    pattern: re.Pattern[str] = _email_validator().rfc_constants.DOT_ATOM_TEXT
    return pattern.match


@cache
def _plain_addresses() -> re.Pattern[str]:
    """``@domain`` of a line that is a plain address (:func:`valid_emails`)."""
    atext = f"[{_email_validator().rfc_constants.ATEXT}]"
    return lines.per_line("@[ -~]*", before=rf"(?=[^@\n]{{1,64}}@){atext}+(?:\.{atext}+)*")


@cache
def _email_validator() -> ModuleType:
    import email_validator
    import email_validator.rfc_constants

    return email_validator
