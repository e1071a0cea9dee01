"""The crafted workbooks of tests/fixtures/crafted (each once crashed samrehab or cost it without bound).

Each is an S101 finding from ``validate`` and one Swedish line from ``decrypt`` and ``outcomes``, as a real process:
exit 1 or 2, no abort, no traceback or Rust message, under 500 MB. (Times are measured in docs/testing.md, not
asserted.) A file is read before and after: nothing changes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.processes import run_all, swedish_line
from tests.writers import password_file

from samrehab_cli.registration.validate import validate_file
from samrehab_cli.storage import crypto

from conftest import FIXTURES, PASSWORD, TODAY

CRAFTED = FIXTURES / "crafted"
CRASHERS = sorted(p.name for p in CRAFTED.iterdir() if p.suffix in (".xlsx", ".xls") and "integrity" not in p.name)
MEMORY_MB = 500


def test_every_crasher_is_kept() -> None:
    from tests.fixtures.crafted.make_crafted import CRAFTED as MADE

    assert sorted(MADE) == CRASHERS


@pytest.mark.parametrize("name", CRASHERS)
def test_validate_through_the_library_gives_s101(name: str) -> None:
    findings = validate_file(CRAFTED / name, crypto.Passwords([PASSWORD]), TODAY)
    assert [f.code for f in findings] == ["S101"]
    assert "Filen kontrollerades inte." in findings[0].message


@pytest.mark.parametrize("name", CRASHERS)
def test_each_command_ends_with_one_swedish_line(name: str, tmp_path: Path) -> None:
    path = CRAFTED / name
    before = path.read_bytes()
    passwords = password_file(tmp_path)
    commands = {
        "validate": ["validate", path, "--today", TODAY.isoformat()],
        "decrypt": ["decrypt", path, "-o", tmp_path / "klartext.xlsx"],
        "outcomes": ["outcomes", "2020", "--register", path, "--today", TODAY.isoformat()],
    }
    ran = dict(zip(commands, run_all([[*args, "--password-file", passwords] for args in commands.values()]),
                   strict=True))
    for command, result in ran.items():
        assert swedish_line(result), (command, result)
        assert result.code == (1 if command == "validate" else 2), (command, result)
        assert result.peak_mb < MEMORY_MB, (command, result.peak_mb)
    assert "S101" in ran["validate"].stdout
    assert path.read_bytes() == before
    assert not (tmp_path / "klartext.xlsx").exists()


def test_a_merge_of_good_files_takes_every_crasher_as_a_problem(tmp_path: Path) -> None:
    """Every crafted file in one inbox beside two good files, merged by a real process: the good files' rows are in
    the register, each crafted file is in Inkomna filer as not opened and in Problem with its reason, exit 1."""
    from merge_files import load, person, put

    inbox = tmp_path / "inkorg"
    for number, forbund in enumerate(("Avesta", "Hedemora"), start=1):
        put(inbox / forbund / "v39.xlsx", {"2020-v39": [person(f"202039-0{number}", TODAY.replace(1980), number)]},
            forbund=forbund, minute=number)
    for name in CRASHERS:
        (inbox / "Säter" / name).parent.mkdir(parents=True, exist_ok=True)
        (inbox / "Säter" / name).write_bytes((CRAFTED / name).read_bytes())
    passwords = password_file(tmp_path)
    ran = run_all([["merge", inbox, "--register", tmp_path / "huvudregister.xlsx", "--receipts", tmp_path / "kvitton",
                    "--password-file", passwords, "--today", TODAY.isoformat()]], timeout=300)[0]
    assert ran.code == 1 and "Traceback" not in ran.output and "panicked" not in ran.output, ran
    assert ran.peak_mb < MEMORY_MB, ran.peak_mb
    register = load(tmp_path / "huvudregister.xlsx")
    assert set(register.participants) == {("Avesta", "202039-01"), ("Hedemora", "202039-02")}
    statuses = {entry.name: entry.status for entry in register.files.values()}
    assert {name: statuses.get(f"Säter/{name}") for name in CRASHERS} == dict.fromkeys(CRASHERS, "kunde inte öppnas")
    described = {p.file for p in register.problems if p.description}
    assert {f"Säter/{name}" for name in CRASHERS} <= described
