"""The structure rules (S101–S114) through the library: files that cannot be read, sheets, headers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from samrehab_cli import catalog
from samrehab_cli.dates import parse_week
from samrehab_cli.findings import Finding
from samrehab_cli.registration import template
from samrehab_cli.registration.rules import check as rules
from samrehab_cli.registration.validate import (
    check_workbook,
    validate_file,
    validate_files,
)
from samrehab_cli.schema import WEEK
from samrehab_cli.sheets import parse_sheets
from samrehab_cli.storage import crypto, workbooks

from conftest import FIXTURES, OFFICE, OLD_PASSWORD, PASSWORD, make_workbook
from rule_cases import TODAY, table, yes

ROW = {**yes(), "envelope": 1, "personnummer": "199102051233"}


@pytest.fixture(scope="module")
def encrypted() -> bytes:
    return make_workbook([ROW], password=OLD_PASSWORD)


def _file(tmp_path: Path, data: bytes, name: str = "vecka.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _codes(findings: list[Finding]) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.sheet, f.cell) for f in findings]


def _truncated() -> bytes:
    data = make_workbook([ROW])
    return data[: len(data) // 2]


def _word() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# --- S101–S103: the file itself -------------------------------------------------------------------------------
@pytest.mark.parametrize("data", [b"", b"hej", b"PK\x03\x04 trasig", "truncated", "word"],
                         ids=["tom", "text", "trasig-zip", "avkortad", "word"])
def test_s101_not_a_workbook(tmp_path: Path, data: bytes | str) -> None:
    content = {"truncated": _truncated, "word": _word}[data]() if isinstance(data, str) else data
    findings = validate_file(_file(tmp_path, content), crypto.Passwords([PASSWORD]), TODAY)
    assert _codes(findings) == [("S101", None, None)]
    assert findings[0].severity == "fel" and "vecka.xlsx" in findings[0].message


def test_s101_encrypted_word_document(tmp_path: Path) -> None:
    path = OFFICE / "ecma376standard_password.docx"
    assert _codes(validate_file(path, crypto.Passwords(["Password1234_"]), TODAY)) == [("S101", None, None)]


@pytest.mark.parametrize("passwords", [[], ["fel-lösenord"]], ids=["inget", "fel"])
def test_s102_encrypted_without_the_password(tmp_path: Path, encrypted: bytes, passwords: list[str]) -> None:
    findings = validate_file(_file(tmp_path, encrypted), crypto.Passwords(passwords), TODAY)
    assert _codes(findings) == [("S102", None, None)]


def test_s102_near_miss_an_older_password_in_the_list_opens_it(tmp_path: Path, encrypted: bytes) -> None:
    findings = validate_file(_file(tmp_path, encrypted), crypto.Passwords([PASSWORD, OLD_PASSWORD]), TODAY)
    assert findings == []


def test_s103_not_encrypted(tmp_path: Path) -> None:
    findings = validate_file(_file(tmp_path, make_workbook([ROW])), crypto.Passwords(), TODAY)
    assert _codes(findings) == [("S103", None, None)] and findings[0].severity == "varning"


def test_s104_integrity_code_does_not_match(tmp_path: Path) -> None:
    """An Agile file whose HMAC is wrong opens (some office versions compute it differently), with a warning."""
    findings = validate_file(FIXTURES / "crafted" / "wrong-integrity-code.xlsx", crypto.Passwords([PASSWORD]), TODAY)
    assert [(f.code, f.severity) for f in findings] == [("S104", "varning")]


def test_s104_near_miss_excel_and_samrehab_files_match(tmp_path: Path, encrypted: bytes) -> None:
    assert validate_file(_file(tmp_path, encrypted), crypto.Passwords([OLD_PASSWORD]), TODAY) == []
    opened = crypto.open_bytes((OFFICE / "example_password.xlsx").read_bytes(), crypto.Passwords(["Password1234_"]),
                               Path("excel.xlsx"))
    assert opened.intact is True  # what Excel writes matches
    standard = crypto.open_bytes((OFFICE / "libreoffice_standard_password.xlsx").read_bytes(),
                                 crypto.Passwords(["lopass"]), Path("lo.xlsx"))
    assert standard.intact is None  # Standard encryption has no integrity code


def test_several_files_in_one_run(tmp_path: Path, encrypted: bytes) -> None:
    paths = [_file(tmp_path, b"hej", "a.xlsx"), _file(tmp_path, encrypted, "b.xlsx"),
             _file(tmp_path, make_workbook([{**ROW, "name": None}]), "c.xlsx")]
    report = validate_files(paths, crypto.Passwords([OLD_PASSWORD]), TODAY)
    assert [(Path(f.file).name, f.code) for f in report.findings] == [("a.xlsx", "S101"), ("c.xlsx", "S103"),
                                                                      ("c.xlsx", "V227")]
    assert not report.valid and dataclasses.asdict(report.counts) == {"fel": 2, "varning": 1, "info": 0}


# --- S110, S111: sheets ---------------------------------------------------------------------------------------
def _book(weeks: list[str], extra: dict[str, str] | None = None) -> workbooks.Workbook:
    """A template workbook with ``weeks`` and extra sheets (name → "hidden" or "visible")."""
    book = template.new_workbook("Förbundet", [parse_week(w) for w in weeks], 3)
    for name, state in (extra or {}).items():
        book.create_sheet(name).sheet_state = state
    return workbooks.read(workbooks.to_bytes(book), Path("vecka.xlsx"))


def test_s110_no_week_sheet() -> None:
    assert _codes(check_workbook(_book([]), "vecka.xlsx", TODAY)) == [("S110", None, None)]


def test_s110_the_week_asked_for_is_missing() -> None:
    findings = check_workbook(_book(["2020-v39"]), "vecka.xlsx", TODAY, parse_week("2020-v40"))
    assert _codes(findings) == [("S110", None, None)] and "2020-v40" in findings[0].message


def test_s110_near_miss_one_empty_week_is_enough() -> None:
    assert check_workbook(_book(["2020-v39"]), "vecka.xlsx", TODAY) == []


@pytest.mark.parametrize("name", ["Anteckningar", "2020-v54", "Vecka 39", "Listor"])
def test_s111_unknown_sheet(name: str) -> None:
    findings = check_workbook(_book(["2020-v39"], {name: "visible"}), "vecka.xlsx", TODAY)
    assert _codes(findings) == [("S111", name, None)] and findings[0].severity == "varning"


def test_s111_near_miss_hidden_lists_sheet() -> None:
    assert check_workbook(_book(["2020-v39"], {"Listor": "hidden"}), "vecka.xlsx", TODAY) == []


# --- S112–S114: headers ---------------------------------------------------------------------------------------
def _headers(headers: list[str]) -> list[Finding]:
    sheets = parse_sheets(WEEK, [("2020-v39", table([{**ROW, "serial": "202039-01"}], headers))])
    return list(rules.check_sheets("vecka.xlsx", sheets, TODAY))


def test_s112_required_header_missing() -> None:
    findings = _headers([h for h in WEEK.headers if h != "Samtycke"])
    assert [(f.code, f.sheet, f.row, f.column) for f in findings] == [("S112", "2020-v39", 1, "Samtycke")]


@pytest.mark.parametrize("header", [c.header for c in WEEK.columns if c.required])
def test_s112_a_missing_column_is_reported_once_not_on_every_row(header: str) -> None:
    """Read together with a week that has the column, the rows of a week without it get no finding of their own."""
    other = {**ROW, "serial": "202040-01", "meeting_date": dt.date(2020, 9, 28), "consent_date": None,
             "envelope": 2, "personnummer": "198211059954"}
    sheets = parse_sheets(WEEK, [("2020-v39", table([{**ROW, "serial": "202039-01"}])),
                                 ("2020-v40", table([other], [h for h in WEEK.headers if h != header]))])
    findings = list(rules.check_sheets("vecka.xlsx", sheets, TODAY))
    assert [(f.code, f.sheet, f.column) for f in findings] == [("S112", "2020-v40", header)]


def test_s112_near_miss_optional_header_missing() -> None:
    assert _headers([h for h in WEEK.headers if h not in ("Kommentar", "Remittent", "Datum samtycke")]) == []


def test_s113_unknown_header() -> None:
    findings = _headers([*WEEK.headers, "Anteckning"])
    assert _codes(findings) == [("S113", "2020-v39", "T1")] and findings[0].value == "Anteckning"


def test_s113_near_miss_header_case_and_spaces() -> None:
    assert _headers([f"  {h.upper()} " for h in WEEK.headers]) == []


def test_s114_same_header_twice() -> None:
    findings = _headers([*WEEK.headers, "namn"])
    assert _codes(findings) == [("S114", "2020-v39", "T1")] and "kolumn I" in findings[0].message


def test_s114_near_miss_similar_header() -> None:
    assert _codes(_headers([*WEEK.headers, "Namn 2"])) == [("S113", "2020-v39", "T1")]


def test_every_structure_code_is_tested_here() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f"test_{rule.code.lower()}_" in source for rule in catalog.RULES if rule.code.startswith("S"))


def test_findings_come_in_sheet_row_column_order(tmp_path: Path) -> None:
    rows = {"2020-v40": [{**ROW, "meeting_date": dt.date(2020, 9, 28), "consent_date": None, "name": None}],
            "2020-v39": [{**ROW, "language": None, "envelope": None}, {**ROW, "envelope": 2, "name": None}]}
    findings = validate_file(_file(tmp_path, make_workbook(rows)), crypto.Passwords(), TODAY)
    assert [(f.sheet, f.cell) for f in findings] == [
        (None, None), ("2020-v39", "G2"), ("2020-v39", "J2"), ("2020-v39", "H3"), ("2020-v39", "I3"),
        ("2020-v40", "H2"), ("2020-v40", "I2")]


def test_the_cycle_collector_runs_again_after_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    def broken(*args: object) -> list[Finding]:
        assert not gc.isenabled()  # paused while the cells are typed and checked
        raise RuntimeError("trasig regel")

    monkeypatch.setattr(rules, "check_sheets", broken)
    with pytest.raises(RuntimeError):
        check_workbook(_book(["2020-v39"]), "vecka.xlsx", TODAY)
    assert gc.isenabled()
