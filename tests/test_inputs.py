"""Inputs that are not plain files, or cannot be read, are refused up front with one Swedish line by every command.

A named pipe (once waited on forever), a device (/dev/zero: once MemoryError), a file without read permission, a
file in a folder without search permission (once PermissionError from ``Path.is_dir``: "ett oväntat fel"), a file
over the size limit. Each case runs as a real process, so that a hang is a failure (a time bound) and permissions
count also for root (``setpriv`` takes its powers away).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.processes import run_all, swedish_line, without_root_powers

from samrehab_cli import errors
from samrehab_cli.storage import files

from conftest import PASSWORD, TODAY, make_workbook

pytestmark = pytest.mark.skipif(os.name != "posix", reason="named pipes, devices and modes are POSIX")

COMMANDS = {
    "validate": lambda p, t: ["validate", p, "--today", TODAY.isoformat()],
    "decrypt": lambda p, t: ["decrypt", p, "-o", t / "ut.xlsx"],
    "encrypt": lambda p, t: ["encrypt", p, "-o", t / "ut.xlsx"],
    "weeks": lambda p, t: ["weeks", p, "--to", "2020-v45"],
    "outcomes": lambda p, t: ["outcomes", "2020", "--register", p],
    "ors": lambda p, t: ["ors", "--due", "--register", p],
}


def _cases(tmp_path: Path) -> dict[str, Path]:
    pipe = tmp_path / "ror.xlsx"
    os.mkfifo(pipe)
    unreadable = tmp_path / "las-ej.xlsx"
    unreadable.write_bytes(make_workbook([]))
    unreadable.chmod(0)
    closed = tmp_path / "stangd"
    closed.mkdir()
    (closed / "vecka.xlsx").write_bytes(make_workbook([]))
    closed.chmod(0)
    large = tmp_path / "stor.xlsx"
    with large.open("wb") as handle:
        handle.truncate(files.MAX_INPUT_BYTES + 1)  # sparse: costs no disk
    return {"named pipe": pipe, "device": Path("/dev/zero"), "no read permission": unreadable,
            "folder without search permission": closed / "vecka.xlsx", "too large": large}


def test_each_command_refuses_each_input_with_one_line(tmp_path: Path) -> None:
    passwords = tmp_path / "losenord.txt"
    passwords.write_text(PASSWORD + "\n", encoding="utf-8")
    passwords.chmod(0o600)
    prefix = without_root_powers()
    runs = [(command, case, [*make(path, tmp_path), "--password-file", passwords])
            for case, path in _cases(tmp_path).items() for command, make in COMMANDS.items()]
    try:
        results = run_all([r[2] for r in runs], prefix=prefix, timeout=60, at_once=4)
    finally:
        (tmp_path / "stangd").chmod(0o700)
    for (command, case, _), result in zip(runs, results, strict=True):
        assert swedish_line(result), (command, case, result)
        assert "oväntat fel" not in result.output, (command, case, result)
        if command == "validate":
            assert result.code == 1 and "S101" in result.stdout, (command, case, result)
        else:
            assert result.code == 2, (command, case, result)
    assert not (tmp_path / "ut.xlsx").exists()


def test_the_library_says_what_the_input_is(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "ror.xlsx")
    with pytest.raises(errors.NotAFile, match="namngiven pipe"):
        files.read_bytes(tmp_path / "ror.xlsx")
    with pytest.raises(errors.NotAFile, match="enhet"):
        files.read_bytes(Path("/dev/zero"))
    with pytest.raises(errors.IsAFolder):
        files.read_bytes(tmp_path)
    assert files.is_folder(tmp_path) and not files.is_folder(tmp_path / "ror.xlsx")
    assert not files.is_folder(tmp_path / "saknas")
