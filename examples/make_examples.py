"""Write examples/deltagarregister.xlsx: a fictitious participant register (no real person in it).

It reproduces the Södra Dalarna policy's worked example exactly for 2020 — 56 active, 23 exits, 3 dropouts,
4 Arbete, 2 Studier, 2 Annan arbetslivsinriktad rehab, 6 Medicinsk rehab, 0 Sjukersättning, 6 Annat,
33 active at the start of 2021, 8 positive of 20 = 40 % — with the policy's background figures 5,6 år and
20,3 månader, and holds 2019 too so that the comparison with the previous period is filled. The sheet ``ORS``
holds ORS/SRS measurements for the ORS follow-up (docs/utfall.md).
The file is written unencrypted because it holds no personal data. Deterministic: run it again and the
participants are the same.

    .venv/bin/python examples/make_examples.py
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from samrehab_cli.schema import ORS, PARTICIPANTS, Column
from samrehab_cli.storage import files, workbooks

OUT = Path(__file__).resolve().parent / "deltagarregister.xlsx"
TEAMS = ("Avesta", "Hedemora", "Säter")
D = dt.date


def participants() -> list[dict[str, object]]:
    rng = random.Random(2020)
    people: list[dict[str, object]] = []

    def add(start: dt.date, end: dt.date | None = None, reason: str | None = None, support: str | None = None,
            years: float | None = None, comment: str | None = None) -> None:
        n = len(people)
        gender = "Annat" if n % 17 == 5 else ("Kvinna" if rng.random() < 0.55 else "Man")
        people.append({
            "participant_id": None, "team": TEAMS[rng.randrange(3)] if n % 4 else TEAMS[n % 3], "gender": gender,
            "start": start, "end": end, "exit_reason": reason, "labour_support": support,
            "years_without_work": years if years is not None else round(rng.uniform(0.5, 12), 1),
            "comment": comment,
        })

    # 2020, positive exits (the policy's green columns): days enrolled sum to 4943 (mean 20,3 months),
    # years without work sum to 44.8 (mean 5,6 years)
    positive = [
        (D(2020, 2, 14), 420, 2.5, "Arbete", "Lönebidrag"),
        (D(2020, 3, 20), 512, 8.0, "Arbete", "Utan stöd"),
        (D(2020, 4, 30), 598, 4.5, "Arbete", "Extratjänst"),
        (D(2020, 6, 12), 640, 6.0, "Arbete", "Utan stöd"),
        (D(2020, 8, 21), 655, 3.5, "Studier", None),
        (D(2020, 9, 30), 700, 9.0, "Studier", None),
        (D(2020, 11, 6), 688, 5.3, "Annan arbetslivsinriktad rehabilitering", None),
        (D(2020, 12, 11), 730, 6.0, "Annan arbetslivsinriktad rehabilitering", None),
    ]
    for end, days, years, reason, support in positive:
        add(end - dt.timedelta(days=days), end, reason, support, years)
    # 2020, other exits after more than two months: 6 Medicinsk rehabilitering, 6 Annat
    for month in (1, 3, 5, 7, 9, 11):
        end = D(2020, month, 10 + month)
        add(end - dt.timedelta(days=rng.randrange(90, 700)), end, "Medicinsk rehabilitering")
    for month, comment in zip((2, 4, 6, 8, 10, 12), (
            "Flyttade från kommunen", "Föräldraledig", "Avslutad på egen begäran", "Insats hos kommunens daglig "
            "verksamhet", "Ingen kontakt trots flera försök", "Aktivitetsersättning beviljad, vilar från insats"),
            strict=True):
        end = D(2020, month, 2 * month)
        add(end - dt.timedelta(days=rng.randrange(90, 600)), end, "Annat", comment=comment)
    # 2020, three dropouts (on or before two calendar months after enrolment; 2019-12-31 + 2 = 2020-02-29)
    add(D(2019, 12, 31), D(2020, 2, 29), "Medicinsk rehabilitering")
    add(D(2020, 3, 2), D(2020, 4, 15), "Annat", comment="Ville inte delta")
    add(D(2020, 8, 17), D(2020, 10, 17), "Arbete", "Utan stöd")
    # 33 still enrolled at the start of 2021 (ten of them leave during 2021)
    for i in range(33):
        start = D(2019, 1, 7) + dt.timedelta(days=22 * i)
        if i % 3 == 0 and i < 30:
            end = D(2021, 1 + i // 5, 5 + i // 3)
            reason = ("Arbete", "Studier", "Medicinsk rehabilitering", "Annat", "Sjukersättning")[i % 5]
            add(start, end, reason, "Nystartsjobb" if reason == "Arbete" else None,
                comment="Flyttade" if reason == "Annat" else None)
        else:
            add(start, None)
    # 2019: 16 who left during 2019 (two of them dropouts)
    reasons_2019 = ("Arbete", "Medicinsk rehabilitering", "Studier", "Annat", "Arbete", "Sjukersättning",
                    "Annan arbetslivsinriktad rehabilitering", "Medicinsk rehabilitering")
    for i in range(14):
        end = D(2019, 1 + (i * 11) // 14, 3 + i)
        reason = reasons_2019[i % len(reasons_2019)]
        add(end - dt.timedelta(days=rng.randrange(100, 800)), end, reason,
            ("Lönestöd" if i % 2 else "Utan stöd") if reason == "Arbete" else None,
            comment="Flyttade till annan ort" if reason == "Annat" else None)
    add(D(2019, 4, 1), D(2019, 5, 20), "Annat", comment="Ville inte delta")
    add(D(2019, 9, 2), D(2019, 11, 2), "Medicinsk rehabilitering")
    people.sort(key=lambda p: (p["start"], p["end"] or D(9999, 1, 1)))
    for number, person in enumerate(people, start=1):
        person["participant_id"] = f"D{number:03d}"
    return people


def ors_measurements(people: list[dict[str, object]]) -> list[dict[str, object]]:
    """ORS (and often SRS) while enrolled, until mid-2021: most participants about monthly, every fifth every
    six weeks or so (follows the policy but not the preferred rhythm), every seventh with a long gap."""
    from samrehab_cli.dates import add_months

    rng = random.Random(40)
    last_day = D(2021, 6, 15)
    rows: list[dict[str, object]] = []
    for n, person in enumerate(people):
        start, end = person["start"], person["end"] or last_day
        assert isinstance(start, dt.date) and isinstance(end, dt.date)
        day, score = start + dt.timedelta(days=rng.randrange(0, 10)), rng.uniform(14, 30)
        while day <= min(end, last_day):
            srs = round(rng.uniform(33, 40), 1) if n % 3 != 2 and rng.random() < 0.6 else None
            rows.append({"participant_id": person["participant_id"], "date": day, "ors": round(score, 1),
                         "srs": srs})
            score = min(40.0, max(0.0, score + rng.uniform(-2, 3.2)))
            if n % 7 == 3 and rng.random() < 0.2:
                day += dt.timedelta(days=75)  # a gap longer than the policy allows
            elif n % 5 == 1:
                day = add_months(day, 1) + dt.timedelta(days=14)
            else:
                day = add_months(day, 1) - dt.timedelta(days=rng.randrange(0, 4))
    rows.sort(key=lambda r: (r["date"], r["participant_id"]))
    return rows


def write(path: Path = OUT) -> None:
    book = openpyxl.Workbook()
    about = book.active
    about.title = "Om exemplet"
    workbooks.set_text(about["A1"], "Exempel på deltagarregister. Alla deltagare är påhittade; "
                                     "filen innehåller inga personuppgifter och är därför inte krypterad.")
    sheet = book.create_sheet("Deltagare")
    people = participants()
    _table(sheet, PARTICIPANTS.columns, people)
    measurements = ors_measurements(people)
    if measurements:
        _table(book.create_sheet("ORS"), ORS.columns, measurements)
    book.properties.creator = "samrehab examples/make_examples.py"
    book.properties.created = dt.datetime(2021, 1, 15, 12, 0)
    files.atomic_write(path, _reproducible(workbooks.to_bytes(book)), mode=0o644)


def _reproducible(data: bytes) -> bytes:
    """The same bytes on every run: fixed zip timestamps and a fixed modification time (openpyxl writes now)."""
    import io
    import re
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2021-01-15T12:00:00Z", content)
            target.writestr(zipfile.ZipInfo(info.filename, date_time=(2021, 1, 15, 12, 0, 0)), content,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _table(sheet: Worksheet, columns: Sequence[Column], rows: Iterable[Mapping[str, object]]) -> None:
    for c, column in enumerate(columns, start=1):
        workbooks.set_text(sheet.cell(row=1, column=c), column.header)
        sheet.cell(row=1, column=c).font = Font(bold=True)
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c)].width = max(column.width, len(column.header) + 2)
    for r, row in enumerate(rows, start=2):
        for c, column in enumerate(columns, start=1):
            cell = sheet.cell(row=r, column=c)
            workbooks.set_text(cell, row.get(column.key))
            if isinstance(row.get(column.key), dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"


if __name__ == "__main__":
    write()
    print(f"Skrev {OUT}")
