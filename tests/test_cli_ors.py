"""ORS through the CLI: the ORS table of `samrehab outcomes`, `samrehab ors --due`, and no SRS score anywhere."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from samrehab_cli.participants import ors, outcomes, read
from samrehab_cli.participants.period import parse_period
from samrehab_cli.render.common import to_json
from samrehab_cli.storage import crypto

from register_files import person, write_register

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "deltagarregister.xlsx"
D = dt.date
TODAY = "2021-06-30"


def m(participant_id: str, day: object, score: object = 20, srs: object = None) -> dict[str, object]:
    return {"participant_id": participant_id, "date": day, "ors": score, "srs": srs}


def test_outcomes_show_ors_from_the_example(run) -> None:
    result = run("outcomes", "2020", "--register", EXAMPLE, "--format", "json", "--today", TODAY)
    data = json.loads(result.stdout)
    assert [(r["group"], r["name"]) for r in data["ors"]] == [(r["group"], r["name"]) for r in data["rows"]]
    total = data["ors"][0]
    assert total["active"] == 56 and 0 < total["policy_percent"] <= 100 and total["with_change"] > 0
    text = run("outcomes", "2020", "--register", EXAMPLE, "--today", TODAY).stdout
    assert "ORS och SRS 2020, totalt och per team" in text and "Följer policyn (ORS minst varannan månad)" in text


def test_ors_from_a_separate_file(run, tmp_path: Path) -> None:
    people = write_register(tmp_path / "deltagare.xlsx", [person("P1", D(2020, 11, 1))])
    measured = write_register(tmp_path / "ors.xlsx", [person("P1", D(2020, 11, 1))],
                              ors=[m("P1", D(2021, 1, 5)), m("P1", D(2021, 3, 1)), m("P1", D(2021, 4, 30))])
    # the second workbook's participant sheet would duplicate P1: give ORS alone through a workbook of its own
    book = openpyxl.load_workbook(measured)
    del book["Deltagare"]
    book.save(measured)
    result = run("outcomes", "2021H1", "--register", people, "--ors", measured, "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ors"][0]["policy_percent"] == 100.0


def test_no_srs_score_in_any_output(run, tmp_path: Path) -> None:
    path = write_register(tmp_path / "r.xlsx", [person("P1", D(2020, 10, 1)), person("P2", D(2020, 10, 1))], ors=[
        m("P1", D(2021, 1, 10), 12, srs=37.3), m("P1", D(2021, 2, 10), 19, srs=38.7),
        m("P2", D(2021, 1, 10), 14, srs=37.3), m("P2", D(2021, 2, 11), 16),
        m("P2", D(2021, 3, 11), 17, srs=99.9),  # D420: a finding, still without the score
    ])
    srs_texts = ("37.3", "37,3", "38.7", "38,7", "38.0", "38,0", "99.9", "99,9")
    outputs = [run("outcomes", "2021H1", "--register", path, "--today", TODAY, *extra).stdout
               for extra in ([], ["--format", "json"], ["--format", "csv"])]
    outputs += [run("ors", "--due", "--date", "2021-05-01", "--register", path, "--today", TODAY, *extra).stdout
                for extra in ([], ["--format", "json"], ["--format", "csv"])]
    from rich.console import Console

    from samrehab_cli.render import outcomes as render

    reg = read.load([path], crypto.Passwords(), today=D(2021, 6, 30))
    result = outcomes.compute(reg, parse_period("2021H1"))
    buffer = io.StringIO()
    render.outcomes_human(result, Console(file=buffer, width=200, color_system=None), terminal=True)
    outputs.append(buffer.getvalue())
    report = tmp_path / "rapport.xlsx"
    assert run("outcomes", "2021H1", "--register", path, "-o", report, "--today", TODAY).exit_code == 1  # D420
    book = openpyxl.load_workbook(report)
    outputs.append("\n".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row))
    assert "ORS" in book.sheetnames and len(book["ORS"]._charts) == 1
    assert result.ors[0].srs_percent == 100.0 and any("D420" in text for text in outputs)
    for text in outputs:
        assert text.strip()
        for srs in srs_texts:
            assert srs not in text


def test_json_is_the_library_result(run) -> None:
    result = run("ors", "--due", "--date", "2020-11-15", "--register", EXAMPLE, "--format", "json", "--today", TODAY)
    reg = read.load([EXAMPLE], crypto.Passwords(), today=D(2021, 6, 30))
    assert json.loads(result.stdout) == json.loads(to_json(ors.due(reg, D(2020, 11, 15))))
    assert json.loads(result.stdout)["due"]


@pytest.fixture
def due_register(tmp_path: Path) -> Path:
    return write_register(tmp_path / "r.xlsx", [
        person("A-new", D(2021, 1, 10)),  # no ORS: from Inskrivningsdatum
        person("B-late", D(2020, 6, 1), team="Säter"),
        person("C-exit-on-deadline", D(2021, 1, 10), D(2021, 3, 10), "Studier"),
        person("D-exit-after", D(2021, 1, 10), D(2021, 3, 11), "Studier"),
        person("E-recent", D(2020, 6, 1)),
        person("F-not-yet", D(2021, 2, 1)),
        person("G-left", D(2020, 6, 1), D(2021, 1, 31), "Annat"),
    ], ors=[m("B-late", D(2020, 12, 31)), m("E-recent", D(2021, 1, 20)), m("E-recent", D(2021, 3, 1)),
            m("B-late", D(2021, 2, 1), score=None, srs=30)])  # an SRS alone is not an ORS


def test_due_list(run, due_register: Path) -> None:
    result = run("ors", "--due", "--date", "2021-02-11", "--register", due_register, "--format", "json",
                 "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert [(d["participant_id"], d["last_ors"], d["next_required_by"], d["overdue"])
            for d in json.loads(result.stdout)["due"]] == [
        ("B-late", "2020-12-31", "2021-02-28", False),
        ("A-new", None, "2021-03-10", False),
        ("D-exit-after", None, "2021-03-10", False),
    ]
    later = json.loads(run("ors", "--due", "--date", "2021-03-01", "--register", due_register, "--format", "json",
                           "--today", TODAY).stdout)["due"]
    assert ("B-late", True) in [(d["participant_id"], d["overdue"]) for d in later]
    assert "E-recent" not in [d["participant_id"] for d in later]  # measured 2021-03-01, after 2021-01-20
    edge = json.loads(run("ors", "--due", "--date", "2021-02-10", "--register", due_register, "--format", "json",
                          "--today", TODAY).stdout)["due"]
    assert "A-new" not in [d["participant_id"] for d in edge]  # 2021-01-10 + 1 month is not before 2021-02-10


def test_due_team_and_formats(run, due_register: Path) -> None:
    team = run("ors", "--due", "--date", "2021-03-01", "--team", "säter", "--register", due_register, "--today", TODAY)
    assert team.exit_code == 0
    assert team.stdout.splitlines() == ["Deltagar-ID\tTeam\tSenaste ORS\tORS senast\tFörsenad",
                                       "B-late\tSäter\t2020-12-31\t2021-02-28\tJa",
                                       "1 deltagare i säter behöver ORS, varav 1 försenade."]
    csv = run("ors", "--due", "--date", "2021-03-01", "--team", "Säter", "--register", due_register, "--format", "csv",
              "--today", TODAY)
    assert csv.stdout_bytes == ("\ufeffDeltagar-ID;Team;Senaste ORS;ORS senast;Försenad\r\n"
                                "B-late;Säter;2020-12-31;2021-02-28;Ja\r\n").encode()
    none = run("ors", "--due", "--date", "2021-01-15", "--team", "Säter", "--register", due_register,
               "--today", TODAY)
    assert none.exit_code == 0 and none.stdout.strip() == "Ingen deltagare i Säter behöver ORS 2021-01-15."


def test_due_for_a_team_that_is_not_there_lists_the_teams(run, due_register: Path) -> None:
    """A typo in --team must not read as "nobody is due"."""
    result = run("ors", "--due", "--date", "2021-03-01", "--team", "Hedemora", "--register", due_register,
                 "--today", TODAY)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("Fel: Registret har inget team Hedemora; teamen är Avesta och Säter. Skriv teamets namn "
                             "som i kolumnen Team.\n")


def test_ors_needs_due(run, due_register: Path) -> None:
    result = run("ors", "--register", due_register)
    assert result.exit_code == 2 and "Lägg till --due" in result.stderr
    help_text = run("ors", "--help").stdout
    assert "Exempel:" in help_text and "samrehab ors --due" in help_text
