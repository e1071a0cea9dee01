"""storage.pool: every item comes back, in order, whatever happens to the process that worked on it."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from samrehab_cli import errors
from samrehab_cli.storage import pool


class Panic(BaseException):
    """What a Rust panic looks like from Python: not an Exception."""


def work(item: str) -> str:
    if item == "abort":
        os.abort()  # as python-calamine does on some damaged workbooks
    if item == "exit":
        os._exit(3)
    if item == "panic":
        raise Panic("thread panicked")
    if item == "missing":
        raise errors.FileMissing(path=Path("borta.xlsx"))
    if item == "slow":
        time.sleep(30)
    if item == "greedy":
        bytearray(4 * 1024**3)  # more than the worker's memory limit
    return item.upper()


def summary(done: pool.Done[str, str]) -> str:
    if done.died:
        return "died"
    if done.error is not None:
        return type(done.error).__name__
    return str(done.value)


@pytest.mark.parametrize("workers", [0, 1, 2])
def test_results_come_in_the_order_of_the_items(workers: int) -> None:
    items = [f"fil{n}" for n in range(25)]
    assert [d.value for d in pool.run(work, items, workers=workers)] == [i.upper() for i in items]


def test_a_worker_that_dies_costs_only_its_item() -> None:
    items = ["a", "abort", "b", "exit", "c", "panic", "missing", "d", "greedy", "e"]
    found = list(pool.run(work, items, workers=2))
    assert [d.item for d in found] == items
    assert [summary(d) for d in found] == ["A", "died", "B", "died", "C", "Panic", "FileMissing", "D",
                                          "MemoryError", "E"]
    assert "SIGABRT" in (found[1].died or "") and "3" in (found[3].died or "")


def test_a_library_error_crosses_whole() -> None:
    done, _ = pool.run(work, ["missing", "x"], workers=2)
    assert isinstance(done.error, errors.FileMissing) and str(done.error) == str(errors.FileMissing(
        path=Path("borta.xlsx")))
    again = pickle.loads(pickle.dumps(errors.WrongPassword(path=Path("a.xlsx"), count=2)))
    assert isinstance(again, errors.WrongPassword) and again.fields == {"path": Path("a.xlsx"), "count": 2}


def test_an_item_that_takes_too_long_is_stopped() -> None:
    start = time.monotonic()
    found = list(pool.run(work, ["a", "slow", "b"], workers=2, timeout=1.0))
    assert [summary(d) for d in found] == ["A", "died", "B"] and "längre tid" in (found[1].died or "")
    assert time.monotonic() - start < 10


def test_in_process_keeps_going_after_an_error() -> None:
    assert [summary(d) for d in pool.run(work, ["a", "panic", "missing", "b"], workers=0)] == [
        "A", "Panic", "FileMissing", "B"]


def test_a_dying_worker_writes_nothing_on_the_screen(capfd: pytest.CaptureFixture[str]) -> None:
    list(pool.run(work, ["a", "abort", "b"], workers=2))
    assert capfd.readouterr().err == ""


def test_no_worker_is_left_behind() -> None:
    import multiprocessing

    list(pool.run(work, ["a", "abort", "b", "c"], workers=2))
    assert multiprocessing.active_children() == []


def test_workers_for() -> None:
    assert pool.workers_for(0) == pool.workers_for(1) == 0
    assert 1 <= pool.workers_for(200) <= (os.cpu_count() or 1)


def test_many_files_are_checked_on_every_core_and_a_crash_is_a_finding(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """validate of many files: the same findings as one by one, in order; a file that kills its reader is S101."""
    import datetime as dt

    from samrehab_cli.registration import validate
    from samrehab_cli.storage import crypto

    from conftest import PASSWORD, make_workbook
    from rule_cases import YES

    paths = []
    for n in range(6):
        path = tmp_path / f"vecka{n}.xlsx"
        path.write_bytes(make_workbook([{**YES, "envelope": n + 1, "personnummer": "199102051234"}],
                                       password=PASSWORD))
        paths.append(path)
    passwords = crypto.Passwords([PASSWORD])
    today = dt.date(2020, 12, 31)
    together = validate.check_files(paths, passwords, today)
    assert together.report == validate.Report.of(f for p in paths for f in validate.check_file(p, passwords,
                                                                                                today).findings)
    assert [f.code for f in together.report.findings].count("V224") == 6

    original = validate.check_file

    def dies_on_the_third(path: Path, *args: Any) -> validate.Validated:
        if path == paths[2]:
            os.abort()
        return original(path, *args)

    monkeypatch.setattr(validate, "check_file", dies_on_the_third)  # the workers are forked with it
    crashed = validate.check_files(paths, passwords, today)
    s101 = [f for f in crashed.report.findings if f.code == "S101"]
    assert [f.file for f in s101] == [str(paths[2])] and "SIGABRT" in s101[0].message
    assert [f.code for f in crashed.report.findings].count("V224") == 5


def test_a_parent_holding_much_memory_does_not_starve_its_workers() -> None:
    """Workers are forked from a parent that may hold a large register: their limit is on what they add."""
    import mmap

    reserved = mmap.mmap(-1, 2 * 1024**3)  # 2 GiB of address space, never touched: no real memory
    try:
        assert [summary(d) for d in pool.run(work, ["a", "b", "greedy"], workers=2)] == ["A", "B", "MemoryError"]
    finally:
        reserved.close()


def test_a_run_left_unfinished_does_not_hold_up_the_exit() -> None:
    """The program ends while a run still has workers (its results kept, not exhausted): daemonic workers are ended
    at exit, so the process does not wait for them. A nesting run's workers are not daemonic (a process would wait
    for them at exit: its caller must finish or close the run, as the fuzz suite does)."""
    import subprocess
    import sys

    script = ("import sys; from samrehab_cli.storage import pool\n"
              "kept = pool.run(str.upper, ['a'] * 50, workers=2, nesting=sys.argv[1] == 'nesting')\n"
              "next(kept)\n"
              "import multiprocessing; print(sorted(p.daemon for p in multiprocessing.active_children()))\n"
              "if sys.argv[1] == 'nesting': kept.close()\n")
    ended = subprocess.run([sys.executable, "-c", script, "plain"], capture_output=True, text=True, timeout=30)
    assert ended.returncode == 0 and ended.stdout.strip() == "[True, True]", ended
    nesting = subprocess.run([sys.executable, "-c", script, "nesting"], capture_output=True, text=True, timeout=30)
    assert nesting.returncode == 0 and nesting.stdout.strip() == "[False, False]", nesting
