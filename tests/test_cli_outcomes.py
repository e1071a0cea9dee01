"""`samrehab outcomes` through the CLI, on the examples and on registers written for the test."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import openpyxl
import pytest

from samrehab_cli.participants import outcomes, read
from samrehab_cli.participants.period import parse_period
from samrehab_cli.render.common import to_json
from samrehab_cli.storage import crypto

from conftest import PASSWORD
from register_files import person, write_register

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "deltagarregister.xlsx"
D = dt.date
TODAY = "2021-06-30"


def test_policy_example_through_the_cli(run) -> None:
    result = run("outcomes", "2020", "--register", EXAMPLE, "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"] == {"label": "2020", "start": "2020-01-01", "end": "2020-12-31"}
    row = data["rows"][0]
    assert (row["group"], row["name"]) == ("total", "Totalt")
    assert {k: row[k] for k in ("active", "exits", "dropouts", "work", "studies", "vocational_rehab",
                                "medical_rehab", "sickness_compensation", "other", "active_next_period",
                                "positive", "goal_attainment_percent", "mean_years_without_work",
                                "mean_throughput_months")} == {
        "active": 56, "exits": 23, "dropouts": 3, "work": 4, "studies": 2, "vocational_rehab": 2,
        "medical_rehab": 6, "sickness_compensation": 0, "other": 6, "active_next_period": 33, "positive": 8,
        "goal_attainment_percent": 40.0, "mean_years_without_work": 5.6, "mean_throughput_months": 20.3}
    assert row["previous"] is not None and row["previous"]["active"] > 0
    assert [r["name"] for r in data["rows"]] == ["Totalt", "Avesta", "Hedemora", "Säter", "Kvinna", "Man", "Annat"]
    assert data["findings"] == [] and data["excluded_rows"] == 0
    assert sum(s["count"] for s in data["work_support"]) == 4
    assert len(data["other_comments"]) == 6 and all(c["comment"] for c in data["other_comments"])


def test_json_is_the_library_result(run) -> None:
    result = run("outcomes", "2020H2", "--register", EXAMPLE, "--format", "json", "--today", TODAY)
    reg = read.load([EXAMPLE], crypto.Passwords(), today=D(2021, 6, 30))
    expected = outcomes.compute(reg, parse_period("2020H2"))
    assert json.loads(result.stdout) == json.loads(to_json(expected))


def test_plain_text_is_the_terminal_tables_in_100_columns(run) -> None:
    """``samrehab outcomes 2020 > utfall.txt``: the tables a terminal shows, previous period and all, as plain text."""
    import re

    from rich.console import Console

    from samrehab_cli.render import outcomes as render

    result = run("outcomes", "2020", "--register", EXAMPLE, "--today", TODAY)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 100 and all(line == line.rstrip() for line in lines)
    assert "\x1b[" not in result.stdout and "─" not in result.stdout
    for title in ("Utfall 2020 (2020-01-01–2020-12-31), totalt och per team", "Utfall 2020 (2020-01-01–2020-12-31), "
                  "per kön", "Föregående period 2019, totalt och per team", "Föregående period 2019, per kön",
                  "ORS och SRS 2020, totalt och per team", "ORS och SRS 2020, per kön"):
        assert title in lines
    assert re.search(r"^ Antal aktiva under perioden +56 +22 +17 +17$", result.stdout, re.MULTILINE)
    assert re.search(r"^ Måluppfyllelse +40 % +20 % +71,4 % +33,3 %$", result.stdout, re.MULTILINE)
    assert re.search(r"^ Genomströmningstid +20,3 månader ", result.stdout, re.MULTILINE)
    for text in ("varav 2 med arbetsmarknadsstöd (Lönebidrag 1, Extratjänst 1) och 2 utan stöd",
                 "Bakom Annat (6):", "Alla rader i deltagarregistret är med i tabellerna."):
        assert text in result.stdout
    reg = read.load([EXAMPLE], crypto.Passwords(), today=D(2021, 6, 30))
    terminal = io.StringIO()
    render.outcomes_human(outcomes.compute(reg, parse_period("2020")),
                          Console(file=terminal, width=100, color_system=None), terminal=True)
    same = [line.rstrip().replace("─", "-") for line in terminal.getvalue().splitlines()]
    assert same == lines


def test_rich_table_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from samrehab_cli.render import outcomes as render

    reg = read.load([EXAMPLE], crypto.Passwords(), today=D(2021, 6, 30))
    buffer = io.StringIO()
    result = outcomes.compute(reg, parse_period("2020"))
    render.outcomes_human(result, Console(file=buffer, width=160, color_system=None), terminal=True)
    text = buffer.getvalue()
    assert "Måluppfyllelse" in text and "40 %" in text and "20,3 månader" in text and "─" in text
    assert "Utfall 2020 (2020-01-01–2020-12-31), totalt och per team" in text and ", per kön" in text
    narrow = io.StringIO()  # a plain 80-column terminal: every figure whole, nothing cut off
    render.outcomes_human(result, Console(file=narrow, width=80, color_system=None), terminal=True)
    assert "…" not in narrow.getvalue() and "20,3 månader" in narrow.getvalue() and "71,4 %" in narrow.getvalue()
    assert max(len(line) for line in narrow.getvalue().splitlines()) <= 80


def test_csv_is_for_swedish_excel_and_formula_safe(run, tmp_path: Path) -> None:
    """Semicolons, decimal commas, UTF-8 with a BOM (Excel's own CSV in Swedish), and never a formula."""
    import csv

    path = write_register(tmp_path / "r.xlsx", [person("D1", D(2019, 1, 1), D(2020, 5, 1), "Arbete",
                                                       labour_support="Utan stöd", team="=HYPERLINK(\"x\")"),
                                                person("D2", D(2019, 1, 1), D(2020, 6, 1), "Annat", comment="x"),
                                                person("D3", D(2019, 1, 1), D(2020, 7, 1), "Annat", comment="y")])
    result = run("outcomes", "2020", "--register", path, "--format", "csv", "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = result.stdout_bytes
    assert data.startswith("\ufeffPeriod;Grupp;Namn;Antal aktiva under perioden;".encode()) and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, total = rows[0], rows[1]
    assert total[:6] == ["2020", "Totalt", "Totalt", "3", "3", "0"]
    assert total[header.index("Måluppfyllelse (%)")] == "33,3"  # a decimal comma
    assert any(row[1:3] == ["Per team", "'=HYPERLINK(\"x\")"] for row in rows)
    out = tmp_path / "utfall.csv"  # -o with .csv writes the same file
    assert run("outcomes", "2020", "--register", path, "-o", out, "--today", TODAY).exit_code == 0
    assert out.read_bytes() == data
    help_text = run("outcomes", "--help").stdout
    assert "semikolon, decimalkomma" in help_text and "UTF-8 med BOM" in help_text


@pytest.mark.parametrize(("args", "message"), [
    (["-o", "rapport.txt"], "Utfilen rapport.txt ska sluta på .csv, .json eller .xlsx"),
    (["-o", "rapport.csv", "--format", "xlsx"], "Utfilen rapport.csv ska sluta på .xlsx"),
    (["-o", "rapport.xlsx", "--format", "human"], "--format human skrivs inte till en fil"),
    (["--format", "xlsx"], "--format xlsx skrivs till en fil: ange den med -o"),
])
def test_output_name_and_format_agree(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str],
                                      message: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("outcomes", "2020", "--register", EXAMPLE, *args, "--today", TODAY)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_xlsx_report(run, tmp_path: Path) -> None:
    out = tmp_path / "rapport.xlsx"
    result = run("outcomes", "2020", "--register", EXAMPLE, "-o", out, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Skrev rapporten för 2020" in result.stdout
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600
    book = openpyxl.load_workbook(out)  # the workbook's contents: tests/test_outcomes_workbook.py
    assert book.sheetnames == ["Sammanfattning", "Per team", "Per kön", "Arbete", "Annat", "Bakgrund", "ORS"]
    assert [c.value for c in book["Sammanfattning"][5]][:13] == ["Totalt", 56, 23, 3, 4, 2, 2, 6, 0, 6, 33, 8, 0.4]
    again = run("outcomes", "2020", "--register", EXAMPLE, "-o", out, "--today", TODAY)
    assert again.exit_code == 2 and "finns redan" in again.stderr
    assert run("outcomes", "2020", "--register", EXAMPLE, "-o", out, "--force", "--today", TODAY).exit_code == 0


def test_xlsx_text_never_becomes_a_formula(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [
        person("D1", D(2019, 1, 1), D(2020, 5, 1), "Annat", comment="=1+1", team="=2+2")])
    out = tmp_path / "rapport.xlsx"
    assert run("outcomes", "2020", "--register", path, "--format", "xlsx", "-o", out, "--today", TODAY).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book["Annat"]["C5"].value == "=1+1" and book["Annat"]["C5"].data_type == "s"
    assert book["Per team"]["A6"].value == "=2+2" and book["Per team"]["A6"].data_type == "s"
    assert book["Sammanfattning"]["A1"].value == "Utfall 2020 för =2+2"


def test_rows_with_errors_are_left_out_and_strict_refuses(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [person("D1"), person("D2", team=None)])
    result = run("outcomes", "2020", "--register", path, "--today", TODAY)
    assert result.exit_code == 1  # after the tables: the register has a finding of severity fel (docs/utdata.md)
    assert "Antal aktiva under perioden" in result.stdout
    assert "Rader med fel som inte är med i tabellerna: 1." in result.stdout
    assert "r.xlsx:Deltagare!B3: D407 Team saknas." in result.stdout
    strict = run("outcomes", "2020", "--register", path, "--strict", "--today", TODAY)
    assert strict.exit_code == 1
    assert "Antal aktiva" not in strict.stdout and "D407" in strict.stdout
    assert "Inget beräknades" in strict.stderr
    warn_only = write_register(tmp_path / "w.xlsx", [person("D1", years_without_work=None)])
    assert run("outcomes", "2020", "--register", warn_only, "--strict", "--today", TODAY).exit_code == 0


def test_today_decides_future_dates(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [person("D1", D(2021, 3, 1))])
    late = run("outcomes", "2021", "--register", path, "--format", "json", "--today", "2021-03-01")
    assert json.loads(late.stdout)["findings"] == []
    early = run("outcomes", "2021", "--register", path, "--format", "json", "--today", "2021-02-28")
    assert [f["code"] for f in json.loads(early.stdout)["findings"]] == ["D410"]


def test_encrypted_register_and_folder(run, tmp_path: Path, password_file: Path) -> None:
    folder = tmp_path / "register"
    folder.mkdir()
    write_register(folder / "avesta.xlsx", [person("A1")], password=PASSWORD)
    write_register(folder / "sater.xlsx", [person("S1", team="Säter")])
    (folder / "~$avesta.xlsx").write_bytes(b"lock")
    result = run("outcomes", "2020", "--register", folder, "--format", "json", "--password-file", password_file,
                 "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"][0]["active"] == 2
    wrong = run("outcomes", "2020", "--register", folder, "--today", TODAY, env={"SAMREHAB_PASSWORD": "fel"})
    assert wrong.exit_code == 2 and "kunde inte öppnas med 1 lösenord" in wrong.stderr


def test_default_register_from_the_working_directory(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    missing = run("outcomes", "2020")
    assert missing.exit_code == 2 and "deltagarregister.xlsx finns inte" in missing.stderr
    write_register(tmp_path / "deltagarregister.xlsx", [person("D1")])
    assert run("outcomes", "2020", "--today", TODAY).exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["2020H3"], "2020H3 är ingen period"),
    (["2020", "--format", "yaml"], "Okänt format yaml"),
    (["2020", "--format", "xlsx"], "--format xlsx skrivs till en fil"),
    (["2020", "--today", "igår"], "igår är inget datum"),
])
def test_cannot_run(run, args: list[str], message: str) -> None:
    result = run("outcomes", *args, "--register", EXAMPLE)
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_not_a_register(run, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active["A1"] = "Något annat"
    book.save(tmp_path / "annat.xlsx")
    result = run("outcomes", "2020", "--register", tmp_path / "annat.xlsx")
    assert result.exit_code == 2 and "Hittade ingen flik med deltagarregistrets rubriker" in result.stderr
    book.active["A1"], book.active["B1"] = "Deltagar-ID", "Team"
    book.save(tmp_path / "halv.xlsx")
    result = run("outcomes", "2020", "--register", tmp_path / "halv.xlsx")
    assert result.exit_code == 2 and "saknar kolumnerna Kön, Inskrivningsdatum" in result.stderr


def test_help_is_swedish_with_examples(run) -> None:
    result = run("outcomes", "--help")
    assert result.exit_code == 0 and "Exempel:" in result.stdout and "samrehab outcomes 2020" in result.stdout


def test_meanwhile_is_called_once_as_calamine_starts_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``read.load(meanwhile=…)`` (the outcomes command imports numpy then): after the first sheet was measured, before
    it is read; once, however many sheets and files."""
    from samrehab_cli.storage import workbooks

    paths = [write_register(tmp_path / f"{n}.xlsx", [person(f"D{n}")], ors=[{"participant_id": f"D{n}",
                                                                                  "date": D(2020, 2, 1), "ors": 20}])
             for n in range(2)]
    events: list[str] = []

    def logged(method: str) -> object:
        original = getattr(workbooks.Workbook, method)

        def call(self: workbooks.Workbook, name: str, **options: object) -> object:
            events.append(method)
            return original(self, name, **options)
        return call

    for method in ("size", "rows"):
        monkeypatch.setattr(workbooks.Workbook, method, logged(method))
    register = read.load(paths, crypto.Passwords(), today=D(2021, 6, 30), meanwhile=lambda: events.append("meanwhile"))
    assert len(register.participants) == 2 and register.ors is not None and len(register.ors) == 2
    assert events.count("meanwhile") == 1
    assert events[:events.index("rows")] == ["size", "meanwhile"]
