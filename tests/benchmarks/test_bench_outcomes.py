"""`make bench`: outcomes over a 100,000-participant register, next to reading the same file alone.

Goal: computing (rules, data frame, every table of the year and its previous year) adds at most half the read time.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from tests.benchmarks.timing import paired, show
from tests.register_files import person, write_register

from samrehab_cli.participants import outcomes, read
from samrehab_cli.participants.period import parse_period
from samrehab_cli.storage import crypto

N = 100_000
REASONS = ("Arbete", "Studier", "Annan arbetslivsinriktad rehabilitering", "Medicinsk rehabilitering",
           "Sjukersättning", "Annat")


@pytest.fixture(scope="module")
def big_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(1)
    people = []
    for n in range(N):
        start = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        end = reason = None
        if rng.random() < 0.7:
            end = start + dt.timedelta(days=rng.randrange(20, 900))
            reason = rng.choice(REASONS)
        people.append(person(f"P{n:06d}", start, end, reason, team=rng.choice(["Avesta", "Hedemora", "Säter"]),
                             gender=rng.choice(["Kvinna", "Man", "Man", "Kvinna", "Annat"]),
                             years_without_work=round(rng.uniform(0, 20), 1)))
    return write_register(tmp_path_factory.mktemp("bench") / "stort-register.xlsx", people, write_only=True)


def test_outcomes_100k(big_register: Path) -> None:
    passwords = crypto.Passwords()
    today = dt.date(2030, 1, 1)
    chosen = parse_period("2020")
    rows, _ = read.read_rows([big_register], passwords)
    assert len(rows) == N

    def compute() -> outcomes.Outcomes:
        return outcomes.compute(read.from_rows(rows, today=today), chosen)

    result = compute()
    assert result.rows[0].active > 10_000 and result.excluded_rows == 0
    show(f"outcomes {N:,} deltagare (regler + tabeller)",
         paired(compute, lambda: read.read_rows([big_register], passwords), repeat=3),
         "läsa samma fil (calamine + parse_sheet)", "mål ≤ 0,5")
