"""Files made by real Excel and LibreOffice (copies in tests/fixtures/office-made, see its README): read, or refused
clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import OFFICE

from samrehab_cli import errors
from samrehab_cli.storage import crypto, workbooks

READABLE = [
    # file, password, encryption, sheet, first rows
    ("example_password.xlsx", "Password1234_", "agile", "Sheet1", [["lorem", "ipsum"]]),
    ("libreoffice_standard_password.xlsx", "lopass", "standard", "2020-v39", [[None], ["rad 1"], ["rad 2"]]),
    ("rc4cryptoapi_password.xls", "Password1234_", "rc4_cryptoapi", "Sheet1", [["lorem ipsum", 3.0]]),
    ("xor_password_123456789012345.xls", "123456789012345", "xor", "420", None),
    ("plain.xls", None, None, "Sheet1", [["lorem ipsum", 3.0]]),
    ("example_password.decrypted.xlsx", None, None, "Sheet1", [["lorem", "ipsum"]]),
]


@pytest.mark.parametrize(("name", "password", "encryption", "sheet", "first"), READABLE)
def test_reads_office_files(name: str, password: str | None, encryption: str | None, sheet: str,
                            first: list[list[object]] | None) -> None:
    passwords = crypto.Passwords(["ett annat lösenord", password] if password else [])
    book, opened = workbooks.load(OFFICE / name, passwords)
    assert opened.encryption == encryption
    assert opened.slot == (1 if password else None)
    assert sheet in book.sheet_names
    rows = book.rows(sheet)
    if first is not None:
        assert rows[: len(first)] == first
    if name.startswith("libreoffice"):
        assert [r[0] for r in rows[1:]] == [f"rad {n}" for n in range(1, 60)]
    if name.startswith("xor"):
        assert rows[0][:3] == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("name", [n for n, p, *_ in READABLE if p])
def test_wrong_password_is_refused(name: str) -> None:
    with pytest.raises(errors.WrongPassword):
        workbooks.load(OFFICE / name, crypto.Passwords(["inte rätt"]))
    with pytest.raises(errors.PasswordNeeded):
        workbooks.load(OFFICE / name, crypto.Passwords())


def test_word_document_is_refused() -> None:
    with pytest.raises(errors.NotAWorkbookButWord, match="Word-dokument"):
        workbooks.load(OFFICE / "ecma376standard_password.docx", crypto.Passwords(["Password1234_"]))


def test_office_xlsx_can_be_re_encrypted_as_agile(tmp_path: Path) -> None:
    _, opened = workbooks.load(OFFICE / "libreoffice_standard_password.xlsx", crypto.Passwords(["lopass"]))
    again = crypto.encrypt(opened.data, crypto.Passwords(["nytt"]), tmp_path / "x.xlsx")
    reopened = crypto.open_bytes(again, crypto.Passwords(["nytt"]), tmp_path / "x.xlsx")
    assert reopened.encryption == "agile" and reopened.data == opened.data
