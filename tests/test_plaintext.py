"""Nothing in plaintext touches the disk: every writing command, traced with ``strace -f -e trace=%file``, opens for
writing, creates, renames or links nothing but its named output, the atomic-write temporary beside it
(``.NAME.samrehab-….tmp``) and, for a change in place, the lock beside it (``.NAME.lock``).

openpyxl writes each worksheet to ``tempfile.NamedTemporaryFile`` while it saves unless it is given a buffer
(:func:`samrehab_cli.storage.workbooks.keep_worksheets_in_memory`); the test of the test runs the same commands with
that undone and requires the trace to show openpyxl's temporary files. strace is skipped when missing, and required
under CI (``SAMREHAB_REQUIRE_INTEROP=1``, which ``.ci/run`` sets after installing it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from tests.processes import Ran, run_all, tool
from tests.writers import WRITERS, password_file

pytestmark = pytest.mark.skipif(os.name != "posix" or not os.path.exists("/proc"), reason="strace is for Linux")

#: a file opened for writing or created, or the target of a rename or link (pid prefix, syscall, first path, rest)
_CALL = re.compile(r'^(?:\d+ +)?(openat|open|creat|rename|renameat2?|link|linkat|symlink|symlinkat|mkdir|mkdirat|'
                   r'truncate)\((.*)$')
_PATH = re.compile(r'"((?:[^"\\]|\\.)*)"')
_WRITING = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC")
#: run samrehab with openpyxl's temporary files back, as they are without samrehab's patch
#: each writing command's arguments, the file it writes and what else it may write, by name
Commands = dict[str, tuple[list[object], Path, tuple[Path, ...]]]
UNPATCHED = ("import sys; from samrehab_cli.storage import workbooks; "
             "workbooks.keep_worksheets_in_memory = lambda: None; "
             "from samrehab_cli.cli.app import main; sys.argv[0] = 'samrehab'; main()")


def written(log: Path, cwd: Path) -> set[Path]:
    """Every path the traced processes opened for writing, created, renamed to or linked (devices aside)."""
    found: set[Path] = set()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        call = _CALL.match(line.strip())
        if call is None or re.search(r"\) += -1 ", line):  # failed: nothing was written (mkdir of a folder there)
            continue
        name, rest = call.groups()
        paths = [bytes(p, "utf-8").decode("unicode_escape") for p in _PATH.findall(rest)]
        if not paths:
            continue
        if name.startswith("open"):
            if not any(flag in rest for flag in _WRITING):
                continue
            target = paths[0]
        elif name.startswith(("rename", "link", "symlink")):
            target = paths[-1]
        else:
            target = paths[0]
        path = Path(target) if target.startswith("/") else cwd / target
        if not str(path).startswith(("/dev/", "/proc/")) and not path.name.startswith(".coverage"):
            found.add(path)  # (the data files of `make coverage` are the measurement's, not samrehab's)
    return found


def allowed(output: Path, others: tuple[Path, ...] = ()) -> re.Pattern[str]:
    """The output, its atomic temporary and its lock; and the same for each of ``others`` (a folder: anything in
    it, and its own lock)."""
    forms = []
    for path in (output, *others):
        folder, name = re.escape(str(path.parent)), re.escape(path.name)
        forms.append(rf"{folder}/(?:{name}|\.{name}\.samrehab-[^/]*\.tmp|\.{name}\.lock)")
        forms += [rf"{re.escape(str(path))}/.*"] if path.suffix == "" else []
    return re.compile("^(?:" + "|".join(forms) + ")$")


@pytest.fixture(scope="module")
def commands(tmp_path_factory: pytest.TempPathFactory) -> Commands:
    """Every writing command (tests/writers.py): (arguments, the file it writes, what else it may write)."""
    found = {}
    for writer in WRITERS:
        folder = tmp_path_factory.mktemp("strace")
        job = writer.prepare(folder)
        found[writer.name] = ([*job.args, "--password-file", password_file(folder)], job.target, job.others)
    return found


def traced(commands: Commands, *,
           unpatched: bool = False) -> dict[str, tuple[Ran, set[Path]]]:
    strace = tool("strace")
    names = list(commands)
    logs = {name: commands[name][1].parent / f"strace-{i}.log" for i, name in enumerate(names)}
    results = run_all([commands[name][0] for name in names], env={"PYTHONDONTWRITEBYTECODE": "1"}, prefixes=[
        [strace, "-f", "-qq", "-e", "trace=%file", "-e", "signal=none", "-s", "4096", "-o", str(logs[name])]
        for name in names], entry=["-c", UNPATCHED] if unpatched else None)
    found = {}
    for name, result in zip(names, results, strict=True):
        found[name] = (result, written(logs[name], Path.cwd()) - {logs[name]})
        logs[name].unlink()
    return found


def test_every_writing_command_writes_only_its_output(commands: Commands) -> None:
    for name, (result, paths) in traced(commands).items():
        assert result.code in (0, 1), (name, result)
        _, output, others = commands[name]
        assert output in paths, (name, paths)  # the trace sees the writes it is meant to judge
        stray = sorted(str(p) for p in paths if not allowed(output, others).match(str(p)))
        assert stray == [], (name, stray)


def test_the_trace_catches_openpyxl_temporary_files_when_the_patch_is_undone(
        commands: Commands) -> None:
    openpyxl_saves = {name: commands[name] for name in ("template", "validate --mark", "outcomes -o")}
    weeks, target, others = commands["weeks"]
    openpyxl_saves["weeks"] = ([*weeks[:2], "--to", "2021-v30", *weeks[4:]], target, others)  # weeks not added yet
    for name, (result, paths) in traced(openpyxl_saves, unpatched=True).items():
        assert result.code in (0, 1), (name, result)
        stray = [p for p in paths if not allowed(*commands[name][1:]).match(str(p))]
        assert any(p.name.startswith("openpyxl.") for p in stray), (name, paths)
