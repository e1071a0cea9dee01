"""storage.files: atomic writes whose temporaries say what they are, and are removed when a killed run left them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samrehab_cli import errors
from samrehab_cli.storage import files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes and locks are POSIX here")


def test_a_temporary_says_what_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (seen.append(Path(a).name), real(a, b)))
    files.atomic_write(tmp_path / "ut.xlsx", b"krypterat")
    files.atomic_write(tmp_path / "klartext.xlsx", b"PK...", plaintext=True)
    assert seen[0].startswith(".ut.xlsx.samrehab-") and "okrypterad" not in seen[0]
    assert seen[1].startswith(".klartext.xlsx.samrehab-okrypterad-") and seen[1].endswith(".tmp")


def test_the_next_write_removes_what_a_killed_run_left_but_not_a_live_one(tmp_path: Path) -> None:
    target = tmp_path / "vecka.xlsx"
    stale = tmp_path / ".vecka.xlsx.samrehab-abc123.tmp"
    stale.write_bytes(b"left by a kill")
    other = tmp_path / ".annan.xlsx.samrehab-abc123.tmp"
    other.write_bytes(b"another target's")
    live = tmp_path / ".vecka.xlsx.samrehab-live.tmp"
    live.write_bytes(b"")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\nfd = os.open(sys.argv[1], os.O_RDWR)\nfcntl.flock(fd, fcntl.LOCK_EX)\n"
        "print('held', flush=True)\ntime.sleep(60)\n"), str(live)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        files.atomic_write(target, b"new")
        assert files.leftovers(target) == [live]  # a writer still at work keeps its file
    finally:
        holder.kill()
        holder.wait()
    assert other.exists() and target.read_bytes() == b"new"
    files.remove_leftovers(target)
    assert files.leftovers(target) == []


def test_outputs_in_odd_places_are_sentences(tmp_path: Path) -> None:
    with pytest.raises(errors.CannotWrite, match="finns inte"):
        files.atomic_write(tmp_path / "saknas" / "ut.xlsx", b"x")
    (tmp_path / "mapp").mkdir()
    with pytest.raises(errors.IsAFolder):
        files.atomic_write(tmp_path / "mapp", b"x")
    with pytest.raises(errors.IsAFolder):
        files.check_output(tmp_path / "mapp", force=True)
    (tmp_path / "fil").write_bytes(b"x")
    with pytest.raises(errors.CannotWrite, match="finns inte"):  # a file where a folder should be
        files.atomic_write(tmp_path / "fil" / "ut.xlsx", b"x")
    with pytest.raises(errors.OutputExists):
        files.check_output(tmp_path / "fil", force=False)
    with pytest.raises(errors.OutputIsInput):
        files.check_output(tmp_path / "fil", force=True, inputs=(tmp_path / "fil",))
    with pytest.raises(errors.CannotReadFile):
        files.folder_files(tmp_path / "fil")
    assert files.folder_files(tmp_path) == [tmp_path / "fil"]
