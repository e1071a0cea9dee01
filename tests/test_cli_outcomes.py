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


def test_plain_text_in_swedish(run) -> None:
    result = run("outcomes", "2020", "--register", EXAMPLE, "--today", TODAY)
    assert result.exit_code == 0
    for text in ("Utfall 2020 (2020-01-01–2020-12-31)", "Antal aktiva under perioden: 56", "Varav dropouts: 3",
                 "Annan arbetslivsinriktad rehab: 2", "Aktiva vid ingången av nästa period: 33",
                 "Måluppfyllelse: 40 %", "Tid utan arbete eller studier: 5,6 år",
                 "Genomströmningstid: 20,3 månader", "Föregående period 2019:", "Per kön: Kvinna",
                 "varav 2 med arbetsmarknadsstöd (Lönebidrag 1, Extratjänst 1) och 2 utan stöd",
                 "Bakom Annat (6):", "Alla rader i deltagarregistret är med i tabellerna."):
        assert text in result.stdout


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


def test_csv_is_formula_safe(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [person("D1", team="=HYPERLINK(\"x\")"), person("D2")])
    result = run("outcomes", "2020", "--register", path, "--format", "csv", "--today", TODAY)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Period,Grupp,Namn,Antal aktiva under perioden,")
    assert lines[1].startswith("2020,Totalt,Totalt,2,0,0,")
    assert any(line.startswith("2020,Per team,\"'=HYPERLINK") for line in lines)


def test_xlsx_report(run, tmp_path: Path) -> None:
    out = tmp_path / "rapport.xlsx"
    result = run("outcomes", "2020", "--register", EXAMPLE, "-o", out, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "Skrev rapporten för 2020" in result.stdout
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Totalt", "Per team", "Per kön", "Arbete", "Annat", "Bakgrund", "ORS"]
    assert [c.value for c in book["ORS"][2]][:3] == ["Totalt", "Totalt", 56]
    [ors_chart] = book["ORS"]._charts
    assert len(ors_chart.series) == 1  # policy_percent per team
    assert ors_chart.series[0].val.numRef.f == "'ORS'!$D$3:$D$5"
    totals = [c.value for c in book["Totalt"][2]]
    assert totals[:14] == ["2020", "Totalt", 56, 23, 3, 4, 2, 2, 6, 0, 6, 33, 8, 40]
    charts = book["Per team"]._charts
    assert len(charts) == 1 and len(charts[0].series) == 6
    assert charts[0].series[0].val.numRef.f == "'Per team'!$F$2:$F$4"  # Arbete for the three teams
    assert charts[0].series[0].cat.numRef.f == "'Per team'!$B$2:$B$4"
    assert [c.value for c in book["Per team"]["B"][1:4]] == ["Avesta", "Hedemora", "Säter"]
    assert book["Annat"].max_row == 7
    again = run("outcomes", "2020", "--register", EXAMPLE, "-o", out, "--today", TODAY)
    assert again.exit_code == 2 and "finns redan" in again.stderr
    assert run("outcomes", "2020", "--register", EXAMPLE, "-o", out, "--force", "--today", TODAY).exit_code == 0


def test_xlsx_text_never_becomes_a_formula(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [
        person("D1", D(2019, 1, 1), D(2020, 5, 1), "Annat", comment="=1+1", team="=2+2")])
    out = tmp_path / "rapport.xlsx"
    assert run("outcomes", "2020", "--register", path, "--format", "xlsx", "-o", out, "--today", TODAY).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book["Annat"]["C2"].value == "=1+1" and book["Annat"]["C2"].data_type == "s"
    assert book["Per team"]["B2"].data_type == "s"


def test_rows_with_errors_are_left_out_and_strict_refuses(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [person("D1"), person("D2", team=None)])
    result = run("outcomes", "2020", "--register", path, "--today", TODAY)
    assert result.exit_code == 0
    assert "Antal aktiva under perioden: 1" in result.stdout
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
    (["2020", "--format", "xlsx"], "Ange rapportfilen med -o"),
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
