"""The row rules' test cases, shared by the library tests (plain rows) and the CLI tests (real workbooks).

A case is rows (keyed by schema key; None empties a cell) on one week tab, and where its code must be found. Each
row gets its own löpnummer, kuvertnummer and personnummer unless the case sets them, so the cases can share one
workbook without tripping the rules between rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from samrehab_cli import schema, sheets
from samrehab_cli.dates import parse_week
from samrehab_cli.findings import Finding
from samrehab_cli.registration.personnummer import luhn
from samrehab_cli.registration.rules import check as rules
from samrehab_cli.schema import WEEK
from samrehab_cli.sheets import parse_sheets

TODAY = dt.date(2020, 12, 31)
WEEK_39 = "2020-v39"


def pnr(born: dt.date, serial: int = 123, coordination: bool = False, wrong_check: bool = False) -> str:
    """A personnummer (12 digits) with a correct check digit, or a wrong one."""
    day = born.day + (60 if coordination else 0)
    nine = f"{born:%y%m}{day:02d}{serial:03d}"
    check = (luhn(nine) + (1 if wrong_check else 0)) % 10
    return f"{born.year // 100}{nine}{check}"


def raw_pnr(yymmdd: str, serial: str = "123", century: str = "19") -> str:
    """Twelve digits with a correct check digit for any date part (even one that is not a date)."""
    nine = yymmdd + serial
    return f"{century}{nine}{luhn(nine)}"


YES: dict[str, object] = {
    "meeting_date": dt.date(2020, 9, 21), "consent": "Ja", "consent_date": dt.date(2020, 9, 23),
    "name": "Anna Andersson", "language": "Svenska", "email": "anna@example.se", "mobile": "070-123 45 67",
    "treatment": "Ja", "control": "Nej",
}
NO: dict[str, object] = {
    "meeting_date": dt.date(2020, 9, 22), "consent": "Nej", "birth_date": dt.date(1980, 5, 17), "gender": "Kvinna",
}


def yes(**changes: object) -> dict[str, object]:
    return {**YES, **changes}


def no(**changes: object) -> dict[str, object]:
    return {**NO, **changes}


@dataclass(frozen=True)
class Case:
    code: str
    rows: Sequence[Mapping[str, object]]
    at: tuple[int, str] = (0, "")  # (row of the case, column key) where the finding must be
    week: str = WEEK_39
    severity: str | None = None  # when the code's severity depends on the case (V228)
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}" if self.name else self.code


def case(code: str, *rows: Mapping[str, object], at: str = "", row: int = 0, week: str = WEEK_39,
         severity: str | None = None, name: str = "") -> Case:
    return Case(code, rows, (row, at), week, severity, name)


BORN = dt.date(1991, 2, 5)
TRIGGERS: list[Case] = [
    case("V201", yes(meeting_date=None), at="meeting_date"),
    case("V202", yes(consent_date="21/9"), at="consent_date"),
    case("V202", no(birth_date="maj 1980"), at="birth_date", name="födelsedatum"),
    case("V203", yes(meeting_date=dt.date(2020, 9, 28)), at="meeting_date"),
    case("V204", yes(meeting_date=dt.date(2021, 1, 1), consent_date=None), at="meeting_date", week="2020-v53"),
    case("V205", yes(consent="Kanske"), at="consent"),
    case("V205", yes(consent=None), at="consent", name="tom"),
    case("V206", yes(consent_date=dt.date(2020, 9, 20)), at="consent_date"),
    case("V210", no(birth_date=None), at="birth_date"),
    case("V211", no(gender="Okänt"), at="gender"),
    case("V211", no(gender=None), at="gender", name="tom"),
    *[case("V212", no(**{key: value}), at=key, name=key) for key, value in
      (("envelope", 7), ("personnummer", "198211059954"), ("name", "Anna"), ("email", "a@example.se"),
       ("mobile", "0701234567"))],
    case("V213", no(treatment="Nej"), at="treatment"),
    case("V213", no(control="Ja"), at="control", name="kontroll"),
    case("V214", no(birth_date=dt.date(2004, 9, 23)), at="birth_date", name="15-år"),
    case("V214", no(birth_date=dt.date(1949, 9, 21)), at="birth_date", name="71-år"),
    case("V220", yes(envelope=None), at="envelope", name="tom"),
    case("V220", yes(envelope=0), at="envelope", name="noll"),
    case("V220", yes(envelope="A12"), at="envelope", name="text"),
    case("V221", yes(personnummer=None), at="personnummer"),
    case("V222", yes(personnummer="19910205123"), at="personnummer", name="11-siffror"),
    case("V222", yes(personnummer="19910205-12X3"), at="personnummer", name="bokstav"),
    case("V223", yes(personnummer="910205-1233"), at="personnummer"),
    case("V224", yes(personnummer=pnr(BORN, wrong_check=True)), at="personnummer"),
    case("V225", yes(personnummer=raw_pnr("910230")), at="personnummer", name="30-februari"),
    case("V225", yes(personnummer=pnr(dt.date(2021, 1, 2))), at="personnummer", name="framtid"),
    case("V225", yes(personnummer=pnr(BORN, serial=0)), at="personnummer", name="000"),
    case("V226", yes(personnummer=pnr(BORN, coordination=True)), at="personnummer"),
    case("V226", yes(personnummer="191500722390"), at="personnummer", name="månad-00"),  # Skatteverket's test numbers
    case("V226", yes(personnummer="191711602399"), at="personnummer", name="dag-60"),
    case("V227", yes(name=None), at="name"),
    case("V228", yes(language=None), at="language", severity="fel", name="tom"),
    case("V228", yes(language="Klingon"), at="language", severity="varning", name="okänt"),
    case("V229", yes(email="anna@"), at="email"),
    case("V229", yes(email="anna andersson@example.se"), at="email", name="mellanslag"),
    case("V230", yes(mobile="08-123 456 78"), at="mobile", name="fast"),
    case("V230", yes(mobile="070-123"), at="mobile", name="kort"),
    case("V231", yes(email=None, mobile=None), at="email"),
    case("V232", yes(email="anna@hotmail.con"), at="email"),
    case("V232", yes(email="anna.andersson@gmial.com"), at="email", name="omkastat"),
    case("V232", yes(email="bo@telia.sw"), at="email", name="se"),
    case("V240", yes(control="Ja"), at="treatment", name="båda"),
    case("V240", yes(treatment="Nej"), at="treatment", name="ingen"),
    case("V241", yes(control="Kanske"), at="control"),
    case("V242", yes(paper_6m="Nej"), at="paper_6m"),
    case("V243", yes(personnummer=pnr(BORN), birth_date=dt.date(1991, 2, 6)), at="birth_date", name="datum"),
    case("V243", yes(personnummer=pnr(BORN), gender="Kvinna"), at="gender", name="kön"),
    case("V243", yes(personnummer="191500722390", birth_date=dt.date(1915, 3, 13)), at="birth_date",
         name="delvis-okänt"),
    case("K301", yes(personnummer="198211059954"), yes(personnummer="198211059954"), row=1, at="personnummer"),
    case("K301", yes(personnummer="198211059954"), yes(personnummer="821105-9954"), row=1, at="personnummer",
         name="10-siffror"),
    case("K301", yes(personnummer="191711602399"), yes(personnummer="171160+2399"), row=1, at="personnummer",
         name="okänt-datum-och-plus"),
    case("K302", yes(envelope=500), yes(envelope=500), row=1, at="envelope"),
    case("K303", yes(serial="202039-77"), yes(serial="202039-77"), row=1, at="serial"),
    case("K304", yes(serial=None), at="serial"),
]

NEAR_MISSES: list[Case] = [
    case("V201", yes(meeting_date="2020-09-21")),
    case("V202", yes(consent_date=" 2020-09-23 ")),
    case("V203", yes(meeting_date=dt.date(2020, 9, 27), consent_date=None)),
    case("V204", yes(meeting_date=TODAY, consent_date=TODAY), week="2020-v53"),
    case("V205", yes(consent=" ja ")),
    case("V206", yes(consent_date=dt.date(2020, 9, 21))),
    case("V210", no(birth_date="1980-05-17")),
    case("V211", no(gender="k")),
    case("V212", no(comment="Ville fundera; ringer tillbaka.")),
    case("V213", no(referrer="Kommunen")),
    case("V214", no(birth_date=dt.date(2004, 9, 22)), name="16-år"),
    case("V214", no(birth_date=dt.date(1949, 9, 23)), name="70-år"),
    case("V220", yes(envelope="12")),
    case("V221", yes(personnummer="19910205-1233")),
    case("V222", yes(personnummer="19910205 1233")),
    case("V223", yes(personnummer="199102051233")),
    case("V224", yes(personnummer=pnr(BORN))),
    case("V225", yes(personnummer=pnr(dt.date(2000, 2, 29)))),
    case("V226", yes(personnummer=pnr(dt.date(1957, 5, 14)))),
    case("V227", yes(name="Ö")),
    case("V228", yes(language="svenska")),
    case("V229", yes(email="anna.andersson+isf@example.se")),
    case("V230", yes(mobile="+358 40 123 4567"), name="utländskt"),
    case("V230", yes(mobile="0046 70 123 45 67"), name="00"),
    case("V231", yes(email=None, mobile=None, paper_start="Ja")),
    case("V232", yes(email="anna@hotmail.com")),
    case("V232", yes(email="anna@mail.com"), name="egen-domän-nära-gmail"),
    case("V232", yes(email="anna@hedemora.se"), name="kommun"),
    case("V240", yes(treatment="Nej", control="Ja")),
    case("V241", yes(treatment="JA", control=None)),
    case("V242", yes(paper_6m="ja")),
    case("V243", yes(personnummer=pnr(BORN), birth_date=BORN, gender="M"), name="personnummer"),
    case("V243", yes(personnummer=pnr(dt.date(1957, 5, 14), coordination=True), birth_date=dt.date(1957, 5, 14)),
         name="samordningsnummer"),
    case("V243", yes(personnummer="191500722390", birth_date=dt.date(1915, 3, 12), gender="Man"),
         name="delvis-okänt"),
    case("V225", yes(personnummer="191711602399"), name="dag-60"),
    case("K301", yes(personnummer="198211059954"), yes(personnummer="199012119948")),
    case("K302", yes(envelope=500), yes(envelope=501)),
    case("K303", yes(serial="202039-77"), yes(serial="202039-78")),
    case("K304", {"serial": "202039-05"}, no()),  # a pre-filled löpnummer alone is an empty row
]


@dataclass
class Layout:
    """Cases placed on week tabs: the rows of each tab, and each case's (tab, Excel row) per case row."""

    weeks: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    places: dict[int, list[tuple[str, int]]] = field(default_factory=dict)


def layout(cases: Iterable[Case]) -> Layout:
    """Put each case's rows on its tab, giving every row its own löpnummer, kuvertnummer and personnummer."""
    placed = Layout()
    for index, this in enumerate(cases):
        rows = placed.weeks.setdefault(this.week, [])
        for row in this.rows:
            number = len(rows) + 1
            filled: dict[str, object] = {"serial": schema.serial(parse_week(this.week), number)}
            if WEEK["consent"].canonical(str(row.get("consent") or "")) == schema.YES:
                unique = 1000 * (len(placed.places) + 1) + number
                filled |= {"envelope": unique, "personnummer": pnr(dt.date(1960, 1, 1) + dt.timedelta(days=unique))}
            filled |= row
            rows.append(filled)
            placed.places.setdefault(index, []).append((this.week, number + 1))
    return placed


def table(rows: Iterable[Mapping[str, object]], headers: Sequence[str] = WEEK.headers) -> list[list[object]]:
    keys = [WEEK.by_header(h).key if WEEK.by_header(h) else None for h in headers]
    return [list(headers), *[[row.get(key) if key else None for key in keys] for row in rows]]


def check(cases: Iterable[Case], today: dt.date = TODAY, file: str = "vecka.xlsx") -> tuple[Layout, list[Finding]]:
    """Run every row rule (and the rules between rows) over the cases, as plain rows parsed by the schema."""
    placed = layout(cases)
    sheets = parse_sheets(WEEK, [(name, table(rows)) for name, rows in sorted(placed.weeks.items())])
    return placed, list(rules.check_sheets(file, sheets, today))


def expected_place(this: Case, placed: Layout, index: int = 0) -> tuple[str, str]:
    """(tab, cell) where the case's finding must be."""
    row, key = this.at
    week, number = placed.places[index][row]
    return week, f"{sheets.column_letter(list(WEEK.headers).index(WEEK[key].header))}{number}"
