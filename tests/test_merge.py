"""samrehab merge: ISF's inbox into the encrypted master register, idempotently, with nothing lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from samrehab_cli.isf import merge, receipts
from samrehab_cli.isf import register as master
from samrehab_cli.storage import crypto

from conftest import OLD_PASSWORD, PASSWORD, make_workbook
from merge_files import NOW, TODAY, calamine_killer, declining, load, person, put, state, without_property

D = dt.date
WEEK = "2020-v39"


def run_merge(inbox: Path, folder: Path, *passwords: str, **options: object) -> merge.MergeResult:
    return merge.merge(inbox, folder / "huvudregister.xlsx", folder / "kvitton",
                       crypto.Passwords(list(passwords or [PASSWORD])), today=TODAY, now=NOW, **options)  # type: ignore[arg-type]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inkorg"
    put(folder / "Avesta" / "v39.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1),
                                               person("202039-02", D(1985, 3, 4), 2, group="control"),
                                               declining("202039-03")]}, minute=1)
    put(folder / "Hedemora" / "v39.xlsx", {WEEK: [person("202039-01", D(1990, 5, 6), 1)]}, forbund="Hedemora",
        minute=2)
    return folder


def test_new_rows_go_to_their_sheets_with_a_receipt_per_file(inbox: Path, tmp_path: Path) -> None:
    result = run_merge(inbox, tmp_path)
    assert [(f.file, f.status, f.new) for f in result.files] == [("Avesta/v39.xlsx", "inläst", 3),
                                                                   ("Hedemora/v39.xlsx", "inläst", 1)]
    register = load(tmp_path / "huvudregister.xlsx")
    assert list(register.participants) == [("Avesta", "202039-01"), ("Avesta", "202039-02"),
                                           ("Hedemora", "202039-01")]
    assert list(register.declined) == [("Avesta", "202039-03")]
    declined = register.declined[("Avesta", "202039-03")]
    assert set(declined.values) == {"meeting_date", "birth_date", "gender"}  # no identity, no consent, no group
    assert register.participants[("Avesta", "202039-01")].values["personnummer"] == "198001021230"
    assert [Path(p).name for p in result.receipts] == [receipts.file_name("Avesta", f.sha256) for f in
                                                       result.files[:1]] + [receipts.file_name("Hedemora",
                                                                                               result.files[1].sha256)]
    text = Path(result.receipts[0]).read_text(encoding="utf-8")
    assert "Avesta får nu radera de registrerade uppgifterna" in text and result.files[0].sha256 in text
    assert "198001021230" not in text and "Anna" not in text and "@" not in text  # no personal data
    assert (tmp_path / "huvudregister.xlsx").stat().st_mode & 0o777 == 0o600
    assert master.verify(register) == (None, [])


def test_merging_twice_changes_nothing_and_decrypts_only_the_register(inbox: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    run_merge(inbox, tmp_path)
    before = (tmp_path / "huvudregister.xlsx").read_bytes()
    receipts_before = sorted(p.name for p in (tmp_path / "kvitton").iterdir())
    opened: list[str] = []
    original = crypto.open_bytes
    monkeypatch.setattr(crypto, "open_bytes", lambda data, pw, path, first=None: opened.append(path.name)
                        or original(data, pw, path, first))
    again = run_merge(inbox, tmp_path)
    assert again.files == [] and again.skipped == ["Avesta/v39.xlsx", "Hedemora/v39.xlsx"] and not again.written
    assert opened == ["huvudregister.xlsx"]  # one key derivation: the register's; none per file
    assert (tmp_path / "huvudregister.xlsx").read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "kvitton").iterdir()) == receipts_before


def test_inbox_files_are_never_changed(inbox: Path, tmp_path: Path) -> None:
    sums = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*.xlsx")}
    run_merge(inbox, tmp_path)
    run_merge(inbox, tmp_path)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.rglob("*.xlsx")} == sums


def test_a_corrected_email_updates_the_register_and_is_logged(inbox: Path, tmp_path: Path) -> None:
    run_merge(inbox, tmp_path)
    put(inbox / "Avesta" / "v39-40.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1, email="anna.a@example.se"),
                                                  person("202039-02", D(1985, 3, 4), 2, group="control"),
                                                  declining("202039-03")]}, minute=3)
    result = run_merge(inbox, tmp_path)
    assert [(f.new, f.changed, f.unchanged) for f in result.files] == [(0, 1, 2)]
    register = load(tmp_path / "huvudregister.xlsx")
    assert register.participants[("Avesta", "202039-01")].values["email"] == "anna.a@example.se"
    [change] = [e for e in register.log if e.event == "ändrad"]
    assert (change.forbund, change.serial, change.column, change.old, change.new, change.file) == (
        "Avesta", "202039-01", "E-post", "anna@example.se", "anna.a@example.se", "Avesta/v39-40.xlsx")
    assert master.verify(register) == (None, [])


def test_a_group_change_is_a_conflict_and_the_register_keeps_the_group(inbox: Path, tmp_path: Path) -> None:
    run_merge(inbox, tmp_path)
    put(inbox / "Avesta" / "v39-40.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1, group="control")]},
        minute=3)
    result = run_merge(inbox, tmp_path)
    assert result.files[0].conflicts == 1 and result.has_errors
    register = load(tmp_path / "huvudregister.xlsx")
    row = register.participants[("Avesta", "202039-01")].values
    assert (row["treatment"], row["control"]) == ("Ja", "Nej")
    conflicts = [p for p in register.problems if p.kind == merge.CONFLICT]
    assert {(p.serial, p.column, p.register_value, p.file_value) for p in conflicts} == {
        ("202039-01", "Behandlingsgrupp", "Ja", "Nej"), ("202039-01", "Kontrollgrupp", "Nej", "Ja")}
    receipt = receipts.parse(Path(result.receipts[0]).read_text(encoding="utf-8"), Path("k.txt"))
    assert "202039-01" not in receipt.rows  # a row in conflict is not confirmed: the förbund keeps it


def test_a_purged_row_erases_nothing_and_a_cleared_cell_is_a_problem(inbox: Path, tmp_path: Path) -> None:
    run_merge(inbox, tmp_path)
    put(inbox / "Avesta" / "v39-40.xlsx", {WEEK: [{"serial": "202039-01"},  # purged after the receipt
                                                  person("202039-02", D(1985, 3, 4), 2, group="control", mobile=None),
                                                  declining("202039-03")]}, minute=3)
    result = run_merge(inbox, tmp_path)
    assert [(f.new, f.changed, f.unchanged) for f in result.files] == [(0, 0, 2)]
    register = load(tmp_path / "huvudregister.xlsx")
    assert register.participants[("Avesta", "202039-01")].values["name"] == "Anna Andersson"
    assert register.participants[("Avesta", "202039-02")].values["mobile"] == "070-123 45 67"
    [cleared] = [p for p in register.problems if p.kind == merge.CLEARED]
    assert (cleared.serial, cleared.column, cleared.register_value) == ("202039-02", "Mobilnummer", "070-123 45 67")
    assert not result.has_errors  # a cleared cell is for a person to decide, not an error


def test_same_person_under_two_serials_is_k320_within_and_across_forbund(inbox: Path, tmp_path: Path) -> None:
    put(inbox / "Säter" / "v39.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 7)]}, forbund="Säter", minute=5)
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1980, 1, 2), 9)]}, minute=6)
    result = run_merge(inbox, tmp_path)
    k320 = [p for p in result.problems if p.kind == "K320"]
    assert {(p.forbund, p.serial) for p in k320} == {("Säter", "202039-01"), ("Avesta", "202040-01")}
    register = load(tmp_path / "huvudregister.xlsx")
    assert "K320" in register.participants[("Avesta", "202039-01")].codes
    assert run_merge(inbox, tmp_path).problems == []  # reported once


def test_k320_near_miss_the_same_row_sent_again_or_another_person(inbox: Path, tmp_path: Path) -> None:
    put(inbox / "Avesta" / "v39-igen.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1, comment="igen")]},
        minute=5)  # the same person under the same löpnummer, sent again
    put(inbox / "Säter" / "v39.xlsx", {WEEK: [person("202039-01", D(1980, 1, 3), 1)]}, forbund="Säter", minute=6)
    result = run_merge(inbox, tmp_path)
    assert [p.kind for p in result.problems] == []


def test_same_envelope_twice_in_a_forbund_across_files_is_k302(inbox: Path, tmp_path: Path) -> None:
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 2, 3), 2)]}, minute=6)
    put(inbox / "Hedemora" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1971, 2, 3), 2)]},
        forbund="Hedemora", minute=7)  # the same number in another förbund is another envelope
    result = run_merge(inbox, tmp_path)
    assert [(p.kind, p.forbund, p.serial) for p in result.problems] == [("K302", "Avesta", "202040-01")]


def test_an_unencrypted_file_is_merged_and_reported(tmp_path: Path) -> None:
    inbox = tmp_path / "inkorg"
    put(inbox / "Avesta" / "v39.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1)]}, password=None)
    result = run_merge(inbox, tmp_path)
    assert result.files[0].status == "inläst" and result.files[0].encryption == "ingen"
    assert [p.kind for p in result.problems] == [merge.UNENCRYPTED] and not result.has_errors


def test_a_file_that_cannot_be_opened_is_reported_and_the_rest_goes_on(inbox: Path, tmp_path: Path) -> None:
    put(inbox / "Säter" / "v39.xlsx", {WEEK: [person("202039-01", D(1970, 1, 2), 1)]}, forbund="Säter",
        password="ett-annat-lösenord", minute=0)
    (inbox / "Säter" / "trasig.xlsx").write_bytes(b"PK\x03\x04 inte en arbetsbok")
    result = run_merge(inbox, tmp_path)
    by_file = {f.file: f.status for f in result.files}
    assert by_file == {"Säter/v39.xlsx": "kunde inte öppnas", "Avesta/v39.xlsx": "inläst",
                       "Hedemora/v39.xlsx": "inläst", "Säter/trasig.xlsx": "kunde inte öppnas"}
    assert result.has_errors
    register = load(tmp_path / "huvudregister.xlsx")
    assert [e.status for e in register.files.values()].count("kunde inte öppnas") == 2
    reasons = [p.description for p in register.problems if p.kind == merge.NOT_OPENED]
    assert any("kunde inte öppnas med" in r for r in reasons) and any("ingen Excel-arbetsbok" in r for r in reasons)
    again = run_merge(inbox, tmp_path)  # refused files are not read again (nor reported again) without --retry
    assert again.files == [] and sorted(again.not_retried) == ["Säter/trasig.xlsx", "Säter/v39.xlsx"]
    retried = run_merge(inbox, tmp_path, PASSWORD, "ett-annat-lösenord", retry=True)
    assert {f.file: f.status for f in retried.files} == {"Säter/v39.xlsx": "inläst",
                                                         "Säter/trasig.xlsx": "kunde inte öppnas"}
    register = load(tmp_path / "huvudregister.xlsx")
    assert ("Säter", "202039-01") in register.participants
    assert [e.name for e in register.files.values()].count("Säter/v39.xlsx") == 1


def test_a_file_that_kills_its_reader_costs_only_itself(inbox: Path, tmp_path: Path) -> None:
    (inbox / "Avesta" / "krasch.xlsx").write_bytes(calamine_killer())
    result = run_merge(inbox, tmp_path)
    by_file = {f.file: f.status for f in result.files}
    assert by_file["Avesta/krasch.xlsx"] == "kunde inte öppnas" and list(by_file.values()).count("inläst") == 2
    register = load(tmp_path / "huvudregister.xlsx")
    # measured before the reader sees it (storage/bounds.py): a sentence that names the far cell, not a dead worker
    assert any(p.file == "Avesta/krasch.xlsx" and "XFD1048576" in p.description for p in register.problems)
    assert len(register.participants) == 3 and result.has_errors


def test_forbund_comes_from_the_property_else_the_folder(tmp_path: Path) -> None:
    inbox = tmp_path / "inkorg"
    plain = make_workbook({WEEK: [person("202039-01", D(1980, 1, 2), 1)]}, forbund="Avesta")
    (inbox / "Avesta").mkdir(parents=True)
    (inbox / "Avesta" / "utan-egenskap.xlsx").write_bytes(without_property(plain))
    put(inbox / "Hedemora" / "fel-mapp.xlsx", {WEEK: [person("202039-02", D(1981, 1, 2), 2)]}, forbund="Avesta")
    put(inbox / "i-roten.xlsx", {WEEK: [person("202039-03", D(1982, 1, 2), 3)]}, forbund="Säter")
    other = make_workbook({WEEK: [person("202039-04", D(1983, 1, 2), 4)]}, forbund="Avesta")
    (inbox / "utan-allt.xlsx").write_bytes(without_property(other))
    (inbox / "Avesta" / "~$utan-egenskap.xlsx").write_bytes(b"Excel's owner file")
    result = run_merge(inbox, tmp_path)
    statuses = {f.file: (f.status, f.forbund) for f in result.files}
    assert statuses == {"Avesta/utan-egenskap.xlsx": ("inläst", "Avesta"),
                        "Hedemora/fel-mapp.xlsx": ("fel förbund", "Hedemora"),
                        "i-roten.xlsx": ("inläst", "Säter"),
                        "utan-allt.xlsx": ("förbund saknas", "")}


def test_rows_with_errors_are_merged_with_their_codes_and_not_confirmed(tmp_path: Path) -> None:
    inbox = tmp_path / "inkorg"
    put(inbox / "Avesta" / "v39.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1, personnummer="198001021231"),
                                               person("202039-02", D(1981, 1, 2), 2),
                                               {"serial": None, "meeting_date": D(2020, 9, 21), "consent": "Ja",
                                                "name": "Utan Nr"}]})
    result = run_merge(inbox, tmp_path)
    register = load(tmp_path / "huvudregister.xlsx")
    assert register.participants[("Avesta", "202039-01")].codes == ["V224"]
    assert [p.kind for p in register.problems] == [merge.NO_SERIAL]  # nothing is lost: it waits in Problem
    assert "Utan Nr" in register.problems[0].file_value
    receipt = receipts.parse(Path(result.receipts[0]).read_text(encoding="utf-8"), Path("k.txt"))
    assert sorted(receipt.rows) == ["202039-02"] and result.has_errors


def test_dry_run_writes_nothing(inbox: Path, tmp_path: Path) -> None:
    result = run_merge(inbox, tmp_path, dry_run=True)
    assert result.dry_run and [f.new for f in result.files] == [3, 1] and not result.written
    assert not (tmp_path / "huvudregister.xlsx").exists() and not (tmp_path / "kvitton").exists()


def test_one_run_equals_one_run_per_file_in_order(inbox: Path, tmp_path: Path) -> None:
    put(inbox / "Avesta" / "v39-40.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1, email="ny@example.se"),
                                                  person("202039-02", D(1985, 3, 4), 2, group="treatment")]},
        minute=3)
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1980, 1, 2), 3)]}, minute=4)
    together = tmp_path / "tillsammans"
    run_merge(inbox, together)
    one_by_one = tmp_path / "en-och-en"
    growing = tmp_path / "växande"
    for path in merge.inbox_files(inbox):
        target = growing / path.relative_to(inbox)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        run_merge(growing, one_by_one)
    assert state(load(one_by_one / "huvudregister.xlsx")) == state(load(together / "huvudregister.xlsx"))


def test_receipts_missing_after_a_crash_are_written_next_time(inbox: Path, tmp_path: Path) -> None:
    first = run_merge(inbox, tmp_path)
    lost = Path(first.receipts[1])
    text = lost.read_text(encoding="utf-8")
    lost.unlink()
    again = run_merge(inbox, tmp_path)
    assert again.receipts == [str(lost)] and lost.read_text(encoding="utf-8") == text


def test_the_register_is_re_encrypted_with_the_newest_password(inbox: Path, tmp_path: Path) -> None:
    run_merge(inbox, tmp_path, OLD_PASSWORD)  # the inbox's files use PASSWORD, so the older one opens nothing
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 1, 2), 5)]}, minute=9)
    result = run_merge(inbox, tmp_path, PASSWORD, OLD_PASSWORD, retry=True)
    assert all(f.status == "inläst" for f in result.files)
    path = tmp_path / "huvudregister.xlsx"
    assert crypto.open_bytes(path.read_bytes(), crypto.Passwords([PASSWORD]), path).slot == 0


def test_the_log_chain_holds_and_json_is_the_result(inbox: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pw.txt").write_text(PASSWORD + "\n")
    (tmp_path / "pw.txt").chmod(0o600)
    result = run("merge", inbox, "--register", tmp_path / "h.xlsx", "--receipts", tmp_path / "k", "--format", "json",
                 "--password-file", tmp_path / "pw.txt", "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["new"] for f in data["files"]] == [3, 1] and data["written"] is True
    assert set(data) == set(merge.MergeResult.model_fields)


def test_cli_summary_and_exit_code(inbox: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    (inbox / "Avesta" / "trasig.xlsx").write_bytes(b"inte en arbetsbok")
    result = run("merge", inbox, "--register", tmp_path / "h.xlsx", "--receipts", tmp_path / "k",
                 env={"SAMREHAB_PASSWORD": PASSWORD}, input="")
    assert result.exit_code == 1, result.output
    assert "Filer inlästa" in result.stdout and "Avesta/trasig.xlsx: kunde inte öppnas" in result.stdout
    assert "Traceback" not in result.output


def test_a_rename_that_fails_leaves_the_old_register_intact(inbox: Path, tmp_path: Path, run,  # type: ignore[no-untyped-def]
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows a file open elsewhere cannot be replaced: the old register stays, and one sentence says so."""
    import os

    run_merge(inbox, tmp_path)
    register = tmp_path / "huvudregister.xlsx"
    before = register.read_bytes()
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 1, 2), 9)]}, minute=9)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("merge", inbox, "--register", register, "--receipts", tmp_path / "kvitton",
                 env={"SAMREHAB_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "kunde inte sparas" in result.stderr and "Traceback" not in result.output
    assert register.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".huvudregister.xlsx.") and p.suffix == ".tmp"]


def test_excel_having_the_register_open_refuses_the_merge(inbox: Path, tmp_path: Path, run) -> None:  # type: ignore[no-untyped-def]
    run_merge(inbox, tmp_path)
    (tmp_path / "~$huvudregister.xlsx").write_bytes(b"owner")
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 1, 2), 9)]}, minute=9)
    result = run("merge", inbox, "--register", tmp_path / "huvudregister.xlsx", "--receipts", tmp_path / "kvitton",
                 env={"SAMREHAB_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "öppen i Excel" in result.stderr and "Stäng filen" in result.stderr


def test_a_second_merge_while_one_holds_the_lock_stops_with_a_sentence(inbox: Path, tmp_path: Path, run,  # type: ignore[no-untyped-def]
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from samrehab_cli.storage import lock

    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.2)
    register = tmp_path / "huvudregister.xlsx"
    with lock.held(register):
        result = run("merge", inbox, "--register", register, "--receipts", tmp_path / "kvitton",
                     env={"SAMREHAB_PASSWORD": PASSWORD})
    assert result.exit_code == 2 and "ändras just nu av en annan körning" in result.stderr
    assert not register.exists()
