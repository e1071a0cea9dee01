"""Kills and faults for every command that writes (tests/writers.py): nothing is lost, nothing readable is left.

- SIGKILL at moments spread evenly over a command's run (``SAMREHAB_KILLS`` of them, 10 in ``make test``, 100 in
  ``make faults``): afterwards the target holds its old content or a complete new one that opens with its password;
  the process's temporary folder is empty (openpyxl's worksheet files once stayed there); what is left beside the
  target is only atomic-write temporaries (mode 0600, encrypted unless the command writes plaintext by design, and
  then named so), and the next complete run of the command removes them.
- A full disk (a 1 MB tmpfs when this process may mount one, else a file-size limit on the process, which fails the
  write as a full disk would), a read-only folder, an output path that is a folder: one Swedish line, exit 2, the
  target as it was, no temporary left.
- Two ``weeks`` on one file at once: both runs' tabs are in it afterwards (the lock beside the file).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.processes import SAMREHAB, Ran, kill, run, run_all, swedish_line, tool, without_root_powers
from tests.writers import WRITERS, Job, Writer, intact, looks_plain, opened, password_file

from samrehab_cli.storage import files

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals, modes and tmpfs are POSIX")

KILLS = int(os.environ.get("SAMREHAB_KILLS", "10"))
IDS = [w.name for w in WRITERS]


def _environment(folder: Path) -> dict[str, str]:
    temporary = folder / "tmp"
    temporary.mkdir(exist_ok=True)
    return {"TMPDIR": str(temporary), "PYTHONDONTWRITEBYTECODE": "1"}


def _leftovers_are_safe(writer: Writer, job: Job) -> list[Path]:
    found = files.leftovers(job.target)
    for leftover in found:
        assert leftover.stat().st_mode & 0o777 == 0o600, leftover
        if writer.plaintext:
            assert files.PLAINTEXT in leftover.name, leftover  # a person sees what it is
        elif job.encrypted:
            assert not looks_plain(leftover.read_bytes()), leftover
    return found


@pytest.mark.parametrize("writer", WRITERS, ids=IDS)
def test_a_kill_at_any_moment_loses_nothing_and_leaves_nothing_readable(writer: Writer, tmp_path: Path) -> None:
    slots = [tmp_path / f"kills-{n}" for n in range(2)]  # two runs at a time, each in its own folder
    for folder in slots:
        folder.mkdir()
        password_file(folder)
    # how long a whole run takes, two at a time as the killed ones run
    references = [writer.prepare(folder) for folder in slots]
    wholes = run_all([[*job.args, "--password-file", folder / "losenord.txt"] for job, folder in
                      zip(references, slots, strict=True)], env=_environment(tmp_path), at_once=len(slots))
    for job, ran in zip(references, wholes, strict=True):
        assert ran.code in (0, 1) and intact(job, b""), ran
    seconds = max(ran.seconds for ran in wholes)
    interrupted = changed = 0
    left: set[Path] = set()
    for first in range(0, KILLS, len(slots)):
        batch = []
        for folder, moment in zip(slots, range(first, min(first + len(slots), KILLS)), strict=False):
            job = writer.prepare(folder)
            old = job.target.read_bytes()
            environment = _environment(folder)
            process = subprocess.Popen([*SAMREHAB, *map(str, job.args), "--password-file", folder / "losenord.txt"],
                                       env={**os.environ, **environment}, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
            batch.append((time.monotonic() + seconds * (moment + 0.5) / KILLS, process, job, old, moment,
                          Path(environment["TMPDIR"])))
        for at, process, *_ in sorted(batch, key=lambda b: b[0]):
            time.sleep(max(0.0, at - time.monotonic()))
            interrupted += process.poll() is None
            kill(process)
        for _, _, job, old, moment, temporary in batch:
            assert intact(job, old), (writer.name, moment)
            assert list(temporary.iterdir()) == [], (writer.name, moment)
            changed += job.target.read_bytes() != old
            left |= set(_leftovers_are_safe(writer, job))
    assert interrupted >= KILLS // 3, interrupted  # the kills fell within the runs (a run may be quicker)
    for folder in slots:
        job = writer.prepare(folder)
        again = run([*job.args, "--password-file", folder / "losenord.txt"], env=_environment(folder))
        assert again.code in (0, 1) and intact(job, b""), again
        assert files.leftovers(job.target) == []  # the next write removed what the kills left
    print(f"\nkills {writer.name}: {KILLS} kills over {seconds:.1f} s, {interrupted} during the run, "
          f"{changed} left the new content, 0 broken, {len(left)} temporaries seen beside the target (all removed)")


@contextlib.contextmanager
def _small_disk(folder: Path) -> Iterator[list[str]]:
    """A full disk under ``folder``: a 1 MB tmpfs filled to the last byte when this process may mount one (the
    prefix is empty), else a limit on the size of any file the process writes (``prlimit --fsize``)."""
    folder.mkdir()
    mounted = os.geteuid() == 0 and shutil.which("mount") is not None and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(folder)], capture_output=True).returncode == 0
    try:
        yield [] if mounted else [tool("prlimit"), "--fsize=4096", "--"]
    finally:
        if mounted:
            subprocess.run(["umount", str(folder)], check=True)


def _fill(folder: Path) -> None:
    """Fill the disk to the last byte (the file is unbuffered: each write meets the full disk itself)."""
    with (folder / "fyllnad").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
        while True:
            filler.write(b"\0" * 4096)


def _refused_and_unchanged(ran: Ran, job: Job, old: bytes, words: str) -> None:
    assert ran.code == 2 and swedish_line(ran), ran
    assert words in ran.stderr, ran
    assert job.target.read_bytes() == old
    assert files.leftovers(job.target) == []


@pytest.mark.parametrize("writer", WRITERS, ids=IDS)
def test_a_full_disk_changes_nothing(writer: Writer, tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk") as prefix:
        folder = tmp_path / "disk"
        job = writer.prepare(folder)
        passwords = password_file(folder)
        old = job.target.read_bytes()
        if not prefix:
            _fill(folder)
        ran = run([*job.args, "--password-file", passwords], prefix=prefix, env=_environment(tmp_path))
        _refused_and_unchanged(ran, job, old, "kunde inte sparas")


@pytest.mark.parametrize("writer", WRITERS, ids=IDS)
def test_a_read_only_folder_changes_nothing(writer: Writer, tmp_path: Path) -> None:
    folder, elsewhere = tmp_path / "skrivskyddad", tmp_path / "annan"
    folder.mkdir()
    elsewhere.mkdir()
    job = writer.prepare(folder)
    passwords = password_file(elsewhere)
    old = job.target.read_bytes()
    folder.chmod(0o555)
    try:
        ran = run([*job.args, "--password-file", passwords], prefix=without_root_powers(), env=_environment(elsewhere))
    finally:
        folder.chmod(0o755)
    _refused_and_unchanged(ran, job, old, "kunde inte sparas")


def test_an_output_path_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    jobs = []
    for writer in WRITERS:
        folder = tmp_path / writer.name.replace(" ", "_")
        folder.mkdir()
        job = writer.prepare(folder)
        job.target.unlink()
        job.target.mkdir()
        jobs.append((job, [*job.args, "--password-file", password_file(folder)]))
    for (job, _), ran in zip(jobs, run_all([args for _, args in jobs]), strict=True):
        assert ran.code == 2 and swedish_line(ran) and "är en mapp" in ran.stderr, (job.args[0], ran)
        assert job.target.is_dir() and list(job.target.iterdir()) == []


def test_two_weeks_on_one_file_at_once_lose_neither_s_tabs(tmp_path: Path) -> None:
    job = WRITERS[[w.name for w in WRITERS].index("weeks")].prepare(tmp_path)
    passwords = password_file(tmp_path)
    for _ in range(3):
        first = [*job.args[:2], "--to", "2020-v45", "--password-file", passwords]
        second = [*job.args[:2], "--from", "2020-v50", "--to", "2021-v05", "--password-file", passwords]
        for ran in run_all([first, second], at_once=2):
            assert ran.code == 0 and swedish_line(ran), ran
        book = opened(job, job.target.read_bytes())
        assert book is not None
        assert {"2020-v45", "2020-v50", "2021-v05"} <= set(book.sheet_names)
        job = WRITERS[[w.name for w in WRITERS].index("weeks")].prepare(tmp_path)

