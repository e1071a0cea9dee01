"""The command line speaks Swedish (issue 14): every help page and usage error, with exit code 2 for a usage error,
``--debug`` before or after the command, and a closed pipe that is not an error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from samrehab_cli import shell
from samrehab_cli.cli.app import app

from conftest import FORBUND, english, make_workbook

EXAMPLE = Path(__file__).resolve().parents[1] / "examples"
COMMANDS = list(typer.main.get_command(app).commands)

def test_the_english_detector_finds_clicks_words() -> None:
    """The detector of the tests below finds what click and Typer would have written (a test of the test)."""
    for text in ("Usage: samrehab [OPTIONS] COMMAND [ARGS]...", "  --rows <int range>  [default: 40; 1<=x<=999]",
                 "Error: Missing option '-o' / '--output'.", "No such option: --mrak (Possible options: --mark)",
                 "Got unexpected extra argument(s) (x)", "Invalid value for '--rows': Input should be greater than "
                 "or equal to 1", "Show this message and exit.", "Did you mean 'validate'?"):
        assert english(text), text
    assert not english("Användning: samrehab validate [FLAGGOR] FIL...  Visa den här hjälpen och avsluta.")


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_page_is_swedish(run, command: str) -> None:
    for flag in ("--help", "-h"):
        result = run(*filter(None, [command, flag]))
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"Användning: samrehab {command}".rstrip() + " [FLAGGOR]")
        assert english(result.stdout) == [], (command, english(result.stdout))
        assert "Visa den här hjälpen och avsluta." in result.stdout and "--debug" in result.stdout
        if command:
            assert "Flaggor:" in result.stdout and "Exempel:" in result.stdout
    if command:  # an example is one line, whole, so that it can be copied
        examples = re.split(r"\n(?=\S)", result.stdout.split("Exempel:\n")[1])[0]
        assert all(line.startswith("      samrehab ") for line in examples.splitlines() if line), examples


def test_samrehab_alone_shows_the_help_and_exits_2(run) -> None:
    result = run()
    assert result.exit_code == 2 and "Kommandon:" in result.stderr and english(result.output) == []


#: Usage errors of every kind click raises, on every command: (arguments, what the sentence must say).
USAGE_ERRORS = [
    (["valdate", "x.xlsx"], "samrehab har inget kommando valdate. Menade du validate?"),
    (["kryptera"], "samrehab har inget kommando kryptera."),
    (["--debug"], "Ange ett kommando, till exempel samrehab validate FIL."),
    (["--versionn"], "samrehab har ingen flagga --versionn. Menade du --version?"),
    (["--version=2"], "--version tar inget värde"),
    (["validate"], "samrehab validate behöver FIL...: Registreringsfilerna"),
    (["validate", "x.xlsx", "--mrak"], "samrehab validate har ingen flagga --mrak. Menade du --mark?"),
    (["validate", "x.xlsx", "--today"], "--today behöver ett värde (DATUM): Dagens datum"),
    (["validate", "x.xlsx", "--format"], "--format behöver ett värde (FORMAT)"),
    (["validate", "x.xlsx", "--mark=ja"], "--mark tar inget värde; skriv bara --mark."),
    (["validate", "x.xlsx", "-x"], "samrehab validate har ingen flagga -x."),
    (["template"], "samrehab template behöver -o/--output FIL: Arbetsboken som skapas."),
    (["template", "-o", "x.xlsx"], "samrehab template behöver --forbund NAMN: Samordningsförbundets namn."),
    (["template", "-o"], "-o behöver ett värde (FIL)"),
    (["template", "-o", "x.xlsx", "--forbund", "F", "--rows", "0"], "--rows ska vara ett heltal från 1 till 999."),
    (["template", "-o", "x.xlsx", "--forbund", "F", "--rows", "1000"], "--rows ska vara ett heltal från 1 till 999."),
    (["template", "-o", "x.xlsx", "--forbund", "F", "--rows", "tio"], "--rows ska vara ett heltal från 1 till 999."),
    (["template", "-o", "x.xlsx", "--forbund", "F", "--rows", "2.5"], "--rows ska vara ett heltal från 1 till 999."),
    (["template", "-o", "x.xlsx", "--forbund", "F", "extra"], "samrehab template vet inte vad extra är"),
    (["weeks"], "samrehab weeks behöver FIL: Registreringsfilen"),
    (["weeks", "x.xlsx"], "samrehab weeks behöver --to VECKA: Sista veckan som ska finnas, ÅÅÅÅ-vVV."),
    (["weeks", "x.xlsx", "--to", "2021-v10", "--rows", "-1"], "--rows ska vara ett heltal från 1 till 999."),
    (["weeks", "x.xlsx", "y.xlsx", "--to", "2021-v10"], "samrehab weeks vet inte vad y.xlsx är"),
    (["encrypt"], "samrehab encrypt behöver FIL: Arbetsboken som ska krypteras (.xlsx)."),
    (["encrypt", "x.xlsx", "--in-place=1"], "--in-place tar inget värde"),
    (["encrypt", "x.xlsx", "--password", "hemligt"], "samrehab encrypt har ingen flagga --password. Menade du "),
    (["decrypt", "x.xlsx"], "samrehab decrypt behöver -o/--output UTFIL: Den okrypterade kopian."),
    (["decrypt", "x.xlsx", "-o"], "-o behöver ett värde (UTFIL)"),
    (["rules", "extra"], "samrehab rules vet inte vad extra är"),
    (["rules", "--format"], "--format behöver ett värde (FORMAT): human (standard), json eller markdown."),
    (["rules", "--force"], "samrehab rules har ingen flagga --force. Menade du --format?"),
    (["outcomes"], "samrehab outcomes behöver PERIOD: Året (2020) eller halvåret (2020H1, 2020H2)."),
    (["outcomes", "2020", "2021"], "samrehab outcomes vet inte vad 2021 är"),
    (["outcomes", "2020", "--register"], "--register behöver ett värde (FIL_ELLER_MAPP)"),
    (["outcomes", "2020", "--strict=nej"], "--strict tar inget värde"),
    (["ors", "--due", "--team"], "--team behöver ett värde (TEAM)"),
    (["ors", "--due", "--date"], "--date behöver ett värde (DATUM)"),
    (["ors", "due"], "samrehab ors vet inte vad due är"),
]


@pytest.mark.parametrize(("args", "said"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_errors_are_one_swedish_sentence_and_exit_2(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            args: list[str], said: str) -> None:
    monkeypatch.chdir(tmp_path)
    for given in (args, ["--debug", *args]):  # --debug changes nothing here: still one line, still 2
        result = run(*given)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        assert line.startswith("Fel: ") and said in line, line
        command = args[0] if args[0] in COMMANDS else ""
        assert line.endswith(f" Se {shell.command('samrehab', *filter(None, [command]))} --help."), line
        assert english(line) == [], english(line)
    assert list(tmp_path.iterdir()) == []


def test_no_password_option_is_suggested_in_the_argv(run) -> None:
    """A password is never an argument: --password is unknown, and the sentence never repeats its value."""
    result = run("decrypt", "x.xlsx", "-o", "y.xlsx", "--password=hemligt")
    assert result.exit_code == 2 and "hemligt" not in result.output


# --- a closed pipe ------------------------------------------------------------------------------------------------
def _closed_pipe(args: list[object], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run samrehab with standard out a pipe nobody reads (closed before it starts, so every write fails)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "samrehab_cli", *map(str, args)], stdout=write,
                              stderr=subprocess.PIPE, cwd=cwd, env={**os.environ, **(env or {})}, timeout=120,
                              check=False)
    finally:
        os.close(write)


@pytest.mark.skipif(os.name != "posix", reason="a closed pipe as POSIX shells make it")
def test_a_closed_pipe_is_not_an_error_in_any_command(tmp_path: Path) -> None:
    """``samrehab rules | head -1`` and the like: nothing about the pipe on stderr, and the exit code the command
    would have had anyway (1 for a file with findings of severity fel)."""
    plain = tmp_path / "vecka.xlsx"
    plain.write_bytes(make_workbook([{"meeting_date": "2020-09-21", "consent": "Kanske"}]))
    register = EXAMPLE / "deltagarregister.xlsx"
    day = ["--today", "2021-06-30"]
    for args in (["--help"], ["--version"], ["rules"], ["rules", "--format", "markdown"], ["validate", "--help"],
                 ["validate", plain, *day], ["validate", plain, "--format", "json", *day],
                 ["outcomes", "2020", "--register", register, *day],
                 ["outcomes", "2020", "--register", register, "--format", "csv", *day],
                 ["ors", "--due", "--date", "2020-11-15", "--register", register, *day],
                 ["template", "-o", tmp_path / "ny.xlsx", "--forbund", FORBUND, "--no-encrypt"]):
        result = _closed_pipe(args, tmp_path)
        said = result.stderr.decode()
        assert result.returncode == (1 if args[0] == "validate" and args[1] == plain else 0), (args, said)
        assert said == "" or said.startswith("Varning: ") and len(said.splitlines()) == 1, (args, said)
    assert (tmp_path / "ny.xlsx").exists()  # the work was done; only the message had nowhere to go


def test_output_to_a_file_is_utf8_whatever_the_locale(tmp_path: Path) -> None:
    """On Windows a redirected standard out gets the ANSI code page, which has no "−" (a negative change) and no box
    lines: samrehab writes UTF-8 instead of failing half-way."""
    result = subprocess.run([sys.executable, "-m", "samrehab_cli", "outcomes", "2020", "--register",
                             str(EXAMPLE / "deltagarregister.xlsx"), "--today", "2021-06-30"],
                            capture_output=True, env={**os.environ, "PYTHONIOENCODING": "cp1252"}, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Måluppfyllelse" in result.stdout.decode("utf-8")
