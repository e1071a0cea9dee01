"""samrehab purge at the förbund, end to end: template → fill → encrypt → merge → receipt → purge → merge."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl.comments import Comment

from samrehab_cli.isf import purge, receipts
from samrehab_cli.registration import template
from samrehab_cli.storage import crypto, workbooks

from conftest import OLD_PASSWORD, PASSWORD
from merge_files import load, person, state

D = dt.date
NEW_PASSWORD = "Vår-2021#"
TODAY = ["--today", "2020-12-31"]


def fill(path: Path, rows: dict[str, list[dict[str, object]]], passwords: crypto.Passwords) -> None:
    """What a coordinator types into the week tabs (the file keeps its encryption); the e-mail of the first row gets
    the link Excel makes of an address, and a note."""
    def edit(book):  # type: ignore[no-untyped-def]
        for week, week_rows in rows.items():
            template.write_rows(book[week], week_rows)
        cell = book["2020-v39"]["K2"]
        cell.hyperlink = f"mailto:{cell.value}"
        cell.comment = Comment(f"Bekräftad {cell.value}", "koordinator")
        return True

    workbooks.rewrite(path, passwords, edit)


def values(path: Path, passwords: crypto.Passwords, week: str) -> list[list[object]]:
    book, _ = workbooks.load(path, passwords)
    return book.rows(week)


def package_text(path: Path, passwords: crypto.Passwords) -> str:
    """Every part of the decrypted package as text: values, links, notes."""
    plain = crypto.open_bytes(path.read_bytes(), passwords, path).data
    with zipfile.ZipFile(io.BytesIO(plain)) as package:
        return "\n".join(package.read(name).decode("utf-8", "replace") for name in package.namelist())


@pytest.fixture
def flow(run, tmp_path: Path, password_file: Path) -> dict[str, Path]:
    """A registration file made, filled, encrypted and merged at ISF; its receipt."""
    reg = tmp_path / "förbund" / "registrering.xlsx"
    reg.parent.mkdir()
    made = run("template", "-o", reg, "--forbund", "Avesta", "--from", "2020-v39", "--to", "2020-v40", "--rows", "5",
               "--password-file", password_file)
    assert made.exit_code == 0, made.output
    fill(reg, {"2020-v39": [person("202039-01", D(1980, 1, 2), 1, email="anna.a@example.se"),
                            person("202039-02", D(1985, 3, 4), 2, group="control", name="Bertil Berg",
                                   email="bertil@example.se"),
                            {"serial": "202039-03", "meeting_date": D(2020, 9, 22), "consent": "Nej",
                             "birth_date": D(1975, 5, 6), "gender": "Man"}],
               "2020-v40": [person("202040-01", D(1990, 7, 8), 3, meeting_date=D(2020, 9, 29),
                                   consent_date=D(2020, 9, 30), name="Cecilia Ceder", email="cecilia@example.se")]},
         crypto.Passwords([PASSWORD]))
    inbox = tmp_path / "inkorg" / "Avesta"
    inbox.mkdir(parents=True)
    shutil.copyfile(reg, inbox / "registrering-v40.xlsx")
    isf = ["--register", tmp_path / "huvudregister.xlsx", "--receipts", tmp_path / "kvitton", "--password-file",
           password_file, *TODAY]
    merged = run("merge", tmp_path / "inkorg", *isf)
    assert merged.exit_code == 0, merged.output
    [receipt] = (tmp_path / "kvitton").iterdir()
    return {"reg": reg, "receipt": receipt, "inbox": inbox, "register": tmp_path / "huvudregister.xlsx",
            "root": tmp_path}


def test_template_fill_encrypt_merge_receipt_purge_merge(run, flow: dict[str, Path], password_file: Path) -> None:
    reg, receipt = flow["reg"], flow["receipt"]
    pw = crypto.Passwords([PASSWORD])
    assert sorted(receipts.parse(receipt.read_text(encoding="utf-8"), receipt).rows) == [
        "202039-01", "202039-02", "202039-03", "202040-01"]
    before_register = state(load(flow["register"]))

    def edit(book):  # type: ignore[no-untyped-def]  # after sending: one row corrected, one person added
        template.write_rows(book["2020-v39"], [{"email": "bertil.berg@example.se"}], first_row=3)
        template.write_rows(book["2020-v39"], [person("202039-04", D(1992, 2, 2), 4, name="Dora Dal",
                                                      email="dora@example.se")], first_row=5)
        return True

    workbooks.rewrite(reg, pw, edit)
    purged = run("purge", reg, "--receipt", receipt, "--password-file", password_file)
    assert purged.exit_code == 1, purged.output  # a row changed since it was sent is refused
    out = purged.stdout
    assert out.startswith(f"Tömde 3 rader i {reg} (allt utom Löpnummer)\n")
    assert "2020-v39\t2\t202039-01\tDatum informationsmöte, Samtycke, Datum samtycke, Kuvertnummer, Personnummer, " \
           "Namn, Språk, E-post, Mobilnummer, Behandlingsgrupp, Kontrollgrupp\n" in out
    assert "Tömdes inte, ändrade efter att filen skickades till ISF: 202039-02 (2020-v39 rad 3)." in out
    assert "Rördes inte, finns inte i kvittensen" in out and "202039-04 (2020-v39 rad 5)" in out
    assert "Filen är kvar, krypterad med samma lösenord." in out

    week39, week40 = values(reg, pw, "2020-v39"), values(reg, pw, "2020-v40")
    assert [v for v in week39[1] if v is not None] == ["202039-01"]  # only the löpnummer is left
    assert [v for v in week39[3] if v is not None] == ["202039-03"]
    assert [v for v in week40[1] if v is not None] == ["202040-01"]
    assert "Bertil Berg" in week39[2] and "bertil.berg@example.se" in week39[2]  # changed since: kept
    assert "Dora Dal" in week39[4]  # never sent: kept (row 5 of the sheet)
    text = package_text(reg, pw)
    for gone in ("anna.a@example.se", "Anna Andersson", "Cecilia Ceder", "Bekräftad"):
        assert gone not in text  # no value, link or note is left behind
    assert [row[0] for row in week39[1:6]] == [f"202039-0{n}" for n in range(1, 6)]  # the numbering goes on

    book, opened = workbooks.load(reg, pw)  # opens with the same password, still Agile-encrypted, 0600
    assert opened.encryption == "agile" and book.properties["Samordningsförbund"] == "Avesta"
    assert reg.stat().st_mode & 0o777 == 0o600
    with pytest.raises(Exception, match="kunde inte öppnas"):
        workbooks.load(reg, crypto.Passwords([OLD_PASSWORD]))

    bytes_after = reg.read_bytes()
    again = run("purge", reg, "--receipt", receipt, "--password-file", password_file)
    assert reg.read_bytes() == bytes_after  # a second purge changes nothing
    assert again.exit_code == 1 and f"Ingenting att tömma: {reg} är oförändrad." in again.stdout
    assert "Redan tömda: 3 rader." in again.stdout

    shutil.copyfile(reg, flow["inbox"] / "registrering-v40-tömd.xlsx")
    merged = run("merge", flow["root"] / "inkorg", "--register", flow["register"], "--receipts",
                 flow["root"] / "kvitton", "--password-file", password_file, *TODAY)
    assert merged.exit_code == 0, merged.output
    after = load(flow["register"])
    kept = {key: row.values for key, row in after.participants.items()}
    for key, row in load_rows(before_register).items():
        if key != ("Avesta", "202039-02"):
            assert tuple(str(v) if v is not None else "" for v in kept[key].values()) == row  # nothing erased
    assert kept[("Avesta", "202039-02")]["email"] == "bertil.berg@example.se"  # the correction came in
    assert ("Avesta", "202039-04") in kept and ("Avesta", "202039-03") in after.declined
    assert [p.kind for p in after.problems] == []  # no cleared cell reported: a purged row changes nothing


def load_rows(recorded: dict[str, object]) -> dict[tuple[str, str], tuple[str, ...]]:
    rows = recorded["deltagare"]
    assert isinstance(rows, list)
    return {(r[0], r[1]): r[3] for r in rows}


def test_a_file_encrypted_again_with_a_newer_password_is_still_purged(run, flow: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    """The receipt's fingerprints are keyed from the password the file was sent with; the förbund has a newer one
    now and has encrypted the file again with it: every known password's key is tried."""
    newer = tmp_path / "nyare.txt"
    newer.write_text(f"{NEW_PASSWORD}\n{PASSWORD}\n", encoding="utf-8")
    newer.chmod(0o600)
    assert run("encrypt", flow["reg"], "--in-place", "--password-file", newer).exit_code == 0
    result = run("purge", flow["reg"], "--receipt", flow["receipt"], "--password-file", newer, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [r["serial"] for r in data["cleared"]] == ["202039-01", "202039-02", "202039-03", "202040-01"]
    assert data["changed"] == [] and data["written"] and data["encrypted"]
    _, opened = workbooks.load(flow["reg"], crypto.Passwords([NEW_PASSWORD]))
    assert opened.encryption == "agile"  # still with the newer password


def test_an_unencrypted_file_stays_unencrypted(run, flow: dict[str, Path], password_file: Path) -> None:
    plain = flow["reg"].with_name("klartext.xlsx")
    assert run("decrypt", flow["reg"], "-o", plain, "--password-file", password_file).exit_code == 0
    result = run("purge", plain, "--receipt", flow["receipt"], "--password-file", password_file)
    assert result.exit_code == 0 and "okrypterad, som förut" in result.stdout
    assert plain.read_bytes().startswith(b"PK")


def test_a_receipt_for_another_forbund_or_no_receipt_changes_nothing(run, flow: dict[str, Path], tmp_path: Path,
                                                                     password_file: Path) -> None:
    before = flow["reg"].read_bytes()
    other = tmp_path / "annan.txt"
    other.write_text(flow["receipt"].read_text(encoding="utf-8").replace("Samordningsförbund: Avesta",
                                                                         "Samordningsförbund: Hedemora"),
                     encoding="utf-8")
    wrong = run("purge", flow["reg"], "--receipt", other, "--password-file", password_file)
    assert wrong.exit_code == 2 and "gäller Hedemora" in wrong.stderr
    note = tmp_path / "anteckning.txt"
    note.write_text("Kom ihåg mjölk\n", encoding="utf-8")
    bad = run("purge", flow["reg"], "--receipt", note, "--password-file", password_file)
    assert bad.exit_code == 2 and "ingen kvittens från ISF" in bad.stderr
    assert flow["reg"].read_bytes() == before


def test_a_row_changed_on_every_cell_is_refused_by_the_library(flow: dict[str, Path]) -> None:
    pw = crypto.Passwords([PASSWORD])

    def edit(book):  # type: ignore[no-untyped-def]
        template.write_rows(book["2020-v40"], [{"comment": "ringde"}])
        return True

    workbooks.rewrite(flow["reg"], pw, edit)
    result = purge.purge(flow["reg"], flow["receipt"], pw)
    assert [r.serial for r in result.changed] == ["202040-01"]
    assert [r.serial for r in result.cleared] == ["202039-01", "202039-02", "202039-03"]
    assert "ringde" in values(flow["reg"], pw, "2020-v40")[1]
