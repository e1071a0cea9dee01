"""Passwords and encryption: crypto.py is the only module that touches a password."""

from __future__ import annotations

import io
import os
from pathlib import Path

import msoffcrypto
import pytest
from tests.conftest import OLD_PASSWORD, PASSWORD, make_workbook

from samrehab_cli import errors
from samrehab_cli.storage import crypto, workbooks

PLAIN = make_workbook([{"consent": "Nej"}])
ENCRYPTED_NEW = crypto.encrypt(PLAIN, crypto.Passwords([PASSWORD]), Path("x.xlsx"))
ENCRYPTED_OLD = crypto.encrypt(PLAIN, crypto.Passwords([OLD_PASSWORD]), Path("x.xlsx"))


def test_encrypt_writes_agile_that_msoffcrypto_opens() -> None:
    office = msoffcrypto.OfficeFile(io.BytesIO(ENCRYPTED_NEW))
    assert office.is_encrypted() and office.type == "agile"
    assert office.info["passwordHashAlgorithm"] == "SHA512" and office.info["passwordKeyBits"] == 256
    office.load_key(password=PASSWORD, verify_password=True)
    out = io.BytesIO()
    office.decrypt(out, verify_integrity=True)
    assert out.getvalue() == PLAIN


def test_open_tries_every_password_newest_first() -> None:
    passwords = crypto.Passwords([PASSWORD, OLD_PASSWORD])
    new = crypto.open_bytes(ENCRYPTED_NEW, passwords, Path("n.xlsx"))
    old = crypto.open_bytes(ENCRYPTED_OLD, passwords, Path("o.xlsx"))
    assert (new.data, new.slot, new.with_newest, new.encryption) == (PLAIN, 0, True, "agile")
    assert (old.data, old.slot, old.with_newest) == (PLAIN, 1, False)


def test_plain_file_opens_without_password() -> None:
    opened = crypto.open_bytes(PLAIN, crypto.Passwords(), Path("p.xlsx"))
    assert (opened.data, opened.encryption, opened.slot) == (PLAIN, None, None)


def test_wrong_and_missing_password() -> None:
    with pytest.raises(errors.WrongPassword) as wrong:
        crypto.open_bytes(ENCRYPTED_NEW, crypto.Passwords(["fel"]), Path("n.xlsx"))
    assert "fel" not in str(wrong.value).split("n.xlsx")[1]
    with pytest.raises(errors.PasswordNeeded):
        crypto.open_bytes(ENCRYPTED_NEW, crypto.Passwords(), Path("n.xlsx"))


def test_excel_default_password_is_tried_last() -> None:
    velvet = crypto.encrypt(PLAIN, crypto.Passwords([crypto.EXCEL_DEFAULT_PASSWORD]), Path("v.xlsx"))
    opened = crypto.open_bytes(velvet, crypto.Passwords([PASSWORD]), Path("v.xlsx"))
    assert opened.data == PLAIN and opened.slot == 1
    assert crypto.open_bytes(velvet, crypto.Passwords(), Path("v.xlsx")).data == PLAIN


def test_re_encrypting_keeps_the_slot_password() -> None:
    passwords = crypto.Passwords([PASSWORD, OLD_PASSWORD])
    again = crypto.encrypt(PLAIN, passwords, Path("x.xlsx"), slot=1)
    assert crypto.open_bytes(again, crypto.Passwords([OLD_PASSWORD]), Path("x.xlsx")).data == PLAIN


def test_encrypt_refuses_xls_and_a_failed_check(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(errors.CannotEncryptXls):
        crypto.encrypt(crypto.OLE_MAGIC + b"\0" * 600, crypto.Passwords([PASSWORD]), Path("a.xls"))
    real = crypto.open_bytes
    monkeypatch.setattr(crypto, "open_bytes", lambda data, pw, path: crypto.Opened(data[:-1], "agile", 0)
                        if data.startswith(crypto.OLE_MAGIC) else real(data, pw, path))
    with pytest.raises(errors.EncryptionFailed):
        crypto.encrypt(PLAIN, crypto.Passwords([PASSWORD]), Path("x.xlsx"))


def test_passwords_never_show_themselves() -> None:
    passwords = crypto.Passwords([PASSWORD, OLD_PASSWORD])
    for text in (repr(passwords), str(passwords), f"{passwords}", repr([passwords])):
        assert PASSWORD not in text and OLD_PASSWORD not in text


def test_prompt_is_asked_once_and_only_when_needed() -> None:
    asked: list[str] = []

    def ask(purpose: crypto.Purpose, path: Path | None) -> str:
        asked.append(purpose)
        return PASSWORD

    passwords = crypto.Passwords(ask=ask)
    crypto.open_bytes(PLAIN, passwords, Path("p.xlsx"))
    assert asked == []
    crypto.open_bytes(ENCRYPTED_NEW, passwords, Path("n.xlsx"))
    crypto.open_bytes(ENCRYPTED_NEW, passwords, Path("n.xlsx"))
    assert asked == ["read"]
    writer = crypto.Passwords(ask=ask)
    crypto.encrypt(PLAIN, writer, Path("x.xlsx"))
    assert asked == ["read", "write"]


def test_prompt_asks_once_more_for_an_older_password() -> None:
    """A file from before ISF's newest password opens without a password file: the prompt asks for the older one,
    once a run; the file is then re-encrypted with the password that opened it."""
    typed = iter([PASSWORD, OLD_PASSWORD])
    asked: list[tuple[str, Path | None]] = []

    def ask(purpose: crypto.Purpose, path: Path | None) -> str:
        asked.append((purpose, path))
        return next(typed)

    passwords = crypto.Passwords(ask=ask)
    opened = crypto.open_bytes(ENCRYPTED_OLD, passwords, Path("o.xlsx"))
    assert opened.data == PLAIN and opened.slot == 1
    assert asked == [("read", None), ("older", Path("o.xlsx"))]
    assert crypto.open_bytes(crypto.encrypt(PLAIN, passwords, Path("o.xlsx"), slot=1), crypto.Passwords(
        [OLD_PASSWORD]), Path("o.xlsx")).data == PLAIN
    nothing_more = crypto.Passwords(ask=lambda purpose, path: "" if purpose == "older" else "fel")
    with pytest.raises(errors.WrongPassword):
        crypto.open_bytes(ENCRYPTED_NEW, nothing_more, Path("n.xlsx"))


def test_password_file_lines_newest_first(tmp_path: Path) -> None:
    path = tmp_path / "pw.txt"
    path.write_bytes(f"\ufeff{PASSWORD}\r\n\r\n{OLD_PASSWORD}\n".encode())
    path.chmod(0o600)
    assert crypto.read_password_file(path) == [PASSWORD, OLD_PASSWORD]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_password_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pw.txt"
    path.write_text(PASSWORD)
    path.chmod(0o644)
    with pytest.raises(errors.PasswordFileUnsafe):
        crypto.read_password_file(path)
    path.chmod(0o600)
    path.write_text("\n\n")
    with pytest.raises(errors.PasswordFileEmpty):
        crypto.read_password_file(path)


def test_sources_combine_and_prompt_only_without_them(tmp_path: Path) -> None:
    path = tmp_path / "pw.txt"
    path.write_text(f"{PASSWORD}\n")
    path.chmod(0o600)

    def never(purpose: crypto.Purpose, path: Path | None) -> str:
        pytest.fail("asked")

    from_file = crypto.passwords_from(path, ask=never, environ={crypto.ENV_VAR: OLD_PASSWORD})
    assert crypto.open_bytes(ENCRYPTED_OLD, from_file, Path("o.xlsx")).slot == 1
    assert len(crypto.passwords_from(None, environ={})) == 0


def test_decrypted_xls_never_touches_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """msoffcrypto-tool writes a decrypted .xls to a temporary file; ours stays in memory."""
    import tempfile

    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError("plaintext temporary file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_disk)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_disk)
    monkeypatch.setattr(tempfile, "mkstemp", no_disk)
    from msoffcrypto.format import xls97

    monkeypatch.setattr(xls97, "tempfile", tempfile)  # as msoffcrypto-tool has it, before samrehab has met an .xls
    from tests.conftest import OFFICE

    data = (OFFICE / "rc4cryptoapi_password.xls").read_bytes()
    opened = crypto.open_bytes(data, crypto.Passwords(["Password1234_"]), Path("a.xls"))
    assert workbooks.read(opened.data, Path("a.xls")).rows("Sheet1")[0] == ["lorem ipsum", 3.0]


def test_an_encrypted_file_cut_short_is_damaged_not_a_wrong_password(tmp_path: Path) -> None:
    """Cut off in the mail: no password can open it, so none is tried, and the sentence says to ask for it again."""
    path = tmp_path / "avklippt.xlsx"
    whole = make_workbook([], password=PASSWORD)
    path.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(errors.DamagedWorkbook, match="avklippt.*Be avsändaren skicka den igen"):
        crypto.open_bytes(path.read_bytes(), crypto.Passwords([PASSWORD]), path)
    assert crypto.open_bytes(whole, crypto.Passwords([PASSWORD]), path).slot == 0  # near miss: the whole file


def test_a_costly_key_is_refused_before_it_is_derived(monkeypatch: pytest.MonkeyPatch) -> None:
    from msoffcrypto.method.ecma376_agile import ECMA376Agile
    from tests.conftest import FIXTURES

    def derived(*args: object) -> None:
        raise AssertionError("a key was derived")

    monkeypatch.setattr(ECMA376Agile, "makekey_from_password", derived)
    with pytest.raises(errors.UnsupportedEncryption, match="10000000 gånger"):
        crypto.open_bytes((FIXTURES / "crafted" / "spin-count-10000000.xlsx").read_bytes(),
                          crypto.Passwords([PASSWORD, OLD_PASSWORD]), Path("dyr.xlsx"))


def test_the_integrity_code_is_checked_after_encrypting(monkeypatch: pytest.MonkeyPatch) -> None:
    encrypted = crypto.encrypt(PLAIN, crypto.Passwords([PASSWORD]), Path("x.xlsx"))
    assert crypto.open_bytes(encrypted, crypto.Passwords([PASSWORD]), Path("x.xlsx")).intact is True
    monkeypatch.setattr(crypto, "intact", lambda office: False)  # as if msoffcrypto-tool wrote a wrong code
    with pytest.raises(errors.EncryptionFailed):
        crypto.encrypt(PLAIN, crypto.Passwords([PASSWORD]), Path("x.xlsx"))
