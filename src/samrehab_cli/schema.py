"""What the sheets are: every sheet layout, header, allowed value and alias, defined once.

Template, validate, merge, purge and the reports all read this module; adding a column is a change here only.
How a value is read as a person typed it (``ja`` and `` JA `` mean ``Ja``, a date may be a real Excel date or ISO
text) is :mod:`samrehab_cli.sheets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from samrehab_cli.dates import Week

SCHEMA_VERSION = 1
INSTRUCTIONS_SHEET = "Instruktioner"
LISTS_SHEET = "Listor"
PROP_FORBUND = "Samordningsförbund"
PROP_SCHEMA_VERSION = "Schemaversion"
DEFAULT_ROWS_PER_WEEK = 40
YES, NO = "Ja", "Nej"


class Kind(StrEnum):
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

    _by_header: dict[str, Column] = field(init=False, repr=False, compare=False)
    _by_key: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_header", {_fold(c.header): c for c in self.columns})  # frozen: set once here
        object.__setattr__(self, "_by_key", {c.key: c for c in self.columns})

    def by_header(self, header: str) -> Column | None:
        return self._by_header.get(_fold(header))

    def __getitem__(self, key: str) -> Column:
        return self._by_key[key]

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

# --- the registration workbook's week sheet (docs/registreringsfil.md) -------------------------------------------
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

# --- the participant register of the teams (docs/utfall.md) -------------------------------------------------------
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

# --- ORS/SRS measurements (docs/utfall.md) --------------------------------------------------------------------------
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


def serial(week: Week, number: int) -> str:
    """The löpnummer of row ``number`` in ``week``: ``202039-07``."""
    return f"{week.serial_prefix}-{number:02d}"
