"""The commands under fuzzing, one entry each in :data:`COMMANDS`, and how one input is run.

An entry names the library call the CLI makes for one input file (run in a worker process of
:mod:`samrehab_cli.storage.pool`, so that an abort, a hang or too much memory is seen, not suffered) and the CLI
arguments for the same file (run as a real process). A new command gets an entry: ``library`` takes the damaged
file's path and does what the command does with it, and ``cli`` gives the same as arguments. merge reads the damaged
file from an inbox folder (a dry run in the library, a real merge into a temporary folder through the CLI); purge
reads it with a receipt that names two rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from samrehab_cli import errors
from samrehab_cli.storage import crypto

PASSWORD = "Vinter-2020!"
TODAY = dt.date(2020, 12, 31)


@dataclass(frozen=True)
class Command:
    name: str
    library: Callable[[Path], object]  # what the CLI does with one input, through the library
    cli: Callable[[Path, Path], list[object]]  # the same as samrehab arguments (input, a folder for outputs)
    seeds: tuple[str, ...] = ()  # the seeds (tests/fuzz/mutate.py) mostly mutated for it; none: all alike


def _passwords() -> crypto.Passwords:
    return crypto.Passwords([PASSWORD])


def _validate(path: Path) -> object:
    from samrehab_cli.registration import validate

    codes = {f.code for f in validate.check_files([path], _passwords(), TODAY).report.findings}
    return " ".join(sorted(codes & {"S101", "S102"})) or "granskad"  # for the tally


def _decrypt(path: Path) -> object:
    from samrehab_cli.storage import files, workbooks

    opened = crypto.open_bytes(files.read_bytes(path), _passwords(), path)
    return workbooks.check(opened.data, path)


def _outcomes(path: Path) -> object:
    from samrehab_cli.participants import outcomes, read
    from samrehab_cli.participants.period import parse_period

    return outcomes.compute(read.load([path], _passwords(), today=TODAY), parse_period("2020"))


def _ors(path: Path) -> object:
    from samrehab_cli.participants import ors, read

    return ors.due(read.load([path], _passwords(), today=TODAY), TODAY, None)


def _inbox_with(path: Path, inbox: Path) -> Path:
    """An inbox holding a copy of ``path`` as the only file of Avesta's folder."""
    (inbox / "Avesta").mkdir(parents=True)
    (inbox / "Avesta" / path.name).write_bytes(path.read_bytes())
    return inbox


def _merge(path: Path) -> object:
    """The damaged file as the only file of a förbund's folder in an inbox, merged (a dry run: the register's own
    writing is tested elsewhere); the damaged file's status for the tally."""
    from samrehab_cli.isf import merge

    inbox = _inbox_with(path, path.parent / "inkorg")
    result = merge.merge(inbox, path.parent / "huvudregister.xlsx", path.parent / "kvitton", _passwords(),
                         today=TODAY, now="2020-12-31 12:00", dry_run=True)
    return result.files[0].status if result.files else "hoppades över"


RECEIPT = f"""KVITTENS FRÅN ISF

Samordningsförbund: Avesta
Fil: Avesta/v39.xlsx
SHA-256: {"0" * 64}
Veckor: 2020-v39

Radkontroller (2 rader):
202039-01 0123456789abcdef0123456789abcdef
202039-02 fedcba9876543210fedcba9876543210
"""


def _receipt(path: Path) -> Path:
    """The receipt at ``path``: for another file (its SHA-256 is zeros), naming two rows."""
    path.write_text(RECEIPT, encoding="utf-8")
    return path


def _purge(path: Path) -> object:
    """The damaged file purged with a receipt that names two rows (which no damaged file can match)."""
    from samrehab_cli.isf import purge

    return purge.purge(path, _receipt(path.parent / "kvitto.txt"), _passwords())


def _merge_cli(path: Path, out: Path) -> list[object]:
    """A merge of its own for each input: an inbox holding a copy of it, a register beside."""
    inbox = _inbox_with(path, out / f"inkorg-{path.stem}")
    return ["merge", inbox, "--register", out / f"huvudregister-{path.stem}.xlsx", "--receipts",
            out / f"kvitton-{path.stem}", "--today", TODAY.isoformat()]


def _purge_cli(path: Path, out: Path) -> list[object]:
    return ["purge", path, "--receipt", _receipt(out / f"kvitto-{path.stem}.txt")]


REGISTERS = ("register.xlsx", "deltagarregister.xlsx")
COMMANDS = [
    Command("validate", _validate, lambda p, out: ["validate", p, "--today", TODAY.isoformat(), "--format", "json"]),
    Command("decrypt", _decrypt, lambda p, out: ["decrypt", p, "-o", out / "klartext.xlsx", "--force"]),
    Command("outcomes", _outcomes, lambda p, out: ["outcomes", "2020", "--register", p, "--today",
                                                   TODAY.isoformat()], REGISTERS),
    Command("ors", _ors, lambda p, out: ["ors", "--due", "--date", TODAY.isoformat(), "--register", p], REGISTERS),
    Command("merge", _merge, _merge_cli),
    Command("purge", _purge, _purge_cli),
]
BY_NAME = {command.name: command for command in COMMANDS}


def run_one(task: tuple[str, bytes, str]) -> str:
    """In a worker: write the input, run the command's library call on it; "ok", or the name of the library error
    (a sentence for the user). Anything else is raised (a failure). The input must be unchanged afterwards."""
    name, data, suffix = task
    with tempfile.TemporaryDirectory(prefix="samrehab-fuzz-") as folder:
        path = Path(folder) / f"indata{suffix}"
        path.write_bytes(data)
        try:
            result = BY_NAME[name].library(path)
            outcome = result if isinstance(result, str) else "ok"
        except errors.SamrehabError as exc:
            outcome = type(exc).__name__
        if hashlib.sha256(path.read_bytes()).digest() != hashlib.sha256(data).digest():
            raise AssertionError("the input was changed")
    return outcome


def memory_limit() -> int:
    """1 GiB more than this process's address space: a forked worker starts with all of it."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE") + 1024**3


def suffix_of(data: bytes) -> str:
    return ".xls" if data.startswith(crypto.OLE_MAGIC) else ".xlsx"
