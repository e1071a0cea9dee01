"""samrehab merge --allocation: each consenting row's group against its envelope's (K330), and an envelope used twice
within a förbund (K302), on crafted inboxes and correct ones."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from samrehab_cli.catalog import RULE
from samrehab_cli.isf import envelopes, merge
from samrehab_cli.isf.envelopes import TREATMENT
from samrehab_cli.storage import crypto

from conftest import PASSWORD
from merge_files import NOW, TODAY, declining, load, person, put

D = dt.date
WEEK = "2020-v39"


def passwords() -> crypto.Passwords:
    return crypto.Passwords([PASSWORD])


@pytest.fixture
def lists(tmp_path: Path) -> dict[str, Path]:
    """An allocation list of 20 envelopes for Avesta and for Hedemora (seeded: a test's own generator)."""
    made = {}
    for name, seed in (("Avesta", 1), ("Hedemora", 2)):
        made[name] = tmp_path / f"kuvert-{name}.xlsx"
        envelopes.make(made[name], passwords(), count=20, today=D(2020, 9, 1), forbund=name, rng=random.Random(seed))
    return made


def group(path: Path, number: int) -> str:
    return "treatment" if envelopes.read(path, passwords()).groups[number] == TREATMENT else "control"


def other(name: str) -> str:
    return "control" if name == "treatment" else "treatment"


def run_merge(inbox: Path, folder: Path, allocations: list[Path]) -> merge.MergeResult:
    return merge.merge(inbox, folder / "huvudregister.xlsx", folder / "kvitton", passwords(), today=TODAY, now=NOW,
                       allocations=allocations)


def correct_inbox(tmp_path: Path, lists: dict[str, Path]) -> Path:
    inbox = tmp_path / "inkorg"
    put(inbox / "Avesta" / "v39.xlsx", {WEEK: [
        person("202039-01", D(1980, 1, 2), 1, group(lists["Avesta"], 1)),
        person("202039-02", D(1985, 3, 4), 2, group(lists["Avesta"], 2)),
        declining("202039-03")]}, minute=1)
    put(inbox / "Hedemora" / "v39.xlsx", {WEEK: [person("202039-01", D(1990, 5, 6), 1, group(lists["Hedemora"], 1))]},
        forbund="Hedemora", minute=2)
    return inbox


def test_a_correct_inbox_has_no_k330_and_no_k302(tmp_path: Path, lists: dict[str, Path]) -> None:
    inbox = correct_inbox(tmp_path, lists)
    result = run_merge(inbox, tmp_path, list(lists.values()))
    assert result.problems == [] and not result.has_errors


def test_k330_a_group_that_differs_from_its_envelope(tmp_path: Path, lists: dict[str, Path]) -> None:
    inbox = correct_inbox(tmp_path, lists)
    wrong = other(group(lists["Avesta"], 3))
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 2, 3), 3, wrong)]}, minute=3)
    result = run_merge(inbox, tmp_path, list(lists.values()))
    [problem] = result.problems
    assert (problem.kind, problem.forbund, problem.serial, problem.column) == ("K330", "Avesta", "202040-01",
                                                                               "Kuvertnummer")
    expected = envelopes.read(lists["Avesta"], passwords()).groups[3]
    assert f"Kuvert 3 är {expected} i kuvertlistan" in problem.description and result.has_errors
    register = load(tmp_path / "huvudregister.xlsx")
    assert "K330" in register.participants[("Avesta", "202040-01")].codes
    [kept] = [p for p in register.problems if p.kind == "K330"]
    assert kept.register_value == expected and kept.file == "Avesta/v40.xlsx"
    again = run_merge(inbox, tmp_path, list(lists.values()))
    assert again.problems == [] and not again.written  # reported once


def test_k330_an_envelope_not_in_the_list(tmp_path: Path, lists: dict[str, Path]) -> None:
    inbox = correct_inbox(tmp_path, lists)
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 2, 3), 21)]}, minute=3)
    [problem] = run_merge(inbox, tmp_path, list(lists.values())).problems
    assert problem.kind == "K330" and "Kuvert 21 finns inte i förbundets kuvertlista (1–20)" in problem.description


def test_k302_an_envelope_used_twice_within_a_forbund(tmp_path: Path, lists: dict[str, Path]) -> None:
    inbox = correct_inbox(tmp_path, lists)
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1970, 2, 3), 2, group(lists["Avesta"], 2))]},
        minute=3)
    result = run_merge(inbox, tmp_path, list(lists.values()))
    assert [(p.kind, p.forbund, p.serial) for p in result.problems] == [("K302", "Avesta", "202040-01")]
    assert RULE["K302"].message.format(first="Avesta 202039-02") == result.problems[0].description


def test_k330_near_misses(tmp_path: Path, lists: dict[str, Path]) -> None:
    """No K330: a förbund without a list, a row without exactly one group (V240 says so), a declining row, the same
    number in another förbund's list, and the right group under a list and its continuation given together."""
    inbox = correct_inbox(tmp_path, lists)
    put(inbox / "Säter" / "v40.xlsx", {"2020-v40": [person("202040-01", D(1971, 2, 3), 999)]}, forbund="Säter",
        minute=3)
    put(inbox / "Avesta" / "v40.xlsx", {"2020-v40": [
        person("202040-01", D(1972, 2, 3), 4, treatment="Ja", control="Ja"),
        declining("202040-02")]}, minute=4)
    copy = tmp_path / "kuvert-Avesta-fortsatt.xlsx"
    copy.write_bytes(lists["Avesta"].read_bytes())
    envelopes.make(copy, passwords(), count=10, today=D(2020, 10, 1), continued=True, rng=random.Random(9))
    put(inbox / "Avesta" / "v41.xlsx", {"2020-v41": [person("202041-01", D(1973, 2, 3), 25, group(copy, 25))]},
        minute=5)
    result = run_merge(inbox, tmp_path, [lists["Avesta"], copy, lists["Hedemora"]])
    assert [p.kind for p in result.problems] == []
    assert "V240" in load(tmp_path / "huvudregister.xlsx").participants[("Avesta", "202040-01")].codes


def test_a_list_given_later_checks_the_rows_merged_before(tmp_path: Path, lists: dict[str, Path]) -> None:
    inbox = tmp_path / "inkorg"
    wrong = other(group(lists["Avesta"], 1))
    put(inbox / "Avesta" / "v39.xlsx", {WEEK: [person("202039-01", D(1980, 1, 2), 1, wrong)]})
    assert run_merge(inbox, tmp_path, []).problems == []
    later = run_merge(inbox, tmp_path, [lists["Avesta"]])
    assert [p.kind for p in later.problems] == ["K330"] and later.written and later.files == []
    assert [p.kind for p in load(tmp_path / "huvudregister.xlsx").problems] == ["K330"]


def test_two_lists_that_disagree_are_refused_before_anything_is_read(tmp_path: Path, lists: dict[str, Path]) -> None:
    inbox = correct_inbox(tmp_path, lists)
    rival = tmp_path / "kuvert-Avesta-2.xlsx"
    envelopes.make(rival, passwords(), count=20, today=D(2020, 9, 1), forbund="Avesta", rng=random.Random(99))
    with pytest.raises(envelopes.DisagreeingLists):
        run_merge(inbox, tmp_path, [lists["Avesta"], rival])
    assert not (tmp_path / "huvudregister.xlsx").exists()


# --- through the CLI ---------------------------------------------------------------------------------------------
def test_cli_merge_with_allocation_lists(run, tmp_path: Path, lists: dict[str, Path], password_file: Path) -> None:
    inbox = correct_inbox(tmp_path, lists)
    common = ["--register", tmp_path / "huvudregister.xlsx", "--receipts", tmp_path / "kvitton", "--password-file",
              password_file, "--today", "2020-12-31"]
    clean = run("merge", inbox, "--allocation", lists["Avesta"], "--allocation", lists["Hedemora"], *common)
    assert clean.exit_code == 0, clean.output
    put(inbox / "Hedemora" / "v40.xlsx", {"2020-v40": [
        person("202040-01", D(1970, 2, 3), 2, other(group(lists["Hedemora"], 2))),
        person("202040-02", D(1971, 2, 3), 1, group(lists["Hedemora"], 1))]}, forbund="Hedemora", minute=3)
    crafted = run("merge", inbox, "--allocation", lists["Avesta"], "--allocation", lists["Hedemora"], *common)
    assert crafted.exit_code == 1
    assert "Hedemora 202040-01, Kuvertnummer: K330. Kuvert 2 är" in crafted.stdout
    assert "Hedemora 202040-02, Kuvertnummer: K302." in crafted.stdout
    bad = run("merge", inbox, "--allocation", tmp_path / "saknas.xlsx", *common)
    assert bad.exit_code == 2 and "saknas.xlsx finns inte" in bad.stderr
