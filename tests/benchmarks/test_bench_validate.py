"""``make bench``: validating an encrypted, filled 53-week × 40-row workbook next to decrypting and reading it.

Goal: validate ≤ 1.3 × (decrypt + read). Three inputs: the shared ``year_workbook`` (every row filled, the same
contact details on many rows), a year filled as coordinators would (two in three consent, each with their own
personnummer, e-mail address and mobile number: nothing is checked twice), and a typical year (five people a week,
the other rows holding only the template's löpnummer). The e-mail cache is emptied before each run, as in a fresh
``samrehab validate``.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from tests.benchmarks.timing import paired, show
from tests.conftest import PASSWORD, make_workbook

from samrehab_cli.registration import contact, personnummer
from samrehab_cli.registration.validate import validate_file
from samrehab_cli.schema import WEEK
from samrehab_cli.sheets import parse_sheets
from samrehab_cli.storage import crypto, workbooks

TODAY = dt.date(2021, 1, 3)  # the Sunday of 2020-v53: no date is in the future


def filled(weeks: int = 53, per_week: int = 40, seed: int = 2020) -> dict[str, list[dict[str, object]]]:
    rng = random.Random(seed)
    tabs: dict[str, list[dict[str, object]]] = {}
    envelope = 0
    for week in range(1, weeks + 1):
        monday = dt.date.fromisocalendar(2020, week, 1)
        rows: list[dict[str, object]] = []
        for index in range(per_week):
            day = monday + dt.timedelta(days=index % 5)
            if index % 3 == 2:
                born = day - dt.timedelta(days=rng.randrange(17 * 366, 69 * 365))
                rows.append({"meeting_date": day, "consent": "Nej", "birth_date": born,
                             "gender": rng.choice(["Kvinna", "Man", "Annat"])})
                continue
            envelope += 1
            born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(45 * 365))
            nine = f"{born:%y%m%d}{rng.randrange(1, 1000):03d}"
            treatment = rng.random() < 0.6
            rows.append({
                "meeting_date": day, "consent": "Ja", "consent_date": day, "envelope": envelope,
                "personnummer": f"{born.year // 100}{nine}{personnummer.luhn(nine)}", "name": f"Person {envelope}",
                "language": rng.choice(["Svenska", "Arabiska", "Somaliska", "Engelska"]),
                "email": f"person.{envelope}@{rng.choice(['gmail.com', 'hotmail.com', 'telia.com', 'outlook.com'])}",
                "mobile": f"07{rng.choice('02369')}-{rng.randrange(100, 1000)} {rng.randrange(10, 100)} "
                          f"{rng.randrange(10, 100)}",
                "referrer": rng.choice(["Kommunen", "Arbetsförmedlingen", None]),
                "treatment": "Ja" if treatment else "Nej", "control": "Nej" if treatment else "Ja",
            })
        tabs[f"2020-v{week:02d}"] = rows
    return tabs


def _fresh() -> None:
    """Empty every cache the checks fill, as in a new ``samrehab validate`` process."""
    contact._email_validator_accepts.cache_clear()


def _compare(path: Path, label: str, today: dt.date) -> None:
    passwords = crypto.Passwords([PASSWORD])

    def read() -> None:
        book, _ = workbooks.load(path, passwords)
        for name in book.sheet_names:
            book.rows(name)

    def read_typed() -> None:
        book, _ = workbooks.load(path, passwords)
        parse_sheets(WEEK, [(name, book.rows(name)) for name in book.sheet_names[1:]])

    def validate() -> None:
        _fresh()
        validate_file(path, passwords, today)

    show(f"validate, {label}", paired(validate, read), "dekryptera + läs rader", "mål ≤ 1,3")
    show(f"validate, {label}", paired(validate, read_typed), "dekryptera + läs typade rader (sheets.parse_sheets)")


def test_validate_shared_year_workbook(year_workbook: Path) -> None:
    _fresh()
    findings = validate_file(year_workbook, crypto.Passwords([PASSWORD]), TODAY)
    print(f"\n  year_workbook: {len(findings)} fynd ({len({f.code for f in findings})} koder)")
    _compare(year_workbook, "year_workbook (upprepade värden)", TODAY)


def test_validate_realistic_workbook(tmp_path: Path) -> None:
    path = tmp_path / "registrering.xlsx"
    path.write_bytes(make_workbook(filled(), password=PASSWORD))
    _fresh()
    findings = validate_file(path, crypto.Passwords([PASSWORD]), TODAY)
    assert findings == [], findings[:3]  # a valid workbook: all the time goes to checking, none to reporting
    _compare(path, "unika värden på varje rad", TODAY)


def test_validate_typical_year(tmp_path: Path) -> None:
    """A förbund's year as the template holds it: 53 tabs of 40 rows, about five people registered a week."""
    path = tmp_path / "registrering.xlsx"
    path.write_bytes(make_workbook(filled(per_week=5), password=PASSWORD))
    _fresh()
    assert validate_file(path, crypto.Passwords([PASSWORD]), TODAY) == []
    _compare(path, "ett vanligt år (5 personer i veckan)", TODAY)
