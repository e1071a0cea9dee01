"""Write examples/inkorg/: a small, realistic inbox at ISF for `samrehab merge` (fictitious people only).

Three förbund, one sub-folder each, as the files arrive by mail week after week:
- Avesta: week 39–40 with the password of the autumn; the same file sent again under another name; then weeks
  39–41 with the winter's password, week 39 purged after ISF's receipt (only the löpnummer left), one e-mail
  corrected in week 40 and new people in week 41.
- Hedemora: week 40, then week 40–42 in which one person's group was changed by mistake (a conflict for ISF).
- Säter: week 40 sent without encryption, week 41 damaged in the mail (cut off), then weeks 41–42 sent again, with
  a person who answers the surveys on paper (no e-mail, no mobile).
The passwords are in examples/demo.sh (a demo's only; real ones come from ISF). Identities are invented as in
make_registration.py. Run with the project's venv:
    .venv/bin/python examples/make_inbox.py
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from make_registration import personnummer_for

from samrehab_cli import dates
from samrehab_cli.registration import template
from samrehab_cli.storage import crypto, workbooks

INBOX = Path(__file__).with_name("inkorg")
AUTUMN, WINTER = "demo-Lösenord-2020", "demo-Lösenord-2021"


def person(week: str, number: int, name: str, birth: str, serial: int, envelope: int, treatment: bool,
           **changes: object) -> dict[str, object]:
    monday = dates.parse_week(week).monday
    meeting = monday + dt.timedelta(days=1 + number % 3)
    row: dict[str, object] = {
        "serial": template.schema.serial(dates.parse_week(week), number), "meeting_date": meeting, "consent": "Ja",
        "consent_date": meeting + dt.timedelta(days=2), "envelope": envelope,
        "personnummer": personnummer_for(birth, serial), "name": name, "language": "Svenska",
        "email": f"{name.split()[0].lower()}@example.se", "mobile": f"070-174 06 {envelope % 90 + 10:02d}",
        "referrer": "Försäkringskassan", "treatment": "Ja" if treatment else "Nej",
        "control": "Nej" if treatment else "Ja",
    }
    row.update(changes)
    return row


def declining(week: str, number: int, birth: dt.date, gender: str) -> dict[str, object]:
    monday = dates.parse_week(week).monday
    return {"serial": template.schema.serial(dates.parse_week(week), number),
            "meeting_date": monday + dt.timedelta(days=2), "consent": "Nej", "birth_date": birth, "gender": gender}


def workbook(path: Path, forbund: str, weeks: dict[str, list[dict[str, object]]], password: str | None) -> None:
    every = dates.week_range(min(map(dates.parse_week, weeks)), max(map(dates.parse_week, weeks)))
    book = template.new_workbook(forbund, every, 10)
    for week, rows in weeks.items():
        template.write_rows(book[week], rows)
    data = workbooks.to_bytes(book)
    if password is not None:
        data = crypto.encrypt(data, crypto.Passwords([password]), path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def main() -> None:
    shutil.rmtree(INBOX, ignore_errors=True)
    avesta = "Avesta"
    v39 = [person("2020-v39", 1, "Elin Holm", "19860412", 246, 11, True),
           person("2020-v39", 2, "Ahmed Yusuf", "19770928", 135, 12, False),
           declining("2020-v39", 3, dt.date(1991, 3, 8), "Man")]
    v40 = [person("2020-v40", 1, "Maja Ek", "19940117", 384, 13, True),
           person("2020-v40", 2, "Karin Sund", "19720605", 428, 14, True)]
    workbook(INBOX / "Avesta" / "registrering-2020-v40.xlsx", avesta, {"2020-v39": v39, "2020-v40": v40}, AUTUMN)
    shutil.copyfile(INBOX / "Avesta" / "registrering-2020-v40.xlsx",
                    INBOX / "Avesta" / "registrering-2020-v40 (skickad igen).xlsx")
    purged = [{"serial": row["serial"]} for row in v39]  # after ISF's receipt: only the löpnummer is left
    v40_corrected = [v40[0], {**v40[1], "email": "karin.sund@example.se"}]
    v41 = [person("2020-v41", 1, "Leo Strand", "19800219", 571, 15, False),
           person("2020-v41", 2, "Nora Vik", "19990823", 682, 16, True)]
    workbook(INBOX / "Avesta" / "registrering-2020-v41.xlsx", avesta,
             {"2020-v39": purged, "2020-v40": v40_corrected, "2020-v41": v41}, WINTER)
    hedemora = "Hedemora"
    h40 = [person("2020-v40", 1, "Siv Lund", "19650503", 442, 201, True),
           person("2020-v40", 2, "Tor Ås", "19810730", 553, 202, False),
           declining("2020-v40", 3, dt.date(1958, 11, 30), "Kvinna")]
    workbook(INBOX / "Hedemora" / "registrering-2020-v40.xlsx", hedemora, {"2020-v40": h40}, WINTER)
    changed = [h40[0], {**h40[1], "treatment": "Ja", "control": "Nej"}, h40[2]]
    workbook(INBOX / "Hedemora" / "registrering-2020-v42.xlsx", hedemora,
             {"2020-v40": changed, "2020-v42": [person("2020-v42", 1, "Ida Berg", "19890906", 624, 203, False)]},
             WINTER)
    sater = "Säter"
    workbook(INBOX / "Säter" / "registrering-2020-v40.xlsx", sater,
             {"2020-v40": [person("2020-v40", 1, "Olle Dahl", "19750314", 715, 301, True)]}, None)
    workbook(INBOX / "Säter" / "registrering-2020-v41.xlsx", sater,
             {"2020-v41": [person("2020-v41", 1, "Vera Falk", "19970101", 826, 302, False)]}, WINTER)
    damaged = INBOX / "Säter" / "registrering-2020-v41.xlsx"
    damaged.write_bytes(damaged.read_bytes()[: 6000])  # cut off in the mail
    workbook(INBOX / "Säter" / "registrering-2020-v42.xlsx", sater, {  # sent again, with one who answers on paper
        "2020-v41": [person("2020-v41", 1, "Vera Falk", "19970101", 826, 302, False)],
        "2020-v42": [person("2020-v42", 1, "Gustav Nord", "19610517", 937, 303, True, email=None, mobile=None,
                            paper_start="Ja", paper_6m="Ja", paper_12m="Ja")]}, WINTER)
    print(f"Skrev {INBOX}")


if __name__ == "__main__":
    main()
