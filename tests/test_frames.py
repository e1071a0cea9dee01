"""The register's data frames (participants/frames.py): dates through day numbers, months added as dates.add_months."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from decimal import Decimal

import numpy as np
import pytest

from samrehab_cli import dates
from samrehab_cli.participants import frames

from register_files import make_register, person

D = dt.date


def test_days_are_datetime64_with_nat_for_none() -> None:
    found = frames.days([D(2020, 2, 29), None, D(1970, 1, 1), D(1899, 12, 31), D(2020, 2, 29)])
    assert found.dtype == np.dtype("datetime64[D]")
    assert [None if np.isnat(day) else day.item() for day in found] == [D(2020, 2, 29), None, D(1970, 1, 1),
                                                                        D(1899, 12, 31), D(2020, 2, 29)]
    assert frames.days([]).shape == (0,)


def test_add_months_is_dates_add_months_on_every_day() -> None:
    every = [D(2019, 1, 1) + dt.timedelta(days=n) for n in range(6 * 366)]  # leap years, month ends, year ends
    for months in (0, 1, 2, 11, 12, 13, 25):
        found = frames.add_months(frames.days(every), months)
        assert found.dtype == np.dtype("datetime64[D]")
        assert found.tolist() == [dates.add_months(day, months) for day in every], months


def test_add_months_keeps_a_finer_unit() -> None:
    """A frame keeps its dates in seconds (pandas has no day unit): the months are added all the same."""
    seconds = frames.days([D(2020, 12, 31), D(2021, 1, 31)]).astype("datetime64[s]")
    assert frames.add_months(seconds, 2).astype("datetime64[D]").tolist() == [D(2021, 2, 28), D(2021, 3, 31)]


def test_participants_frame_keeps_the_values_as_read() -> None:
    reg = make_register([person("D1", D(2020, 1, 15), D(2020, 6, 1), "Arbete", team="Säter", years_without_work="2,5"),
                         person("D2", D(2020, 2, 1), gender="Man", years_without_work=None)])
    people = frames.participants(reg.participants)
    assert list(people.columns) == ["team", "gender", "start", "end", "reason", "years", "labour_support"]
    assert list(people["team"]) == ["Säter", "Avesta"] and list(people["gender"]) == ["Kvinna", "Man"]
    assert people["reason"].cat.codes.tolist() == [0, -1]  # Arbete is the first exit reason; none is -1
    assert people["start"].dt.date.tolist() == [D(2020, 1, 15), D(2020, 2, 1)]
    assert people["end"].isna().tolist() == [False, True]
    assert people["years"].tolist() == [Decimal("2.5"), None]


def test_measurements_point_at_their_participant() -> None:
    reg = make_register([person("D1"), person("D2"), person("D3", team=None)],  # D3 has a fel: not a participant
                        [{"participant_id": "D2", "date": D(2020, 5, 1), "ors": "20,5", "srs": None},
                         {"participant_id": "D1", "date": D(2020, 3, 1), "ors": 7, "srs": 0},
                         {"participant_id": "D3", "date": D(2020, 3, 1), "ors": 30, "srs": None},
                         {"participant_id": "D2", "date": D(2020, 2, 1), "ors": None, "srs": 36}],
                        today=D(2021, 1, 1))
    assert reg.ors is not None
    found = frames.measurements(reg.ors, reg.participants.participant_id)
    assert found["who"].tolist() == [1, 0, -1, 1]
    assert found["date"].dt.date.tolist() == [D(2020, 5, 1), D(2020, 3, 1), D(2020, 3, 1), D(2020, 2, 1)]
    assert found["ors10"].tolist() == [205, 70, 300, -1]  # tenths; -1: no ORS on the row
    assert found["srs"].tolist() == [False, True, False, True]  # an SRS of 0 is an SRS


def test_numpy_is_imported_on_a_thread_of_its_own() -> None:
    script = ("import sys, threading\n"
              "from samrehab_cli.participants import frames\n"
              "assert 'numpy' not in sys.modules\n"
              "thread = frames.import_numpy_meanwhile()\n"
              "assert thread is not threading.main_thread()\n"
              "thread.join()\n"
              "print('numpy' in sys.modules)\n")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout == "True\n"


def test_a_failed_import_on_the_thread_is_left_to_the_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    raised: list[object] = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy raises ImportError
    frames.import_numpy_meanwhile().join()
    assert raised == []  # nothing shown from the thread …
    with pytest.raises(ImportError):  # … the tables raise it
        frames.days([D(2020, 1, 1)])
