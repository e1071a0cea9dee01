"""The benchmarks' inputs, generated deterministically and kept in ``.bench-cache/`` (made once, reused).

A year's registration workbook (53 weeks × 40 filled rows, encrypted), 200 encrypted weekly files (10 förbund ×
20 weeks), and participant registers of 100,000 and 1,000,000 participants. All made with the project's own
writers and fixed random seeds; the folder's name carries a version, so a change here makes them anew.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

from tests.benchmarks.test_bench_validate import filled
from tests.conftest import PASSWORD, make_workbook
from tests.register_files import person, write_register

VERSION = 1
ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path(os.environ.get("SAMREHAB_BENCH_DIR", ROOT / ".bench-cache")) / f"v{VERSION}"
TODAY = "2021-01-03"  # the Sunday of 2020-v53: no date in the inputs is in the future
REASONS = ("Arbete", "Studier", "Annan arbetslivsinriktad rehabilitering", "Medicinsk rehabilitering",
           "Sjukersättning", "Annat")


def folder() -> Path:
    FOLDER.mkdir(parents=True, exist_ok=True)
    return FOLDER


def password_file() -> Path:
    path = folder() / "losenord.txt"
    if not path.exists():
        path.write_text(PASSWORD + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path


def _made(path: Path, data: bytes) -> Path:
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def year_workbook() -> Path:
    """53 week tabs × 40 filled rows (two in three consent, each with their own personnummer, e-mail, mobile)."""
    path = folder() / "ar-53x40.xlsx"
    return path if path.exists() else _made(path, make_workbook(filled(), password=PASSWORD))


def many_files() -> list[Path]:
    """10 förbund × 20 weekly files, each one week tab with five people registered, encrypted."""
    many = folder() / "inkorg-200"
    many.mkdir(exist_ok=True)
    paths = []
    for forbund in range(10):
        weeks = filled(weeks=20, per_week=5, seed=forbund)
        for name, rows in weeks.items():
            path = many / f"forbund{forbund:02d}-{name}.xlsx"
            if not path.exists():
                _made(path, make_workbook({name: rows}, forbund=f"Förbund {forbund}", password=PASSWORD))
            paths.append(path)
    return paths


def register(count: int) -> Path:
    """A participant register of ``count`` participants on one sheet, ``Deltagare`` (not encrypted)."""
    path = folder() / f"deltagarregister-{count}.xlsx"
    if path.exists():
        return path
    rng = random.Random(count)
    people = []
    for n in range(count):
        start = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        end = reason = None
        if rng.random() < 0.7:
            end = start + dt.timedelta(days=rng.randrange(20, 900))
            reason = rng.choice(REASONS)
        people.append(person(f"P{n:07d}", start, end, reason, team=rng.choice(["Avesta", "Hedemora", "Säter"]),
                             gender=rng.choice(["Kvinna", "Man", "Man", "Kvinna", "Annat"]),
                             years_without_work=round(rng.uniform(0, 20), 1)))
    partial = path.with_suffix(".part.xlsx")
    write_register(partial, people, write_only=True)
    partial.replace(path)
    return path


def _moved(row: dict[str, object], shift: dt.timedelta, envelopes: int) -> dict[str, object]:
    """A row of 2020's weeks moved ``shift`` in time (its birth date kept), its kuvertnummer after ``envelopes``."""
    moved = {key: value + shift if isinstance(value, dt.date) and key != "birth_date" else value
             for key, value in row.items()}
    if isinstance(row.get("envelope"), int):
        moved["envelope"] = envelopes + int(row["envelope"])
    return moved


def merge_inbox(count: int) -> Path:
    """ISF's inbox of ``count`` encrypted files, a sub-folder per förbund (10 of them), each file four week tabs
    × 40 filled rows of weeks no other file holds (so every row is new to an empty register)."""
    from tests.benchmarks.test_bench_validate import filled

    inbox = folder() / f"inkorg-merge-{count}"
    done = inbox / ".klar"
    if done.exists():
        return inbox
    first = dt.date(2014, 12, 29)  # the Monday of 2015-v01
    for forbund in range(10):
        for number in range(count // 10):
            monday = first + dt.timedelta(weeks=4 * number)
            tabs = {}
            for offset, rows in enumerate(filled(weeks=4, per_week=40, seed=1000 * forbund + number).values()):
                week = monday + dt.timedelta(weeks=offset)
                shift = week - dt.date.fromisocalendar(2020, offset + 1, 1)
                iso = week.isocalendar()
                tabs[f"{iso.year}-v{iso.week:02d}"] = [_moved(row, shift, 100_000 * forbund + 1_000 * number)
                                                       for row in rows]
            path = inbox / f"Förbund {forbund}" / f"registrering-{number:03d}.xlsx"
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                _made(path, make_workbook(tabs, forbund=f"Förbund {forbund}", password=PASSWORD))
    done.write_text("", encoding="utf-8")
    return inbox
