"""Advice that fits and guard rails (issue 14): commands to paste quoted for the shell, output names that match the
format, no suggestion of an option a command does not have, and refusals before anything is written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from samrehab_cli import shell
from samrehab_cli.storage import crypto, files, workbooks

from conftest import FORBUND, OFFICE, PASSWORD, make_workbook
from register_files import person, write_register

FILLED = [{"meeting_date": "2020-09-22", "consent": "Nej", "birth_date": "1980-05-17", "gender": "Kvinna"}]
TODAY = ["--today", "2021-06-30"]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


# --- commands to paste --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("word", "posix", "windows"), [
    ("vecka.xlsx", "vecka.xlsx", "vecka.xlsx"),
    ("Södra Dalarna/vecka-39.xlsx", "'Södra Dalarna/vecka-39.xlsx'", '"Södra Dalarna/vecka-39.xlsx"'),
    ("Registrering vecka 39.xlsx", "'Registrering vecka 39.xlsx'", '"Registrering vecka 39.xlsx"'),
    ("Anna's fil.xlsx", "'Anna'\"'\"'s fil.xlsx'", '"Anna\'s fil.xlsx"'),
    ('a "b" $c.xlsx', "'a \"b\" $c.xlsx'", '"a `"b`" `$c.xlsx"'),
    ("C:\\Users\\Anna\\vecka 39.xlsx", "'C:\\Users\\Anna\\vecka 39.xlsx'", '"C:\\Users\\Anna\\vecka 39.xlsx"'),
    ("", "''", '""'),
])
def test_words_are_quoted_as_each_shell_reads_them(word: str, posix: str, windows: str) -> None:
    assert shell.quote(word, windows=False) == posix
    assert shell.quote(word, windows=True) == windows


@pytest.mark.skipif(os.name != "posix", reason="POSIX shell quoting")
def test_a_quoted_command_pastes_whole_into_a_posix_shell(tmp_path: Path) -> None:
    import subprocess

    for name in ("Registrering vecka 39.xlsx", "Anna's fil.xlsx", 'a "b" $c `d`.xlsx'):
        line = shell.command("printf", "%s", name)
        assert subprocess.run(["sh", "-c", line], capture_output=True, text=True, check=True).stdout == name


def test_messages_quote_the_commands_they_ask_for(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "Registrering vecka 39.xlsx"
    made = run("template", "-o", name, "--forbund", FORBUND, "--rows", "2", "--no-encrypt")
    assert made.exit_code == 0
    assert "samrehab encrypt 'Registrering vecka 39.xlsx' --in-place" in made.stderr
    more = run("weeks", name, "--to", "2030-v01", "--from", "2029-v52")
    assert more.exit_code == 0 and "samrehab encrypt 'Registrering vecka 39.xlsx' --in-place" in more.stderr
    checked = run("validate", name)
    assert "samrehab encrypt 'Registrering vecka 39.xlsx' --in-place" in checked.stdout
    secret = tmp_path / "mina lösenord.txt"
    secret.write_text(PASSWORD)
    if os.name == "posix":
        secret.chmod(0o644)
        unsafe = run("decrypt", name, "-o", "k.xlsx", "--password-file", secret)
        assert unsafe.exit_code == 2 and f"chmod 600 '{secret}'" in unsafe.stderr


# --- output names -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["template", "-o", "ny.xls", "--forbund", FORBUND],
    ["template", "-o", "ny", "--forbund", FORBUND],
    ["template", "-o", "ny.csv", "--forbund", FORBUND],
    ["encrypt", "vecka.xlsx", "-o", "krypterad.txt"],
    ["decrypt", "vecka.xlsx", "-o", "klartext.csv"],
    ["validate", "vecka.xlsx", "--mark", "-o", "granskad.xls"],
], ids=["template-xls", "template-utan", "template-csv", "encrypt", "decrypt", "validate"])
def test_an_output_must_end_as_its_format(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          args: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vecka.xlsx").write_bytes(make_workbook(FILLED, password=PASSWORD))
    before = _files(tmp_path)
    result = run(*args, env={crypto.ENV_VAR: PASSWORD})
    assert result.exit_code == 2 and "ska sluta på .xlsx" in result.stderr, result.stderr
    assert "-o " in result.stderr and _files(tmp_path) == before


def test_decrypting_an_xls_keeps_its_ending(run, tmp_path: Path) -> None:
    xls = tmp_path / "gammal.xls"
    shutil.copy(OFFICE / "rc4cryptoapi_password.xls", xls)
    wrong = run("decrypt", xls, "-o", tmp_path / "klartext.xlsx", env={crypto.ENV_VAR: "Password1234_"})
    assert wrong.exit_code == 2 and "ska sluta på .xls, eftersom den sparas som Excel 97–2003" in wrong.stderr
    assert not (tmp_path / "klartext.xlsx").exists()
    right = run("decrypt", xls, "-o", tmp_path / "klartext.xls", env={crypto.ENV_VAR: "Password1234_"})
    assert right.exit_code == 0, right.output


@pytest.mark.parametrize("command", ["decrypt", "validate", "outcomes", "encrypt"])
def test_output_equal_to_input_suggests_only_options_the_command_has(run, tmp_path: Path, command: str) -> None:
    path = tmp_path / "vecka.xlsx"
    if command == "outcomes":
        write_register(path, [person("D1")])
    else:
        path.write_bytes(make_workbook(FILLED))
    before = path.read_bytes()
    args = {"decrypt": ["decrypt", path, "-o", path], "validate": ["validate", path, "--mark", "-o", path],
            "outcomes": ["outcomes", "2020", "--register", path, "-o", path],
            "encrypt": ["encrypt", path, "-o", path]}[command]
    result = run(*args, env={crypto.ENV_VAR: PASSWORD})
    assert result.exit_code == 2 and "samma som infilen" in result.stderr
    assert ("--in-place" in result.stderr) is (command == "encrypt")
    assert path.read_bytes() == before


def test_encrypting_an_xls_names_the_input(run, tmp_path: Path) -> None:
    xls = tmp_path / "gammal.xls"
    shutil.copy(OFFICE / "plain.xls", xls)
    result = run("encrypt", xls, "-o", tmp_path / "ut.xlsx", env={crypto.ENV_VAR: PASSWORD})
    assert result.exit_code == 2 and f"Filen {xls} är i det gamla .xls-formatet" in result.stderr
    assert "ut.xlsx" not in result.stderr and not (tmp_path / "ut.xlsx").exists()


# --- weeks and template -------------------------------------------------------------------------------------------
def test_more_than_60_new_week_tabs_need_yes_when_nobody_can_be_asked(run, tmp_path: Path) -> None:
    path = tmp_path / "registrering.xlsx"
    path.write_bytes(make_workbook(FILLED, per_week=2))
    before = path.read_bytes()
    refused = run("weeks", path, "--to", "2025-v01")  # (more than 520 weeks are refused outright: test_dates.py)
    assert refused.exit_code == 2 and path.read_bytes() == before
    assert refused.stderr.startswith("Fel: Ingenting ändrades: 223 nya veckoflikar (2020-v40–2025-v01) är fler än 60.")
    assert "--yes" in refused.stderr
    just = run("weeks", path, "--to", "2021-v46")  # 60 new tabs: no question
    assert just.exit_code == 0 and "La till 60 veckoflikar" in just.stdout
    agreed = run("weeks", path, "--to", "2023-v01", "--yes")
    assert agreed.exit_code == 0 and "La till 59 veckoflikar" in agreed.stdout
    template = run("template", "-o", tmp_path / "ny.xlsx", "--forbund", FORBUND, "--from", "2020-v01", "--to",
                   "2025-v01", "--no-encrypt")
    assert template.exit_code == 2 and "--yes" in template.stderr and not (tmp_path / "ny.xlsx").exists()


def test_weeks_refuses_a_workbook_that_is_not_a_registration_workbook(run, tmp_path: Path) -> None:
    register = write_register(tmp_path / "deltagarregister.xlsx", [person("D1")])
    before = register.read_bytes()
    result = run("weeks", register, "--to", "2021-v10")
    assert result.exit_code == 2 and register.read_bytes() == before
    assert "är ingen registreringsfil" in result.stderr and "samrehab template" in result.stderr
    empty = make_workbook(FILLED)  # a registration workbook whose week tabs were all removed still has Instruktioner
    book = workbooks.open_for_change(empty, tmp_path / "x.xlsx")
    del book["2020-v39"]
    kept = tmp_path / "utan-veckor.xlsx"
    kept.write_bytes(workbooks.to_bytes(book))
    assert run("weeks", kept, "--to", "2020-v41", "--from", "2020-v40").exit_code == 0


def test_a_forbund_name_longer_than_excel_keeps_is_refused(run, tmp_path: Path) -> None:
    too_long = run("template", "-o", tmp_path / "a.xlsx", "--forbund", "Ö" * 256, "--no-encrypt")
    assert too_long.exit_code == 2 and "256 tecken" in too_long.stderr and "255" in too_long.stderr
    assert not (tmp_path / "a.xlsx").exists()
    longest = run("template", "-o", tmp_path / "b.xlsx", "--forbund", "Ö" * 255, "--no-encrypt", "--rows", "1")
    assert longest.exit_code == 0
    assert workbooks.read((tmp_path / "b.xlsx").read_bytes(), tmp_path / "b.xlsx").properties[
        "Samordningsförbund"] == "Ö" * 255


# --- samrehab.toml ------------------------------------------------------------------------------------------------
def test_a_syntax_error_in_samrehab_toml_names_the_file_and_line(run, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samrehab.toml").write_text('participant_register = "deltagare.xlsx"\npassword_file = \n',
                                            encoding="utf-8")
    result = run("outcomes", "2020")
    assert result.exit_code == 2
    assert result.stderr == (f"Fel: {tmp_path / 'samrehab.toml'} kunde inte läsas: rad 2, tecken 17 är inte giltig "
                             'TOML. Rätta filen (TOML, till exempel register = "huvudregister.xlsx").\n')


def test_a_missing_password_file_named_in_samrehab_toml_says_so(run, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samrehab.toml").write_text('password_file = "hemligt/losenord.txt"\n', encoding="utf-8")
    (tmp_path / "k.xlsx").write_bytes(make_workbook(FILLED, password=PASSWORD))
    result = run("decrypt", "k.xlsx", "-o", "u.xlsx")
    assert result.exit_code == 2
    assert result.stderr == (f"Fel: {tmp_path / 'hemligt/losenord.txt'} finns inte (password_file i "
                             f"{tmp_path / 'samrehab.toml'}). Rätta sökvägen i {tmp_path / 'samrehab.toml'}, eller "
                             "ange en annan på kommandoraden.\n")
    given = tmp_path / "annan.txt"
    given.write_text(PASSWORD)
    given.chmod(0o600)
    assert run("decrypt", "k.xlsx", "-o", "u.xlsx", "--password-file", given).exit_code == 0


# --- outcomes and ors: honest exit codes ------------------------------------------------------------------------
def test_d401_names_the_other_file_and_row(run, tmp_path: Path) -> None:
    folder = tmp_path / "register"
    folder.mkdir()
    write_register(folder / "a.xlsx", [person("D1"), person("D2"), person("D2")])
    write_register(folder / "b.xlsx", [person("D1", team="Säter"), person("D3")])
    result = run("outcomes", "2020", "--register", folder, "--format", "json", *TODAY)
    found = [(f["file"].split("/")[-1], f["row"], f["message"].split(". ")[0])
             for f in json.loads(result.stdout)["findings"]]
    assert found == [("a.xlsx", 2, f"Deltagar-ID finns också på {folder / 'b.xlsx'}, fliken Deltagare rad 2"),
                     ("a.xlsx", 3, "Deltagar-ID finns också på rad 4"),
                     ("a.xlsx", 4, "Deltagar-ID finns också på rad 3"),
                     ("b.xlsx", 2, f"Deltagar-ID finns också på {folder / 'a.xlsx'}, fliken Deltagare rad 2")]
    assert result.exit_code == 1  # after the output: the register has findings of severity fel


def test_two_copies_of_a_register_write_nothing_and_say_why(run, tmp_path: Path) -> None:
    folder = tmp_path / "register"
    folder.mkdir()
    write_register(folder / "deltagare.xlsx", [person(f"D{n}") for n in range(1, 6)])
    shutil.copy(folder / "deltagare.xlsx", folder / "deltagare (kopia).xlsx")
    report = tmp_path / "rapport.xlsx"
    result = run("outcomes", "2020", "--register", folder, "-o", report, *TODAY)
    assert result.exit_code == 1 and not report.exists()
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("Fel: Alla 10 rader i deltagarregistret har fel, så ingenting räknades och ingen fil "
                           "skrevs: samma Deltagar-ID finns i flera filer (")
    assert "deltagare (kopia).xlsx" in said and "två gånger" in said
    assert "D401" in result.stdout  # each row's finding is shown
    due = run("ors", "--due", "--register", folder, *TODAY)
    assert due.exit_code == 1 and "ingenting räknades" in due.stderr and "behöver ORS" not in due.stdout


def test_outcomes_exit_1_after_printing_when_the_register_has_errors(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [person("D1"), person("D2", team=None)])
    for args in ([], ["--format", "json"], ["--format", "csv"], ["-o", tmp_path / "r.csv"]):
        result = run("outcomes", "2020", "--register", path, *args, *TODAY)
        assert result.exit_code == 1 and (result.stdout or (tmp_path / "r.csv").exists()), args
    due = run("ors", "--due", "--date", "2020-06-01", "--register", path, *TODAY)
    assert due.exit_code == 1 and "D1" in due.stdout
    clean = write_register(tmp_path / "ok.xlsx", [person("D1")])
    assert run("outcomes", "2020", "--register", clean, *TODAY).exit_code == 0


# --- validate: a file that cannot be opened -----------------------------------------------------------------------
def test_a_file_that_cannot_be_opened_gets_advice_that_fits(run, tmp_path: Path) -> None:
    locked = tmp_path / "last.xlsx"
    locked.write_bytes(make_workbook(FILLED, password=PASSWORD))
    junk = tmp_path / "skräp.xlsx"
    junk.write_bytes(b"inte en arbetsbok")
    result = run("validate", locked, *TODAY)
    assert result.exit_code == 1  # a finding in the file (S102), as the help says
    assert "S102" in result.stdout and "--password-file" in result.stdout.splitlines()[-1]
    assert "--mark" not in result.stdout and "Rätta felen" not in result.stdout
    both = run("validate", locked, junk, *TODAY)
    assert both.exit_code == 1 and "S101" in both.stdout and "spara filen på nytt som .xlsx" in both.stdout
    assert "--mark" not in both.stdout
    help_text = run("validate", "--help").stdout
    assert "S101 eller S102, alltså slutkod 1" in help_text


def test_ctrl_c_while_writing_leaves_the_file_and_no_temporary_file(run, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "vecka.xlsx"
    path.write_bytes(make_workbook(FILLED))
    before = _files(tmp_path)

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)  # Ctrl-C with the temporary file half written
    result = run("encrypt", path, "--in-place", env={crypto.ENV_VAR: PASSWORD})
    assert result.exit_code == 130
    assert result.stderr == "Avbrutet (Ctrl-C). Ingen fil sparades till hälften.\n"
    assert _files(tmp_path) == before


def test_rules_show_each_severity_as_reported(run) -> None:
    rules = {r["code"]: r for r in json.loads(run("rules", "--format", "json").stdout)}
    assert (rules["V228"]["severity"], rules["V228"]["other_severity"]) == ("fel", "varning")
    assert (rules["D408"]["severity"], rules["D408"]["other_severity"]) == ("fel", "varning")
    assert rules["V224"]["other_severity"] is None
    table = run("rules").stdout
    assert "V228  fel/varning  Språk saknas (fel) eller finns inte i listan (varning)" in table


def test_a_workbook_made_for_the_tests_opens(tmp_path: Path) -> None:
    """The helpers above write real workbooks (a test of the tests' own files)."""
    path = write_register(tmp_path / "r.xlsx", [person("D1")])
    assert openpyxl.load_workbook(path).sheetnames == ["Deltagare"]
