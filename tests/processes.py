"""samrehab as a real process, for what only a process shows: an abort, its memory, a kill, the files it touches.

``run`` starts ``python -m samrehab_cli`` (the installed command, without the console-script wrapper) and returns
what became of it, with the process's own peak memory from ``wait4``.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

PYTHON = sys.executable
SAMREHAB = [PYTHON, "-m", "samrehab_cli"]
#: what a run may end with, and nothing else: a Rust abort is 134 or -6, a panic's traceback is exit 1 with text
EXITS = (0, 1, 2)
#: CI sets this: a test that needs a tool (strace, setpriv) fails instead of skipping when it is missing
REQUIRED = bool(os.environ.get("SAMREHAB_REQUIRE_INTEROP"))


@dataclass(frozen=True)
class Ran:
    code: int  # the exit code; minus the signal number when a signal ended it
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(args: Sequence[object], *, env: Mapping[str, str] | None = None, stdin: str | None = None,
        timeout: float = 120, prefix: Sequence[str] = (), cwd: Path | None = None) -> Ran:
    """Run samrehab with ``args``; ``prefix`` goes before the interpreter (``strace …``, ``setpriv …``)."""
    return run_all([args], env=env, stdin=stdin, timeout=timeout, prefix=prefix, cwd=cwd)[0]


def run_all(commands: Sequence[Sequence[object]], *, env: Mapping[str, str] | None = None, stdin: str | None = None,
            timeout: float = 120, prefix: Sequence[str] = (), cwd: Path | None = None, at_once: int = 3,
            entry: Sequence[str] | None = None, prefixes: Sequence[Sequence[str]] | None = None) -> list[Ran]:
    """Run samrehab once per argument list, ``at_once`` processes at a time, each waited for with ``wait4`` (which
    gives its own peak memory). ``entry`` replaces ``-m samrehab_cli`` (``-c CODE``); ``prefixes``, one per command,
    replace ``prefix``. No threads: a thread's malloc
    arena would swell this process, and with it the address space a forked pool worker inherits."""
    environment = {k: v for k, v in os.environ.items() if k not in ("SAMREHAB_PASSWORD", "RUST_BACKTRACE")}
    environment.update(env or {})
    results: dict[int, Ran] = {}
    running: dict[int, tuple[subprocess.Popen[bytes], float, dict[str, bytearray]]] = {}
    todo = list(enumerate(commands))
    with selectors.DefaultSelector() as selector:
        while todo or running:
            while todo and len(running) < at_once:
                index, args = todo.pop(0)
                command = [*(prefixes[index] if prefixes else prefix), PYTHON, *(entry or SAMREHAB[1:]),
                           *map(str, args)]
                process = subprocess.Popen(command, env=environment, cwd=cwd, stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                assert process.stdin is not None and process.stdout is not None and process.stderr is not None
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.write((stdin or "").encode())
                with contextlib.suppress(BrokenPipeError):
                    process.stdin.close()
                buffers = {"out": bytearray(), "err": bytearray()}
                selector.register(process.stdout, selectors.EVENT_READ, (index, "out"))
                selector.register(process.stderr, selectors.EVENT_READ, (index, "err"))
                running[index] = (process, time.monotonic(), buffers)
            for key, _ in selector.select(timeout=0.05):
                index, which = key.data
                chunk = os.read(key.fd, 65536)
                if chunk:
                    running[index][2][which] += chunk
                else:
                    selector.unregister(key.fileobj)
            for index, (process, started, buffers) in list(running.items()):
                open_pipes = [f for f in (process.stdout, process.stderr) if f is not None and _registered(selector, f)]
                if time.monotonic() - started > timeout:
                    kill(process)
                    raise AssertionError(f"samrehab {commands[index]} ran longer than {timeout} s")
                if open_pipes:
                    continue
                pid, status, usage = os.wait4(process.pid, 0)
                process.returncode = os.waitstatus_to_exitcode(status)
                for stream in (process.stdout, process.stderr):
                    if stream is not None:
                        stream.close()
                results[index] = Ran(process.returncode, buffers["out"].decode(errors="replace"),
                                     buffers["err"].decode(errors="replace"), time.monotonic() - started,
                                     usage.ru_maxrss / 1024)
                del running[index]
    return [results[index] for index in range(len(commands))]


def _registered(selector: selectors.BaseSelector, stream: object) -> bool:
    try:
        selector.get_key(stream)
    except KeyError:
        return False
    return True


def swedish_line(ran: Ran) -> bool:
    """Ended as samrehab ends: an exit code of 0, 1 or 2, no traceback or Rust message, and when it could not run
    exactly one line on stderr that starts with ``Fel:``."""
    clean = not any(word in ran.output for word in ("Traceback", "panicked", "RUST_BACKTRACE", "stack backtrace"))
    if ran.code == 2:
        lines = ran.stderr.strip().splitlines()
        return clean and len(lines) == 1 and lines[0].startswith("Fel: ")
    return clean and ran.code in EXITS


def tool(name: str) -> str:
    """The path of a command-line tool the test needs: skipped without it, failed under CI (REQUIRED)."""
    found = shutil.which(name)
    if found is None:
        if REQUIRED:
            pytest.fail(f"{name} is required (SAMREHAB_REQUIRE_INTEROP=1) but not installed")
        pytest.skip(f"{name} not installed")
    return found


def without_root_powers() -> list[str]:
    """A prefix that makes file permissions count: as root, ``setpriv`` takes away the powers to read and search
    anything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH); as anyone else nothing is needed."""
    if os.geteuid() != 0:
        return []
    return [tool("setpriv"), "--bounding-set=-dac_override,-dac_read_search"]


def kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.kill(process.pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        process.wait()
