"""``samrehab validate`` and ``samrehab rules`` through the CLI, on workbooks written by the project's own writer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from samrehab_cli import shell
from samrehab_cli.catalog import RULE, RULES
from samrehab_cli.cli.app import app
from samrehab_cli.dates import parse_week
from samrehab_cli.registration import template
from samrehab_cli.registration.markup import FILLS
from samrehab_cli.registration.validate import validate_files
from samrehab_cli.storage import crypto, workbooks

from conftest import OFFICE, PASSWORD, make_workbook
from rule_cases import NEAR_MISSES, TODAY, TRIGGERS, Case, expected_place, layout, yes

DAY = ["--today", TODAY.isoformat()]
ROW = {**yes(), "envelope": 1, "personnummer": "199102051233"}


def invoke(*args: object, env: dict[str, str | None] | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], env={crypto.ENV_VAR: None, **(env or {})})


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("validate")
    secret = path / "losenord.txt"
    secret.write_text(f"{PASSWORD}\n", encoding="utf-8")
    if os.name == "posix":
        secret.chmod(0o600)
    return path


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _json(*args: object) -> tuple[int, dict]:
    result = invoke("validate", *args, *DAY, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def triggers(folder: Path) -> tuple[Path, dict]:
    path = _write(folder, "utlost.xlsx", make_workbook(layout(TRIGGERS).weeks, password=PASSWORD))
    code, report = _json(path, "--password-file", folder / "losenord.txt")
    assert code == 1
    return path, report


@pytest.fixture(scope="module")
def near_misses(folder: Path) -> dict:
    path = _write(folder, "nara.xlsx", make_workbook(layout(NEAR_MISSES).weeks, password=PASSWORD))
    return _json(path, "--password-file", folder / "losenord.txt")[1]


@pytest.mark.parametrize("index", range(len(TRIGGERS)), ids=[c.id for c in TRIGGERS])
def test_every_row_rule_triggers_at_its_cell(triggers: tuple[Path, dict], index: int) -> None:
    this = TRIGGERS[index]
    sheet, cell = expected_place(this, layout(TRIGGERS), index)
    found = [f for f in triggers[1]["findings"] if (f["code"], f["sheet"], f["cell"]) == (this.code, sheet, cell)]
    assert found, f"{this.id}: {this.code} saknas i {sheet}!{cell}"
    assert found[0]["severity"] == (this.severity or RULE[this.code].severity)
    assert found[0]["file"].endswith("utlost.xlsx")


@pytest.mark.parametrize("index", range(len(NEAR_MISSES)), ids=[c.id for c in NEAR_MISSES])
def test_no_near_miss_triggers_its_rule(near_misses: dict, index: int) -> None:
    this: Case = NEAR_MISSES[index]
    rows = set(layout(NEAR_MISSES).places[index])
    hits = [f for f in near_misses["findings"] if f["code"] == this.code and (f["sheet"], f["row"]) in rows]
    assert hits == []


def test_near_miss_workbook_is_encrypted_and_has_no_structure_findings(near_misses: dict) -> None:
    assert not [f for f in near_misses["findings"] if f["code"].startswith("S")]


def test_json_is_the_library_report(triggers: tuple[Path, dict], folder: Path) -> None:
    path, printed = triggers
    report = validate_files([path], crypto.Passwords([PASSWORD]), TODAY)
    assert printed == dataclasses.asdict(report)
    assert set(printed) == {"valid", "counts", "findings"}
    assert set(printed["findings"][0]) == {"code", "severity", "message", "file", "sheet", "cell", "row", "column",
                                           "value"}


# --- structure, through the CLI -------------------------------------------------------------------------------
def _template(weeks: list[str], headers: dict[str, str | None] | None = None,
              extra_sheets: dict[str, str] | None = None) -> bytes:
    """A template workbook with one valid row on each week; ``headers`` sets header cells (T1 → "Anteckning")."""
    book = template.new_workbook("Förbundet", [parse_week(w) for w in weeks], 5)
    for week in weeks:
        template.write_rows(book[week], [ROW])
        for ref, text in (headers or {}).items():
            workbooks.set_text(book[week][ref], text)
    for name, state in (extra_sheets or {}).items():
        book.create_sheet(name).sheet_state = state
    return workbooks.to_bytes(book)


STRUCTURE = {
    "S101": (lambda: b"inte en arbetsbok", None, None),
    "S103": (lambda: _template(["2020-v39"]), None, None),
    "S110": (lambda: _template([]), None, None),
    "S111": (lambda: _template(["2020-v39"], extra_sheets={"Anteckningar": "visible"}), "Anteckningar", None),
    "S112": (lambda: _template(["2020-v39"], {"C1": None}), "2020-v39", None),
    "S113": (lambda: _template(["2020-v39"], {"T1": "Anteckning"}), "2020-v39", "T1"),
    "S114": (lambda: _template(["2020-v39"], {"T1": "NAMN"}), "2020-v39", "T1"),
}


@pytest.mark.parametrize("code", sorted(STRUCTURE))
def test_structure_rules(tmp_path: Path, code: str) -> None:
    make, sheet, cell = STRUCTURE[code]
    _, report = _json(_write(tmp_path, "vecka.xlsx", make()))
    assert (code, sheet, cell) in [(f["code"], f["sheet"], f["cell"]) for f in report["findings"]]


@pytest.mark.parametrize("password", [None, "fel-lösenord"], ids=["inget", "fel"])
def test_s102_encrypted_file_without_its_password(folder: Path, triggers: tuple[Path, dict],
                                                   password: str | None) -> None:
    args: list[object] = [triggers[0]]
    if password:
        wrong = _write(folder, "fel.txt", password.encode())
        wrong.chmod(0o600)
        args += ["--password-file", wrong]
    code, report = _json(*args)
    assert code == 1 and [f["code"] for f in report["findings"]] == ["S102"]


@pytest.mark.parametrize(("code", "headers", "extra"), [
    ("S111", None, {"Listor": "hidden"}),
    ("S112", {"S1": None, "M1": None}, None),  # Kommentar and Remittent are optional
    ("S113", {"C1": " samtycke ", "I1": "NAMN"}, None),
    ("S114", {"T1": "Namn 2"}, None),
], ids=["S111", "S112", "S113", "S114"])
def test_structure_near_misses(tmp_path: Path, code: str, headers: dict | None, extra: dict | None) -> None:
    _, report = _json(_write(tmp_path, "vecka.xlsx", _template(["2020-v39"], headers, extra)))
    assert code not in [f["code"] for f in report["findings"]]


def test_one_bad_file_does_not_stop_the_others(folder: Path, triggers: tuple[Path, dict], tmp_path: Path) -> None:
    junk = _write(tmp_path, "trasig.xlsx", b"PK\x03\x04 trasig")
    code, report = _json(junk, triggers[0], "--password-file", folder / "losenord.txt")
    assert code == 1
    assert report["findings"][0]["code"] == "S101"
    assert len(report["findings"]) == 1 + len(triggers[1]["findings"])


# --- reading what a coordinator did to the sheet ------------------------------------------------------------
def test_moved_columns_changed_case_extra_column_and_empty_rows(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2020-v39"
    headers = ["Namn", "löpnummer", "Anteckning", *[h.upper() for h in
               ("Samtycke", "Datum informationsmöte", "Personnummer", "Kuvertnummer", "Språk", "E-post",
                "Mobilnummer", "Behandlingsgrupp", "Kontrollgrupp", "Födelsedatum", "Kön")]]
    sheet.append(headers)
    good = ["Anna", "202039-01", "ok", "Ja", dt.date(2020, 9, 21), "199102051233", 1, "Svenska", "a@example.se",
            "0701234567", "Ja", "Nej", None, None]
    sheet.append(good)
    sheet.append(["", "202039-02"] + [None] * 12)  # empty but for the löpnummer
    sheet.append([None] * 14)
    sheet.append(["Bo", "202039-04", None, "ja", "2020-09-22", "199102051234", 2, "svenska", None, "0701234568",
                  "Nej", "Ja", None, None])
    path = _write(tmp_path, "flyttad.xlsx", workbooks.to_bytes(book))
    code, report = _json(path)
    assert code == 1
    assert [(f["code"], f["cell"], f["column"], f["value"]) for f in report["findings"]] == [
        ("S103", None, None, None),
        ("S113", "C1", "Anteckning", "Anteckning"),
        ("V224", "F5", "Personnummer", "199102051234"),
    ]


# --- human and GitHub output ----------------------------------------------------------------------------------
def test_human_output_lines_summary_and_hint(tmp_path: Path) -> None:
    path = _write(tmp_path, "vecka.xlsx", make_workbook([{**ROW, "personnummer": "199102051234"}]))
    result = invoke("validate", path, *DAY)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}: S103 Filen är inte krypterad.")
    assert f"{path}:2020-v39!H2: V224 Kontrollsiffran i personnumret stämmer inte." in result.stdout
    assert "Hittade 1 fel och 1 varning." in lines
    assert "samrehab rules" in lines[-1]
    assert "\x1b[" not in result.stdout  # plain text when stdout is not a terminal


def test_warnings_only_exit_zero(tmp_path: Path) -> None:
    path = _write(tmp_path, "vecka.xlsx", make_workbook([{**ROW, "personnummer": "910205-1233"}]))
    result = invoke("validate", path, *DAY)
    assert result.exit_code == 0
    assert "Hittade 2 varningar." in result.stdout


def test_github_annotations(tmp_path: Path) -> None:
    path = _write(tmp_path, "vecka.xlsx", make_workbook([{**ROW, "personnummer": "199102051234"}]))
    result = invoke("validate", path, *DAY, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::warning file={path},title=S103::{shell.fill(RULE['S103'].message, path=path)}",
        f"::error file={path},title=V224::2020-v39!H2: {RULE['V224'].message}",
    ]


def test_week_restricts_the_check_to_one_tab(tmp_path: Path) -> None:
    rows = {"2020-v39": [{**ROW, "name": None}],
            "2020-v40": [{**ROW, "envelope": 2, "meeting_date": dt.date(2020, 9, 28), "consent_date": None,
                          "language": None}]}
    path = _write(tmp_path, "vecka.xlsx", make_workbook(rows))
    _, report = _json(path, "--week", "2020-v40")
    assert [(f["code"], f["sheet"]) for f in report["findings"]] == [("S103", None), ("V228", "2020-v40")]
    _, missing = _json(path, "--week", "2020-v41")
    assert [f["code"] for f in missing["findings"]] == ["S103", "S110"]


@pytest.mark.parametrize("args", [
    ["--format", "xml"],
    ["--week", "vecka 39"],
    ["--today", "igår"],
    ["-o", "granskad.xlsx"],
    ["--mark"],
], ids=["format", "week", "today", "o-utan-mark", "mark-utan-o"])
def test_bad_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    path = _write(tmp_path, "vecka.xlsx", make_workbook([ROW]))
    result = invoke("validate", path, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Fel: ") and "Traceback" not in result.output


# --- the marked-up copy ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def marked(folder: Path, triggers: tuple[Path, dict]):
    import openpyxl

    path = triggers[0]
    before = path.read_bytes()
    output = folder / "granskad.xlsx"
    result = invoke("validate", path, *DAY, "--mark", "-o", output, "--password-file", folder / "losenord.txt")
    assert result.exit_code == 1, result.output
    assert path.read_bytes() == before  # the input is never changed
    opened = crypto.open_bytes(output.read_bytes(), crypto.Passwords([PASSWORD]), output)
    return output, opened, openpyxl.load_workbook(io.BytesIO(opened.data))


def test_marked_copy_is_encrypted_and_private(marked) -> None:
    output, opened, _ = marked
    assert opened.encryption == "agile"
    if os.name == "posix":
        assert output.stat().st_mode & 0o777 == 0o600


def test_marked_copy_has_notes_and_fills_on_exactly_the_cells_of_the_findings(marked, triggers) -> None:
    _, _, book = marked
    expected: dict[tuple[str, str], list[dict]] = {}
    for f in triggers[1]["findings"]:
        if f["cell"]:
            expected.setdefault((f["sheet"], f["cell"]), []).append(f)
    noted = {(sheet.title, cell.coordinate): cell for sheet in book for row in sheet.iter_rows() for cell in row
             if cell.comment is not None}
    assert set(noted) == set(expected)
    for place, found in expected.items():
        cell = noted[place]
        worst = "fel" if any(f["severity"] == "fel" for f in found) else \
            "varning" if any(f["severity"] == "varning" for f in found) else "info"
        assert cell.fill.fgColor.rgb[-6:] == FILLS[worst]
        assert all(f"{f['code']} ({f['severity']}): {f['message']}" in cell.comment.text for f in found)


def test_marked_copy_is_easy_to_work_through(marked) -> None:
    """Header row frozen and readable, filter buttons (Excel filters by the fills), printed fitted to the width."""
    _, _, book = marked
    for name in book.sheetnames[1:]:
        sheet = book[name]
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == f"A1:S{sheet.max_row}"
        for cell in sheet[1]:
            assert sheet.column_dimensions[cell.column_letter].width >= workbooks.header_width(cell.value) + 2
        setup = sheet.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
        assert sheet.print_title_rows == "$1:$1" and "röd cell = fel" in sheet.oddHeader.center.text
    assert book["Instruktioner"].auto_filter.ref is None


def test_mark_refuses_an_existing_output_without_force(folder: Path, marked, triggers) -> None:
    output = marked[0]
    before = output.read_bytes()
    result = invoke("validate", triggers[0], *DAY, "--mark", "-o", output, "--password-file",
                    folder / "losenord.txt")
    assert result.exit_code == 2 and "--force" in result.stderr
    assert output.read_bytes() == before


def test_mark_takes_one_file(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.xlsx", make_workbook([ROW]))
    result = invoke("validate", a, a, "--mark", "-o", tmp_path / "g.xlsx")
    assert result.exit_code == 2 and "en fil i taget" in result.stderr


def test_mark_refuses_xls(tmp_path: Path, folder: Path) -> None:
    result = invoke("validate", OFFICE / "plain.xls", *DAY, "--mark", "-o", tmp_path / "g.xlsx",
                    "--password-file", folder / "losenord.txt")
    assert result.exit_code == 2
    assert ".xls" in result.stderr and "kan inte märkas upp" in result.stderr
    assert not (tmp_path / "g.xlsx").exists()


# --- samrehab rules -----------------------------------------------------------------------------------------
def test_rules_json_is_the_catalog() -> None:
    result = invoke("rules", "--format", "json")
    assert result.exit_code == 0
    assert [(r["code"], r["severity"], r["title"], r["message"]) for r in json.loads(result.stdout)] == [
        (r.code, r.severity, r.title, r.message) for r in RULES]


def test_docs_rule_table_is_generated_from_the_catalog() -> None:
    """docs/regler.md (linked from the README) is `samrehab rules --format markdown`: it cannot drift."""
    docs = Path(__file__).resolve().parents[1] / "docs" / "regler.md"
    assert docs.read_text(encoding="utf-8") == invoke("rules", "--format", "markdown").stdout


def test_rules_human_lists_every_code_of_the_spec() -> None:
    result = invoke("rules")
    assert result.exit_code == 0
    spec = [f"S{n}" for n in (101, 102, 103, 104, 110, 111, 112, 113, 114)] + \
        [f"V{n}" for n in (*range(201, 207), *range(210, 215), *range(220, 233), *range(240, 244))] + \
        [f"K{n}" for n in (*range(301, 305), 320, 330)] + [f"D{n}" for n in (*range(401, 411), *range(420, 425))]
    assert [line.split()[0] for line in result.stdout.splitlines()] == spec
    assert "V224  fel          Personnummer: fel kontrollsiffra" in result.stdout
    assert "V228  fel/varning  Språk saknas (fel) eller finns inte i listan (varning)" in result.stdout


@pytest.mark.parametrize("command", ["validate", "rules"])
def test_help_is_swedish_with_examples(command: str) -> None:
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Exempel:" in result.stdout and f"samrehab {command}" in result.stdout


def test_a_clean_encrypted_file_exits_0(tmp_path: Path, folder: Path) -> None:
    path = _write(tmp_path, "vecka.xlsx", make_workbook([ROW], password=PASSWORD))
    result = invoke("validate", path, *DAY, "--password-file", folder / "losenord.txt")
    assert result.exit_code == 0
    assert result.stdout == "Inga fel hittades.\n"


THREADED = ("[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; however, any edits "
            "to it will get removed if the file is opened in a newer version of Excel. Learn more: "
            "https://go.microsoft.com/fwlink/?linkid=870924\n\nComment:\n    Ring Anna om numret\nReply:\n    Gjort")


def test_marking_a_marked_copy_again_starts_clean(tmp_path: Path, folder: Path) -> None:
    """A coordinator corrects cells in the marked copy and checks it again: samrehab's earlier notes and fills go,
    people's notes stay, and Excel's placeholder for a threaded comment is never copied into a note."""
    import openpyxl
    from openpyxl.comments import Comment

    rows = [{**ROW, "personnummer": "199102051234"}, {**ROW, "envelope": 2, "personnummer": "198211059954",
                                                        "name": None}]
    book = workbooks.open_for_change(make_workbook(rows), tmp_path / "x.xlsx")
    sheet = book["2020-v39"]
    sheet["H2"].comment = Comment("Numret från kuvertet", "Anna")  # a person's note on a cell with a finding
    sheet["I3"].comment = Comment(THREADED, "tc=1")  # Excel 365's placeholder, on a cell with a finding
    sheet["S2"].comment = Comment("Ringer tillbaka", "Bo")  # a note on a cell without a finding
    first = _write(tmp_path, "vecka.xlsx", workbooks.to_bytes(book))
    secret = ["--password-file", folder / "losenord.txt"]
    once = tmp_path / "granskad.xlsx"
    assert invoke("validate", first, *DAY, "--mark", "-o", once, *secret).exit_code == 1
    marked = openpyxl.load_workbook(io.BytesIO(crypto.open_bytes(once.read_bytes(), crypto.Passwords([PASSWORD]),
                                                                 once).data))
    sheet = marked["2020-v39"]
    assert "V224" in sheet["H2"].comment.text and "Numret från kuvertet" in sheet["H2"].comment.text
    assert "Ring Anna om numret" in sheet["I3"].comment.text and "Your version" not in sheet["I3"].comment.text
    sheet["H2"] = "199102051233"  # corrected in the marked copy
    again = _write(tmp_path, "rattad.xlsx", workbooks.to_bytes(marked))
    twice = tmp_path / "granskad-igen.xlsx"
    assert invoke("validate", again, *DAY, "--mark", "-o", twice, *secret).exit_code == 1
    book = openpyxl.load_workbook(io.BytesIO(crypto.open_bytes(twice.read_bytes(), crypto.Passwords([PASSWORD]),
                                                                twice).data))
    sheet = book["2020-v39"]
    assert (sheet["H2"].comment.text, sheet["H2"].comment.author) == ("Numret från kuvertet", "Anna")
    assert sheet["H2"].fill.fgColor.rgb[-6:] not in FILLS.values()  # the fill of the corrected cell is gone
    assert sheet["I3"].comment.text.count("V227") == 1 and sheet["I3"].fill.fgColor.rgb[-6:] == FILLS["fel"]
    assert sheet["I3"].comment.text.count("Ring Anna om numret") == 1
    assert (sheet["S2"].comment.text, sheet["S2"].comment.author) == ("Ringer tillbaka", "Bo")
    notes = [cell.comment.text for row in sheet.iter_rows() for cell in row if cell.comment]
    assert not any("Your version of Excel" in text or "Tidigare anteckning (samrehab" in text for text in notes)
