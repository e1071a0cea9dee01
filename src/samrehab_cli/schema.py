"""Every sheet layout, header, allowed value and alias, defined once.

Template, validate, merge, purge and the reports all read this module; adding a column is a change here only.
Values are read as a person typed them (SPEC §2.2): ``ja`` and `` JA `` mean ``Ja``, a date may be a real Excel
date or ISO text, a personnummer stored as a number is read as its digits.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cached_property

from samrehab_cli.dates import Week, week_from_sheet_name

SCHEMA_VERSION = 1
INSTRUCTIONS_SHEET = "Instruktioner"
LISTS_SHEET = "Listor"
PROP_FORBUND = "Samordningsförbund"
PROP_SCHEMA_VERSION = "Schemaversion"
DEFAULT_ROWS_PER_WEEK = 40
YES, NO = "Ja", "Nej"


class Kind(str, Enum):
    TEXT = "text"
    SERIAL = "löpnummer"
    DATE = "datum"
    CHOICE = "val"
    INTEGER = "heltal"
    NUMBER = "tal"
    PERSONNUMMER = "personnummer"
    EMAIL = "e-post"
    PHONE = "mobilnummer"


@dataclass(frozen=True)
class Column:
    key: str  # English identifier used in code and JSON
    header: str  # Swedish header, exactly as in the template
    kind: Kind
    help: str  # one Swedish sentence for the instructions sheet
    choices: tuple[str, ...] = ()
    aliases: dict[str, str] = field(default_factory=dict)
    width: int = 14
    required: bool = True  # the header must be present (S112)

    def canonical(self, text: str) -> str | None:
        """The allowed value ``text`` means (case and spaces ignored), or None."""
        return self._meanings.get(_fold(text))

    @cached_property
    def _meanings(self) -> dict[str, str]:
        """Each choice and alias, folded, to the allowed value it means (a choice wins over an alias)."""
        meanings = {_fold(alias): choice for alias, choice in self.aliases.items()}
        meanings.update({_fold(choice): choice for choice in self.choices})
        return meanings


@dataclass(frozen=True)
class SheetSchema:
    name: str
    columns: tuple[Column, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_header", {_fold(c.header): c for c in self.columns})
        object.__setattr__(self, "_by_key", {c.key: c for c in self.columns})

    def by_header(self, header: str) -> Column | None:
        return self._by_header.get(_fold(header))  # type: ignore[attr-defined]

    def __getitem__(self, key: str) -> Column:
        return self._by_key[key]  # type: ignore[attr-defined]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


GENDERS = ("Kvinna", "Man", "Annat")
LANGUAGES = (
    "Svenska", "Engelska", "Arabiska", "Somaliska", "Tigrinja", "Dari", "Persiska", "Kurdiska", "Polska",
    "Bosniska/Kroatiska/Serbiska", "Finska", "Spanska", "Annat",
)
REFERRERS = ("Arbetsförmedlingen", "Försäkringskassan", "Kommunen", "Regionen", "Annan")
_GENDER_ALIASES = {"K": "Kvinna", "M": "Man"}

# --- the registration workbook's week sheet (SPEC §2.2) ----------------------------------------------------------
WEEK = SheetSchema(
    "veckoblad",
    (
        Column("serial", "Löpnummer", Kind.SERIAL, "Fylls i av mallen (ÅÅÅÅVV-NN). Skriv aldrig om den.", width=12),
        Column("meeting_date", "Datum informationsmöte", Kind.DATE, "Datum för informationsmötet (ÅÅÅÅ-MM-DD).",
               width=14),
        Column("consent", "Samtycke", Kind.CHOICE, "Ja om personen samtycker, annars Nej.", (YES, NO), width=10),
        Column("consent_date", "Datum samtycke", Kind.DATE,
               "Frivilligt: datum då den underskrivna samtyckesblanketten kom tillbaka.", width=14, required=False),
        Column("birth_date", "Födelsedatum", Kind.DATE, "Bara vid Nej: födelsedatum (ÅÅÅÅ-MM-DD).", width=13),
        Column("gender", "Kön", Kind.CHOICE, "Bara vid Nej: Kvinna, Man eller Annat.", GENDERS, _GENDER_ALIASES,
               width=9),
        Column("envelope", "Kuvertnummer", Kind.INTEGER, "Vid Ja: numret på kuvertet.", width=14),
        Column("personnummer", "Personnummer", Kind.PERSONNUMMER, "Vid Ja: personnummer med 12 siffror.", width=15),
        Column("name", "Namn", Kind.TEXT, "Vid Ja: för- och efternamn.", width=24),
        Column("language", "Språk", Kind.CHOICE, "Vid Ja: språk, välj i listan.", LANGUAGES, width=14),
        Column("email", "E-post", Kind.EMAIL, "Vid Ja: e-postadress.", width=26),
        Column("mobile", "Mobilnummer", Kind.PHONE, "Vid Ja: mobilnummer (utländska med +).", width=15),
        Column("referrer", "Remittent", Kind.CHOICE, "Frivilligt: vem som remitterade personen.", REFERRERS,
               width=18, required=False),
        Column("treatment", "Behandlingsgrupp", Kind.CHOICE, "Vid Ja: Ja om personen hamnar i behandlingsgruppen.",
               (YES, NO), width=10),
        Column("control", "Kontrollgrupp", Kind.CHOICE, "Vid Ja: Ja om personen hamnar i kontrollgruppen.",
               (YES, NO), width=10),
        Column("paper_start", "Pappersenkät start", Kind.CHOICE, "Ja om startenkäten ska besvaras på papper.",
               (YES,), width=10, required=False),
        Column("paper_6m", "Pappersenkät 6 mån", Kind.CHOICE, "Ja om 6-månadersenkäten ska besvaras på papper.",
               (YES,), width=10, required=False),
        Column("paper_12m", "Pappersenkät 12 mån", Kind.CHOICE, "Ja om 12-månadersenkäten ska besvaras på papper.",
               (YES,), width=10, required=False),
        Column("comment", "Kommentar", Kind.TEXT, "Frivilligt: fritext.", width=30, required=False),
    ),
)
IDENTIFYING = ("envelope", "personnummer", "name", "email", "mobile")  # never on a row without consent (V212)
GROUPS = ("treatment", "control")
PAPER_SURVEYS = ("paper_start", "paper_6m", "paper_12m")

# --- the participant register of the teams (SPEC §5.1) ------------------------------------------------------------
EXIT_REASONS = (
    "Arbete", "Studier", "Annan arbetslivsinriktad rehabilitering", "Medicinsk rehabilitering", "Sjukersättning",
    "Annat",
)
LABOUR_SUPPORTS = (
    "Utan stöd", "Lönebidrag", "Lönestöd", "Extratjänst", "Nystartsjobb", "Introduktionsjobb", "Skyddat arbete",
    "Annat stöd",
)
PARTICIPANTS = SheetSchema(
    "deltagarregister",
    (
        Column("participant_id", "Deltagar-ID", Kind.TEXT, "Unikt id för deltagaren."),
        Column("team", "Team", Kind.TEXT, "Teamet, till exempel Avesta, Hedemora eller Säter."),
        Column("gender", "Kön", Kind.CHOICE, "Kvinna, Man eller Annat.", GENDERS, _GENDER_ALIASES),
        Column("start", "Inskrivningsdatum", Kind.DATE, "Datum för inskrivning."),
        Column("end", "Avslutsdatum", Kind.DATE, "Datum för avslut; tomt så länge deltagaren är aktiv."),
        Column("exit_reason", "Avslutsorsak", Kind.CHOICE, "Vad deltagaren gick vidare till.", EXIT_REASONS),
        Column("labour_support", "Arbetsmarknadsstöd", Kind.CHOICE, "Vid Arbete: med vilket stöd.",
               LABOUR_SUPPORTS, required=False),
        Column("years_without_work", "År utan arbete eller studier", Kind.NUMBER,
               "År utan arbete eller studier före inskrivningen (decimaltal)."),
        Column("comment", "Kommentar", Kind.TEXT, "Vad som döljer sig bakom Annat.", required=False),
    ),
)

# --- ORS/SRS measurements (SPEC §5.4) -------------------------------------------------------------------------------
ORS_SHEET = "ORS"
ORS = SheetSchema(
    "ORS",
    (
        Column("participant_id", "Deltagar-ID", Kind.TEXT, "Deltagarens id i deltagarregistret."),
        Column("date", "Datum", Kind.DATE, "Datum för mätningen."),
        Column("ors", "ORS", Kind.NUMBER, "ORS-poäng 0–40 (högst en decimal)."),
        Column("srs", "SRS", Kind.NUMBER, "SRS-poäng 0–40 (högst en decimal); redovisas aldrig.", required=False),
    ),
)


# --- reading values as typed -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: ``raw`` as the workbook holds it (None when empty), ``value`` typed (None when empty or unreadable)."""

    raw: object
    value: object

    @property
    def empty(self) -> bool:
        return self.raw is None

    @property
    def invalid(self) -> bool:
        return self.raw is not None and self.value is None

    @property
    def text(self) -> str:
        """The raw value as text, for messages and findings."""
        return "" if self.raw is None else as_text(self.raw)


EMPTY = Cell(None, None)


def as_text(raw: object) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def read_date(raw: object) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        for parse in (dt.date.fromisoformat, lambda t: dt.datetime.fromisoformat(t).date()):
            try:
                return parse(text)
            except ValueError:
                continue
    return None


_INTEGER_TEXT = re.compile(r"^[+-]?\d+$")


def read_integer(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and _INTEGER_TEXT.match(raw.strip()):
        return int(raw.strip())
    return None


def read_number(raw: object) -> Decimal | None:
    """A decimal number, exactly as typed: 5.6 stays 5.6 (never a binary float); ``5,6`` is read too."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        text = repr(float(raw)) if isinstance(raw, float) else str(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", ".").replace("\u2212", "-")
    else:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def read_cell(column: Column, raw: object) -> Cell:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return EMPTY
    kind = column.kind
    value: object
    if kind is Kind.DATE:
        value = read_date(raw)
    elif kind is Kind.CHOICE:
        value = column.canonical(as_text(raw))
    elif kind is Kind.INTEGER:
        value = read_integer(raw)
    elif kind is Kind.NUMBER:
        value = read_number(raw)
    else:  # text-like: text, löpnummer, personnummer, e-post, mobilnummer
        value = as_text(raw)
    return Cell(raw, value)


# --- sheets -----------------------------------------------------------------------------------------------------
def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(slots=True)
class Row:
    sheet: str
    number: int  # the Excel row number, 1-based
    cells: dict[str, Cell]
    letters: dict[str, str]  # column key → column letter

    def __getitem__(self, key: str) -> Cell:
        return self.cells.get(key, EMPTY)

    def value(self, key: str) -> object:
        return self[key].value

    def ref(self, key: str) -> str | None:
        letter = self.letters.get(key)
        return None if letter is None else f"{letter}{self.number}"


@dataclass
class ParsedSheet:
    name: str
    schema: SheetSchema
    columns: dict[str, int]  # column key → 0-based index of the first column with that header
    missing: list[Column]  # required headers not found (S112)
    unknown: list[tuple[int, str]]  # (index, header) of headers not in the schema (S113)
    duplicates: list[tuple[Column, list[int]]]  # the same header twice (S114)
    rows: list[Row]  # non-empty data rows

    @property
    def week(self) -> Week | None:
        return week_from_sheet_name(self.name)


def parse_sheet(schema: SheetSchema, name: str, rows: Sequence[Sequence[object]],
                skip_empty: Iterable[str] = ("serial",)) -> ParsedSheet:
    """Find the columns by header text in row 1, then read every non-empty data row.

    A row is empty when every column other than those in ``skip_empty`` is empty (a pre-filled löpnummer alone
    does not make a row).
    """
    header_row = rows[0] if rows else []
    positions: dict[str, list[int]] = {}
    unknown: list[tuple[int, str]] = []
    for index, raw in enumerate(header_row):
        if raw is None or not as_text(raw):
            continue
        column = schema.by_header(as_text(raw))
        if column is None:
            unknown.append((index, as_text(raw)))
        else:
            positions.setdefault(column.key, []).append(index)
    columns = {key: found[0] for key, found in positions.items()}
    missing = [c for c in schema.columns if c.required and c.key not in columns]
    duplicates = [(schema[key], found) for key, found in positions.items() if len(found) > 1]
    letters = {key: column_letter(index) for key, index in columns.items()}
    ignore = set(skip_empty)
    parsed_rows: list[Row] = []
    readers = [(key, index, schema[key]) for key, index in columns.items()]
    known: dict[tuple[str, type, object], Cell] = {}  # a value typed again (Ja, a date, a language) is read once
    ignored_at = [index for key, index in columns.items() if key in ignore]
    for offset, values in enumerate(rows[1:], start=2):
        width = len(values)
        filled = width - values.count(None)  # counted in C: most rows of a template hold a löpnummer only
        if filled <= len(ignored_at) and filled == sum([index < width and values[index] is not None
                                                        for index in ignored_at]):
            continue
        cells: dict[str, Cell] = {}
        for key, index, column in readers:
            raw = values[index] if index < width else None
            if raw is not None:
                try:
                    cell = known.get(memo := (key, type(raw), raw))
                    if cell is None:
                        cell = known[memo] = read_cell(column, raw)
                except TypeError:  # an unhashable value: never from a workbook, but a caller may pass one
                    cell = read_cell(column, raw)
                if not cell.empty:
                    cells[key] = cell
        if any(key not in ignore for key in cells):
            parsed_rows.append(Row(name, offset, cells, letters))
    return ParsedSheet(name, schema, columns, missing, unknown, duplicates, parsed_rows)


def serial(week: Week, number: int) -> str:
    """The löpnummer of row ``number`` in ``week``: ``202039-07``."""
    return f"{week.serial_prefix}-{number:02d}"
