"""Shared benchmark inputs, made once per run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.conftest import PASSWORD

from samrehab_cli import dates
from samrehab_cli.registration import personnummer, template
from samrehab_cli.storage import crypto, workbooks

WEEKS = dates.week_range(dates.parse_week("2020-v01"), dates.parse_week("2020-v53"))


def filled_rows(week: dates.Week, count: int = 40) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n in range(count):
        day = week.monday + dt.timedelta(days=n % 5)
        if n % 3 == 2:
            rows.append({"meeting_date": day, "consent": "Nej", "birth_date": dt.date(1980, 1, 1 + n % 28),
                         "gender": "Kvinna" if n % 2 else "Man"})
        else:
            rows.append({"meeting_date": day, "consent": "Ja", "envelope": week.week * 100 + n,
                         "personnummer": _personnummer(week.week * 100 + n), "name": f"Person {n}",
                         "language": "Svenska",
                         "email": f"person{n}@example.se", "mobile": "0701234567",
                         "treatment": "Ja" if n % 5 < 3 else "Nej", "control": "Nej" if n % 5 < 3 else "Ja"})
    return rows


def _personnummer(seed: int) -> str:
    """A distinct valid personnummer for each seed (born 1960–1999)."""
    nine = f"{60 + seed % 40:02d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 997 + 1:03d}"
    return f"19{nine}{personnummer.luhn(nine)}"


@pytest.fixture(scope="session")
def year_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An encrypted 53-week × 40-row registration workbook, every row filled."""
    book = template.new_workbook("Bänkförbundet", WEEKS, 40)
    for week in WEEKS:
        template.write_rows(book[str(week)], filled_rows(week))
    path = tmp_path_factory.mktemp("bench") / "ar.xlsx"
    path.write_bytes(crypto.encrypt(workbooks.to_bytes(book), crypto.Passwords([PASSWORD]), path))
    return path
