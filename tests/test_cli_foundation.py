"""template, weeks, encrypt, decrypt through the CLI; errors for people; no password in argv."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import msoffcrypto
import pytest
from openpyxl import load_workbook
from tests.conftest import FORBUND, OFFICE, OLD_PASSWORD, PASSWORD, make_workbook

from samrehab_cli import errors
from samrehab_cli.cli.app import app
from samrehab_cli.registration import template
from samrehab_cli.storage import crypto, workbooks

FILLED = [
    {"meeting_date": dt.date(2020, 9, 21), "consent": "Ja", "consent_date": dt.date(2020, 9, 24),
     "envelope": 17, "personnummer": "199102051233", "name": "Anna Andersson", "language": "Svenska",
     "email": "anna@example.se", "mobile": "070-123 45 67", "treatment": "Ja", "control": "Nej"},
    {"meeting_date": dt.date(2020, 9, 22), "consent": "Nej", "birth_date": dt.date(1980, 5, 1), "gender": "Man",
     "comment": "=1+1"},
]


def _open(path: Path, *passwords: str) -> bytes:
    return crypto.open_bytes(path.read_bytes(), crypto.Passwords(list(passwords)), path).data


def _week_rows(data: bytes, sheet: str) -> list[list[object]]:
    return workbooks.read(data, Path("x")).rows(sheet)


def test_round_trip_template_fill_encrypt_decrypt(run, tmp_path: Path, password_file: Path) -> None:
    reg = tmp_path / "registrering.xlsx"
    result = run("template", "-o", reg, "--forbund", FORBUND, "--from", "2020-v39", "--to", "2021-v10",
                 "--password-file", password_file)
    assert result.exit_code == 0, result.output
    assert "25 veckoflikar (2020-v39–2021-v10)" in result.stdout
    office = msoffcrypto.OfficeFile(io.BytesIO(reg.read_bytes()))
    assert office.is_encrypted() and office.type == "agile"
    # a coordinator fills in rows (through the library), saves, and the file is encrypted again
    book = workbooks.open_for_change(_open(reg, PASSWORD), reg)
    template.write_rows(book["2020-v39"], FILLED)
    plain = tmp_path / "ifylld.xlsx"
    plain.write_bytes(workbooks.to_bytes(book))
    enc = tmp_path / "ifylld-krypterad.xlsx"
    assert run("encrypt", plain, "-o", enc, "--password-file", password_file).exit_code == 0
    out = tmp_path / "klartext.xlsx"
    result = run("decrypt", enc, "-o", out, "--password-file", password_file)
    assert result.exit_code == 0 and "klartext" in result.stderr
    assert out.read_bytes() == plain.read_bytes()
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600 and enc.stat().st_mode & 0o777 == 0o600
    rows = _week_rows(out.read_bytes(), "2020-v39")
    assert rows[1][:4] == ["202039-01", dt.date(2020, 9, 21), "Ja", dt.date(2020, 9, 24)]
    assert rows[1][6:12] == [17.0, "199102051233", "Anna Andersson", "Svenska", "anna@example.se", "070-123 45 67"]
    assert rows[2][18] == "=1+1"
    assert load_workbook(out)["2020-v39"]["S3"].data_type == "s"  # text, never a formula
    # msoffcrypto-tool's own command line decrypts what we wrote, with the same password
    tool = shutil.which("msoffcrypto-tool", path=str(Path(sys.executable).parent))
    via_tool = tmp_path / "via-tool.xlsx"
    subprocess.run([tool, "-p", PASSWORD, str(enc), str(via_tool)], check=True)
    assert via_tool.read_bytes() == plain.read_bytes()


def test_template_no_encrypt_warns(run, tmp_path: Path) -> None:
    reg = tmp_path / "mall.xlsx"
    result = run("template", "-o", reg, "--forbund", FORBUND, "--from", "2020-v52", "--to", "2021-v02",
                 "--rows", "3", "--no-encrypt")
    assert result.exit_code == 0
    assert "inte krypterad" in result.stderr
    assert workbooks.read(reg.read_bytes(), reg).sheet_names == ["Instruktioner", "2020-v52", "2020-v53",
                                                                 "2021-v01", "2021-v02"]


def test_weeks_keeps_values_encryption_and_the_same_password(run, tmp_path: Path, password_file: Path) -> None:
    reg = tmp_path / "reg.xlsx"
    reg.write_bytes(make_workbook(FILLED, per_week=4, password=OLD_PASSWORD))
    result = run("weeks", reg, "--to", "2020-v42", "--password-file", password_file)
    assert result.exit_code == 0, result.output
    assert "La till 3 veckoflikar (2020-v40–2020-v42)" in result.stdout
    data = _open(reg, OLD_PASSWORD)  # still the password it had, not the newest
    book = workbooks.read(data, reg)
    assert book.sheet_names == ["Instruktioner", "2020-v39", "2020-v40", "2020-v41", "2020-v42"]
    assert _week_rows(data, "2020-v39")[1][7] == "199102051233"
    assert [r[0] for r in book.rows("2020-v42")[1:]] == ["202042-01", "202042-02", "202042-03", "202042-04"]
    again = run("weeks", reg, "--to", "2020-v42", "--password-file", password_file)
    assert again.exit_code == 0 and "Inga veckor saknades" in again.stdout


def test_encrypt_re_encrypts_older_password_with_newest(run, tmp_path: Path, password_file: Path) -> None:
    old = tmp_path / "gammal.xlsx"
    old.write_bytes(make_workbook(FILLED, password=OLD_PASSWORD))
    before = old.read_bytes()
    new = tmp_path / "ny.xlsx"
    result = run("encrypt", old, "-o", new, "--password-file", password_file)
    assert result.exit_code == 0 and "äldre lösenord" in result.stdout
    assert old.read_bytes() == before
    with pytest.raises(errors.WrongPassword):
        _open(new, OLD_PASSWORD)
    assert _open(new, PASSWORD) == _open(old, OLD_PASSWORD)


def test_encrypt_in_place_and_output_rules(run, tmp_path: Path, password_file: Path) -> None:
    plain = tmp_path / "vecka.xlsx"
    plain.write_bytes(make_workbook(FILLED))
    contents = _open(plain)
    assert run("encrypt", plain, "--password-file", password_file).exit_code == 2
    existing = tmp_path / "finns.xlsx"
    existing.write_bytes(b"keep")
    refused = run("encrypt", plain, "-o", existing, "--password-file", password_file)
    assert refused.exit_code == 2 and "finns redan" in refused.stderr and existing.read_bytes() == b"keep"
    assert run("encrypt", plain, "-o", plain, "--password-file", password_file).exit_code == 2
    assert run("encrypt", plain, "--in-place", "--password-file", password_file).exit_code == 0
    assert _open(plain, PASSWORD) == contents
    xls = tmp_path / "gammal.xls"
    shutil.copy(OFFICE / "plain.xls", xls)
    result = run("encrypt", xls, "-o", tmp_path / "x.xlsx", "--password-file", password_file)
    assert result.exit_code == 2 and ".xls" in result.stderr and not (tmp_path / "x.xlsx").exists()


def test_password_sources_stdin_and_environment(run, tmp_path: Path) -> None:
    enc = tmp_path / "k.xlsx"
    enc.write_bytes(make_workbook(FILLED, password=PASSWORD))
    out1, out2 = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert run("decrypt", enc, "-o", out1, "--password-stdin", input=f"{PASSWORD}\n").exit_code == 0
    assert run("decrypt", enc, "-o", out2, env={crypto.ENV_VAR: PASSWORD}).exit_code == 0
    assert out1.read_bytes() == out2.read_bytes()


def test_samrehab_toml_names_the_password_file(run, tmp_path: Path, password_file: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "samrehab.toml").write_text(f'password_file = "{password_file.name}"\n', encoding="utf-8")
    (tmp_path / "k.xlsx").write_bytes(make_workbook(FILLED, password=PASSWORD))
    assert run("decrypt", "k.xlsx", "-o", "u.xlsx").exit_code == 0


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_password_file_readable_by_others_is_refused(run, tmp_path: Path, password_file: Path) -> None:
    password_file.chmod(0o644)
    enc = tmp_path / "k.xlsx"
    enc.write_bytes(make_workbook(FILLED, password=PASSWORD))
    result = run("decrypt", enc, "-o", tmp_path / "u.xlsx", "--password-file", password_file)
    assert result.exit_code == 2 and "chmod 600" in result.stderr


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    import zipfile

    made = {"missing": tmp_path / "saknas.xlsx", "folder": tmp_path / "mapp"}
    made["folder"].mkdir()
    made["docx"] = OFFICE / "ecma376standard_password.docx"
    data = make_workbook(FILLED)
    made["truncated"] = tmp_path / "halv.xlsx"
    made["truncated"].write_bytes(data[: len(data) // 3])
    made["random"] = tmp_path / "slump.xlsx"
    made["random"].write_bytes(os.urandom(20_000))
    made["bomb"] = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(made["bomb"], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * 40_000_000)
    made["wrong password"] = tmp_path / "fel.xlsx"
    made["wrong password"].write_bytes(make_workbook(FILLED, password="något helt annat"))
    return made


@pytest.mark.parametrize("command", ["decrypt", "encrypt", "weeks"])
def test_bad_inputs_give_one_swedish_line_and_exit_2(run, tmp_path: Path, password_file: Path,
                                                     command: str) -> None:
    for what, path in _bad_inputs(tmp_path).items():
        before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
        extra = {"decrypt": ["-o", tmp_path / "ut.xlsx"], "encrypt": ["-o", tmp_path / "ut.xlsx"],
                 "weeks": ["--to", "2020-v45"]}[command]
        result = run(command, path, *extra, "--password-file", password_file, "--password-stdin",
                     input="Password1234_\n")
        assert result.exit_code == 2, (what, result.output)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Fel: "), (what, result.stderr)
        assert "Traceback" not in result.output and PASSWORD not in result.output
        after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
        assert after == before, what  # nothing written, nothing changed


def test_no_command_takes_a_password_in_argv() -> None:
    """Passwords come from a prompt, a file, stdin or the environment: never a value on the command line."""
    import inspect
    import typing

    for info in app.registered_commands:
        signature = inspect.signature(info.callback, eval_str=True)
        for name, parameter in signature.parameters.items():
            option = next(m for m in typing.get_args(parameter.annotation)[1:])
            words = " ".join([name, *(option.param_decls or ())]).lower()
            if "password" in words or "lösenord" in words:
                kind = typing.get_args(parameter.annotation)[0]
                assert (name, kind) in (("password_file", Path | None), ("password_stdin", bool)), name


def test_help_is_swedish_with_an_example_for_every_command(run) -> None:
    import typer.main

    for name in typer.main.get_command(app).commands:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Exempel" in result.stdout, name
        assert f"samrehab {name}" in result.stdout, name
    assert run("--version").stdout.startswith("samrehab ")


def test_help_imports_no_heavy_module() -> None:
    code = ("import sys\nsys.argv = ['samrehab', '--help']\nfrom samrehab_cli.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = ('openpyxl', 'pandas', 'msoffcrypto', 'python_calamine', 'pydantic', 'numpy')\n"
            "print('HEAVY', [m for m in heavy if m in sys.modules])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_unexpected_error_is_one_line_unless_debug(run, tmp_path: Path, password_file: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("intern detalj")

    monkeypatch.setattr(template, "new_workbook", boom)
    result = run("template", "-o", tmp_path / "m.xlsx", "--forbund", "X", "--no-encrypt")
    assert result.exit_code == 2 and "RuntimeError" in result.stderr and "intern detalj" not in result.output
    assert "--debug" in result.stderr and not (tmp_path / "m.xlsx").exists()
    for debug in (run("--debug", "template", "-o", tmp_path / "m.xlsx", "--forbund", "X", "--no-encrypt"),
                  run("template", "-o", tmp_path / "m.xlsx", "--forbund", "X", "--no-encrypt", "--debug"),
                  run("template", "-o", tmp_path / "m.xlsx", "--forbund", "X", "--no-encrypt",
                      env={"SAMREHAB_DEBUG": "1"})):
        assert debug.exit_code == 2  # still: the command could not run
        assert "Traceback" in debug.stderr and "RuntimeError: intern detalj" in debug.stderr
        assert debug.stderr.strip().splitlines()[-1].startswith("Fel: Ett oväntat fel")
    assert not (tmp_path / "m.xlsx").exists()


def test_hidden_prompt_asks_twice_when_encrypting(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    from samrehab_cli.cli import common

    answers = iter([PASSWORD, PASSWORD, PASSWORD, "annat"])
    prompts: list[str] = []
    monkeypatch.setattr(common, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": prompts.append(prompt) or next(answers))
    reg = tmp_path / "m.xlsx"
    assert run("template", "-o", reg, "--forbund", "X", "--rows", "2").exit_code == 0
    assert prompts == ["Lösenord: ", "Upprepa lösenordet: "]
    assert _open(reg, PASSWORD)
    mismatch = run("template", "-o", tmp_path / "n.xlsx", "--forbund", "X")
    assert mismatch.exit_code == 2 and "stämde inte" in mismatch.stderr and not (tmp_path / "n.xlsx").exists()


def test_weeks_refuses_xls_clearly(run, tmp_path: Path) -> None:
    xls = tmp_path / "gammal.xls"
    shutil.copy(OFFICE / "plain.xls", xls)
    result = run("weeks", xls, "--to", "2020-v40")
    assert result.exit_code == 2 and "gamla .xls-formatet" in result.stderr
