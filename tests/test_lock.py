"""storage.lock: one writer at a time, a killed holder's lock taken over, Excel's owner file respected."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samrehab_cli.storage import lock


def hold_in_other_process(target: Path) -> subprocess.Popen[bytes]:
    code = ("import sys, time\nfrom pathlib import Path\nfrom samrehab_cli.storage import lock\n"
            "with lock.held(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)\n")
    process = subprocess.Popen([sys.executable, "-c", code, str(target)], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == b"held\n"
    return process


def test_a_second_writer_waits_then_stops_with_a_sentence(tmp_path: Path) -> None:
    target = tmp_path / "huvudregister.xlsx"
    holder = hold_in_other_process(target)
    try:
        start = time.monotonic()
        with pytest.raises(lock.Busy, match="ändras just nu av en annan körning"), lock.held(target, wait=0.5):
            pass
        assert time.monotonic() - start >= 0.4
    finally:
        holder.kill()
        holder.wait()


def test_the_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    target = tmp_path / "huvudregister.xlsx"
    holder = hold_in_other_process(target)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    assert lock.lock_path(target).exists()  # left behind by the killed process …
    with lock.held(target, wait=1):  # … and taken over at once
        pass


def test_excel_owner_file_means_open(tmp_path: Path) -> None:
    target = tmp_path / "huvudregister.xlsx"
    lock.refuse_if_open_in_excel(target)
    (tmp_path / "~$huvudregister.xlsx").write_bytes(b"")
    with pytest.raises(lock.OpenInExcel, match="Stäng filen i Excel"):
        lock.refuse_if_open_in_excel(target)
