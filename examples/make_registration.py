"""Write examples/registrering-exempel.xlsx: a filled registration workbook with fictitious people.

Every identity is invented: personnummer with correct check digits for made-up dates, e-mail at example.se,
mobile numbers from the range PTS reserves for fiction (070-174 06 05 … 070-174 06 99). Three rows hold
deliberate mistakes so that `samrehab validate` has something to show. Run with the project's venv:
    .venv/bin/python examples/make_registration.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from samrehab_cli import dates
from samrehab_cli.registration import personnummer, template
from samrehab_cli.storage import workbooks

OUT = Path(__file__).with_name("registrering-exempel.xlsx")


def personnummer_for(birth: str, serial: int) -> str:
    """A 12-digit number with a correct check digit, for an invented birth date ``ÅÅÅÅMMDD``."""
    nine = f"{birth[2:]}{serial:03d}"
    return f"{birth}{nine[6:]}{personnummer.luhn(nine)}"


PEOPLE = [  # name, birth date, serial (odd = man, even = woman), language, treatment?
    ("Alva Lind", "19850314", 242, "Svenska", True),
    ("Omar Haddad", "19790902", 131, "Arabiska", False),
    ("Sara Nyström", "19920611", 388, "Svenska", True),
    ("Jonas Berg", "19680125", 457, "Svenska", True),
    ("Hodan Farah", "19950730", 562, "Somaliska", False),
    ("Piotr Nowak", "19881119", 673, "Polska", True),
]


def rows() -> dict[str, list[dict[str, object]]]:
    week39 = dates.parse_week("2020-v39")
    week40 = dates.parse_week("2020-v40")
    filled: dict[str, list[dict[str, object]]] = {str(week39): [], str(week40): []}
    for number, (name, birth, serial, language, treatment) in enumerate(PEOPLE):
        week = week39 if number < 3 else week40
        meeting = week.monday + dt.timedelta(days=1 + number % 3)
        filled[str(week)].append({
            "meeting_date": meeting, "consent": "Ja", "consent_date": meeting + dt.timedelta(days=2),
            "envelope": 101 + number, "personnummer": personnummer_for(birth, serial), "name": name,
            "language": language, "email": f"{name.split()[0].lower()}@example.se",
            "mobile": f"070-174 06 {10 + number:02d}", "referrer": "Arbetsförmedlingen",
            "treatment": "Ja" if treatment else "Nej", "control": "Nej" if treatment else "Ja",
        })
    filled[str(week39)].append({"meeting_date": week39.monday + dt.timedelta(days=3), "consent": "Nej",
                                "birth_date": dt.date(1990, 4, 2), "gender": "Kvinna"})
    filled[str(week40)].append({"meeting_date": week40.monday + dt.timedelta(days=2), "consent": "nej",
                                "birth_date": dt.date(1975, 12, 24), "gender": "M"})
    # three deliberate mistakes
    filled[str(week39)][1]["personnummer"] = filled[str(week39)][1]["personnummer"][:-1] + "0"  # check digit
    filled[str(week40)][0]["control"] = "Ja"  # both groups
    filled[str(week40)][-1]["name"] = "Kalle Nilsson"  # identity on a row without consent
    return filled


def main() -> None:
    book = template.new_workbook("Exempelförbundet", dates.week_range(dates.parse_week("2020-v39"),
                                                                        dates.parse_week("2020-v41")), 10)
    for week, week_rows in rows().items():
        template.write_rows(book[week], week_rows)
    OUT.write_bytes(workbooks.to_bytes(book))
    print(f"Skrev {OUT}")


if __name__ == "__main__":
    main()
