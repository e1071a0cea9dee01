"""Interoperability with a real office suite: LibreOffice opens what samrehab writes, samrehab reads what
LibreOffice writes (RC4-encrypted xls). Skipped where LibreOffice is not installed;
`.ci/run` installs it, so CI always runs these."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import PASSWORD, make_workbook

from samrehab_cli import errors, sheets
from samrehab_cli.storage import crypto, workbooks

SYSTEM_PYTHON = "/usr/bin/python3"
BRIDGE = Path(__file__).with_name("lo_bridge.py")


def _has_uno() -> bool:
    if not shutil.which("soffice") or not Path(SYSTEM_PYTHON).exists():
        return False
    return subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


REQUIRED = bool(os.environ.get("SAMREHAB_REQUIRE_INTEROP"))  # set by .ci/run, which installs LibreOffice
pytestmark = [pytest.mark.interop,
              pytest.mark.skipif(not REQUIRED and not _has_uno(), reason="LibreOffice (UNO) not installed")]


def _office(requests: list[dict]) -> list[dict]:
    done = subprocess.run([SYSTEM_PYTHON, str(BRIDGE)], input=json.dumps(requests), capture_output=True,
                          text=True, timeout=300, check=True)
    return json.loads(done.stdout)


# A coordinator types two rows into our template in the office program, as text, the way people type.
TYPED = {
    "B2": "2020-09-21", "C2": "ja", "D2": "2020-09-24", "G2": "17", "H2": "199102051233", "I2": "Anna Andersson",
    "J2": "Svenska", "K2": "anna@example.se", "L2": "070-123 45 67", "N2": "Ja", "O2": "Nej",
    "B3": "2020-09-22", "C3": "Nej", "E3": "1980-05-01", "F3": "K",
}


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("lo")
    ours = folder / "samrehab.xlsx"
    ours.write_bytes(make_workbook([{"meeting_date": dt.date(2020, 9, 21), "consent": "Ja",
                                     "personnummer": "199102051233", "name": "=2+2"}], per_week=3,
                                   password=PASSWORD))
    rows = [["Löpnummer", "Samtycke"], ["202039-01", "Ja"], ["202039-02", "Nej"], ["202039-03", 42]]
    template = folder / "mall.xlsx"
    template.write_bytes(make_workbook(per_week=5, password=PASSWORD))
    answers = _office([
        {"op": "read", "path": str(ours), "password": PASSWORD},
        {"op": "fill", "path": str(template), "password": PASSWORD, "out": str(folder / "ifylld.xlsx"),
         "filter": "Calc MS Excel 2007 XML", "sheet": "2020-v39", "cells": TYPED},
        {"op": "write", "path": str(folder / "lo.xls"), "password": "lo-hemligt", "filter": "MS Excel 97",
         "sheet": "2020-v39", "rows": rows},
    ])
    return {"folder": folder, "read": answers[0], "rows": rows}


def test_libreoffice_opens_our_encrypted_template(roundtrip: dict) -> None:
    read = roundtrip["read"]
    assert "error" not in read, read
    assert list(read["sheets"]) == ["Instruktioner", "2020-v39"]
    week = read["sheets"]["2020-v39"]
    assert week[1][0] == "202039-01" and week[1][7] == "199102051233"
    assert week[1][8] == "=2+2"  # text, not a formula that LibreOffice computed to 4
    assert read["validations"]["2020-v39"]["Samtycke"] == "LIST"
    assert read["validations"]["2020-v39"]["Datum informationsmöte"] == "DATE"


def test_we_read_the_rc4_xls_libreoffice_writes(roundtrip: dict) -> None:
    """LibreOffice encrypts .xls with plain RC4 (no fixture has it). Its Standard-encrypted xlsx is covered by
    the LibreOffice-made fixture; its UNO API does not encrypt xlsx on export, so it is not made here."""
    path = roundtrip["folder"] / "lo.xls"
    with pytest.raises(errors.WrongPassword):
        workbooks.load(path, crypto.Passwords(["fel"]))
    book, opened = workbooks.load(path, crypto.Passwords([PASSWORD, "lo-hemligt"]))
    assert opened.encryption == "rc4" and opened.slot == 1
    assert book.rows("2020-v39") == [["Löpnummer", "Samtycke"], ["202039-01", "Ja"], ["202039-02", "Nej"],
                                     ["202039-03", 42.0]]


def test_a_template_filled_in_libreoffice_validates_clean(roundtrip: dict) -> None:
    """Dates typed into the date columns become dates, the personnummer is read as its digits (UNO's setFormula
    stores it as a number despite the text format), and every rule passes."""
    from samrehab_cli.registration.validate import validate_file

    path = roundtrip["folder"] / "ifylld.xlsx"
    findings = validate_file(path, crypto.Passwords(), dt.date(2020, 12, 31))
    assert [f.code for f in findings] == ["S103"]  # saved unencrypted (LibreOffice's UNO export cannot encrypt)
    rows = workbooks.read(path.read_bytes(), path).rows("2020-v39")
    assert rows[1][:4] == ["202039-01", dt.date(2020, 9, 21), "ja", dt.date(2020, 9, 24)]
    assert sheets.as_text(rows[1][7]) == "199102051233" and rows[2][4] == dt.date(1980, 5, 1)


def test_libreoffice_opens_the_master_register_with_the_same_values(tmp_path: Path) -> None:
    """ISF's staff work in the register in an office program: it opens with the password, every sheet and value
    as samrehab wrote it, text never turned into a formula."""
    from tests.merge_files import person, put

    from samrehab_cli.isf import merge
    from samrehab_cli.isf import register as master

    inbox = tmp_path / "inkorg"
    put(inbox / "Avesta" / "v39.xlsx", {"2020-v39": [person("202039-01", dt.date(1980, 1, 2), 1, name="=2+2"),
                                                     {"serial": "202039-02", "meeting_date": dt.date(2020, 9, 22),
                                                      "consent": "Nej", "birth_date": dt.date(1980, 5, 17),
                                                      "gender": "Kvinna"}]})
    path = tmp_path / "huvudregister.xlsx"
    merge.merge(inbox, path, tmp_path / "kvitton", crypto.Passwords([PASSWORD]), today=dt.date(2020, 12, 31),
                now="2020-12-31 12:00")
    [read] = _office([{"op": "read", "path": str(path), "password": PASSWORD}])
    assert "error" not in read, read
    assert list(read["sheets"])[:5] == [master.PARTICIPANTS, master.DECLINED, master.FILES, master.LOG,
                                        master.PROBLEMS]
    participants = read["sheets"][master.PARTICIPANTS]
    assert participants[0][:4] == ["Förbund", "Löpnummer", "Vecka", "Datum informationsmöte"]
    assert participants[1][:3] == ["Avesta", "202039-01", "2020-v39"]
    assert participants[1][participants[0].index("Personnummer")] == "198001021230"
    assert participants[1][participants[0].index("Namn")] == "=2+2"  # text, not a formula LibreOffice computed
    assert read["sheets"][master.DECLINED][1][:3] == ["Avesta", "202039-02", "2020-v39"]
    ours = master.load(path, crypto.Passwords([PASSWORD]))[0]
    assert [row[master.LOG_HEADERS.index("Kedja")] for row in read["sheets"][master.LOG][1:]] == \
        [entry.chain for entry in ours.log]
