"""A merge killed at any moment, or two merges at once: the register always opens and nothing merged is lost."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samrehab_cli.isf import merge
from samrehab_cli.isf import register as master
from samrehab_cli.storage import crypto

from conftest import PASSWORD
from merge_files import NOW, TODAY, declining, load, person, put, state

D = dt.date
KILLS = 50
AFTER_WRITE = 10  # of them, at moments just after the register is written


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fel") / "inkorg"
    for n, forbund in enumerate(("Avesta", "Hedemora", "Säter")):
        rows = [person(f"202039-{i:02d}", D(1960 + 10 * n + i, 1, 2), i, group="control" if i % 2 else "treatment")
                for i in range(1, 9)] + [declining("202039-09")]
        put(folder / forbund / "v39.xlsx", {"2020-v39": rows}, forbund=forbund, minute=n, per_week=10)
        rows[0] = {**rows[0], "email": "rättad@example.se"}
        put(folder / forbund / "v39-v40.xlsx", {"2020-v39": rows, "2020-v40": [person("202040-01", D(1950 + n, 3, 4),
                                                                                     20)]},
            forbund=forbund, minute=10 + n, per_week=10)
    return folder


def _command(inbox: Path, folder: Path) -> list[str]:
    return [sys.executable, "-m", "samrehab_cli", "merge", str(inbox), "--register", str(folder / "h.xlsx"),
            "--receipts", str(folder / "kvitton"), "--today", TODAY.isoformat()]


def _env() -> dict[str, str]:
    return {**os.environ, "SAMREHAB_PASSWORD": PASSWORD}


def _complete(inbox: Path, folder: Path) -> None:
    merge.merge(inbox, folder / "h.xlsx", folder / "kvitton", crypto.Passwords([PASSWORD]), today=TODAY, now=NOW)


def _rows(register: master.MasterRegister) -> dict[tuple[str, str], dict[str, str]]:
    return {key: {k: master.canon(v) for k, v in row.values.items()}
            for key, row in [*register.participants.items(), *register.declined.items()]}


def _receipts(folder: Path) -> list[str]:
    """The receipts written (a temporary one a kill left behind holds no personal data and is no receipt)."""
    return sorted(p.name for p in (folder / "kvitton").iterdir() if not p.name.startswith("."))


def test_a_merge_killed_at_any_moment_loses_nothing(inbox: Path, tmp_path: Path) -> None:
    reference = tmp_path / "hel"
    _complete(inbox, reference)
    expected = load(reference / "h.xlsx")
    start = time.monotonic()
    subprocess.run(_command(inbox, tmp_path / "tid"), env=_env(), check=True, capture_output=True)
    duration = time.monotonic() - start
    written_before_kill = 0
    for number in range(KILLS):
        folder = tmp_path / f"kill{number}"
        process = subprocess.Popen(_command(inbox, folder), env=_env(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        if number < KILLS - AFTER_WRITE:  # spread over the whole run
            time.sleep(duration * (number + 0.5) / (KILLS - AFTER_WRITE))
        else:  # just after the register is written, while the receipts are: whatever the machine's speed
            while process.poll() is None and not (folder / "h.xlsx").exists():
                time.sleep(0.001)
            time.sleep(0.005 * (number - KILLS + AFTER_WRITE))
        process.send_signal(signal.SIGKILL)
        process.wait()
        register = folder / "h.xlsx"
        if register.exists():  # the old or the new register, never half of one: it opens, and its log holds
            written_before_kill += 1
            partial = load(register)
            assert master.verify(partial) == (None, [])
            assert all(_rows(expected)[key] == values for key, values in _rows(partial).items())
        leftovers = [p for p in folder.iterdir() if p.name.startswith(".h.xlsx.") and p.suffix == ".tmp"] \
            if folder.exists() else []
        for leftover in leftovers:  # a temporary the kill left is never plaintext: it is encrypted already
            assert leftover.read_bytes()[:8] == crypto.OLE_MAGIC or leftover.stat().st_size == 0
        _complete(inbox, folder)  # the next run completes the work
        assert state(load(register)) == state(expected), number
        assert _receipts(folder) == _receipts(reference)
    assert written_before_kill >= AFTER_WRITE  # those kills came after the register was written


def test_two_merges_at_once_lose_nothing(inbox: Path, tmp_path: Path) -> None:
    first = subprocess.Popen(_command(inbox, tmp_path), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(_command(inbox, tmp_path), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    outcomes = [(p.wait(), p.stderr.read().decode()) for p in (first, second)]  # type: ignore[union-attr]
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 2]), outcomes  # the second waited, or stopped with a sentence
    for code, error in outcomes:
        if code == 2:
            assert "ändras just nu av en annan körning" in error
    reference = tmp_path / "hel"
    _complete(inbox, reference)
    assert _rows(load(tmp_path / "h.xlsx")) == _rows(load(reference / "h.xlsx"))


def _state(stat: Path) -> tuple[str, int] | None:
    """A process's state and parent from its ``/proc/PID/stat`` (None: it is gone)."""
    try:
        fields = stat.read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    state = _state(Path(f"/proc/{pid}/stat"))
    return state is not None and state[0] not in ("Z", "X")  # a zombie has ended


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid``."""
    return {int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat")
            if (state := _state(stat)) is not None and state[1] == pid and state[0] not in ("Z", "X")}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_killed_merge_leaves_no_worker_behind(tmp_path: Path) -> None:
    """SIGKILL gives the merge no time to stop its workers: they see that their parent is gone and end themselves
    (a sibling forked later holds the other end of each pipe, so the pipe alone does not tell them)."""
    inbox = tmp_path / "inkorg"
    for n in range(6):  # one file a förbund: no password hint from a file before; each costs 12 key derivations
        put(inbox / f"Förbund {n}" / "v39.xlsx", {"2020-v39": [person(f"202039-0{n + 1}", D(1970 + n, 1, 2), n)]},
            forbund=f"Förbund {n}", minute=n)
    passwords = tmp_path / "losenord.txt"
    passwords.write_text("".join(f"fel-{n}\n" for n in range(11)) + PASSWORD + "\n", encoding="utf-8")
    passwords.chmod(0o600)
    command = [*_command(inbox, tmp_path), "--password-file", str(passwords)]
    merging = subprocess.Popen(command, env={**os.environ, "SAMREHAB_PURE_PYTHON": "1"}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and merging.poll() is None and time.monotonic() < deadline:
        workers = _children(merging.pid)
        time.sleep(0.01)
    assert len(workers) == 2 and merging.poll() is None, "the merge ended before its workers were seen"
    merging.send_signal(signal.SIGKILL)
    merging.wait()
    deadline = time.monotonic() + 30
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers)), "a worker outlived its killed merge"
