"""samrehab status: what has arrived, the randomisation against 60/40, and edits made outside samrehab."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.isf import merge, status
from samrehab_cli.storage import crypto, workbooks

from conftest import PASSWORD
from merge_files import NOW, TODAY, person, put

D = dt.date


@pytest.fixture
def register(tmp_path: Path) -> Path:
    inbox = tmp_path / "inkorg"
    rows = [person(f"202039-{n:02d}", D(1970 + n, 1, 2), n, group="treatment" if n % 5 < 3 else "control")
            for n in range(1, 11)]
    put(inbox / "Avesta" / "v39.xlsx", {"2020-v39": rows[:5], "2020-v41": rows[5:]}, minute=1)
    put(inbox / "Hedemora" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1960, 1, 2), 1)]},
        forbund="Hedemora", minute=2)
    path = tmp_path / "huvudregister.xlsx"
    merge.merge(inbox, path, tmp_path / "kvitton", crypto.Passwords([PASSWORD]), today=D(2020, 10, 20), now=NOW)
    return path


def test_status_per_forbund(register: Path) -> None:
    result = status.status(register, crypto.Passwords([PASSWORD]), D(2020, 11, 4))
    avesta, hedemora = result.forbund
    assert avesta.forbund == "Avesta" and avesta.weeks_received == ["2020-v39", "2020-v41"]
    assert avesta.weeks_missing == ["2020-v40", "2020-v42", "2020-v43", "2020-v44"]  # to last week (today: v45)
    assert (avesta.consenting, avesta.treatment, avesta.control, avesta.treatment_percent) == (10, 6, 4, 60.0)
    assert avesta.p_value == pytest.approx(1.0)
    assert hedemora.last_file == "Hedemora/v40.xlsx" and hedemora.last_merged == NOW
    assert result.total.consenting == 11 and result.audit.intact


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_p_value_is_scipys(pair: tuple[int, int]) -> None:
    from scipy.stats import binomtest

    successes, trials = pair
    if trials == 0:
        assert status.binomial_p_value(0, 0) is None
        return
    assert status.binomial_p_value(successes, trials) == pytest.approx(
        binomtest(successes, trials, 0.6).pvalue, rel=1e-9, abs=1e-12)


def test_a_drifting_randomisation_shows(tmp_path: Path) -> None:
    assert status.binomial_p_value(30, 100) < 0.001  # 30 % treatment where 60 % was planned
    assert status.binomial_p_value(60, 100) == pytest.approx(1.0)


def _edit(path: Path, sheet: str, cell: str, value: object) -> None:
    """Change one cell as a person would in Excel: open, change, save, encrypt again with the same password."""
    opened = crypto.open_bytes(path.read_bytes(), crypto.Passwords([PASSWORD]), path)
    book = openpyxl.load_workbook(io.BytesIO(opened.data))
    book[sheet][cell] = value
    path.write_bytes(crypto.encrypt(workbooks.to_bytes(book), crypto.Passwords([PASSWORD]), path))


def test_an_edit_made_outside_samrehab_is_named(register: Path, run) -> None:  # type: ignore[no-untyped-def]
    _edit(register, "Deltagare", "M3", "någon.annan@example.se")  # E-post of Avesta 202039-02
    result = status.status(register, crypto.Passwords([PASSWORD]), TODAY)
    assert not result.audit.intact and result.audit.chain_broken_at is None
    [edit] = result.audit.edits
    assert (edit.cell, edit.forbund, edit.serial, edit.column) == ("Deltagare!M3", "Avesta", "202039-02", "E-post")
    cli = run("status", "--register", register, "--today", TODAY.isoformat(), env={"SAMREHAB_PASSWORD": PASSWORD})
    assert cli.exit_code == 1 and "Deltagare!M3" in cli.stdout and "ändrats utanför samrehab" in cli.stdout


def test_an_edited_log_breaks_the_chain(register: Path) -> None:
    _edit(register, "Ändringslogg", "I2", '{"Vecka": "2020-v39"}')
    result = status.status(register, crypto.Passwords([PASSWORD]), TODAY)
    assert result.audit.chain_broken_at == 1 and not result.audit.intact


def test_a_row_added_by_hand_is_named(register: Path) -> None:
    _edit(register, "Avböjda", "A2", "Avesta")
    _edit(register, "Avböjda", "B2", "202039-99")
    result = status.status(register, crypto.Passwords([PASSWORD]), TODAY)
    assert any(e.serial == "202039-99" and "lagts till utanför samrehab" in e.description for e in result.audit.edits)


def test_json_is_the_result(register: Path, run) -> None:  # type: ignore[no-untyped-def]
    result = run("status", "--register", register, "--format", "json", "--today", "2020-11-04",
                 env={"SAMREHAB_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["forbund"] for f in data["forbund"]] == ["Avesta", "Hedemora"] and data["audit"]["intact"] is True
