"""``make bench``: the issue-13 table, every row a whole ``samrehab`` process timed in turns against its anchor.

Each anchor is a small script of its own (``anchors/``) run as its own process. The rows are printed as they are
measured and, at the end, as one Markdown table (also written to ``.bench-cache/table.md`` for
docs/performance.md). Every row of a samrehab command runs on the compiled path (key derivation and sheet scan
in C) and again with ``SAMREHAB_PURE_PYTHON=1``: every goal must hold without the accelerator too. No row asserts
its goal (a benchmark reports; a test proves behaviour), but a run that ends wrongly fails.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from tests.benchmarks import inputs
from tests.benchmarks.processes import (
    ANCHORS,
    HEADER,
    SAMREHAB,
    Command,
    Row,
    anchor,
    memory_row,
    samrehab,
    time_row,
    turns,
)
from tests.conftest import PASSWORD

from samrehab_cli.storage import agile, native

ROWS: list[Row] = []
PURE = {native.PURE_ENV: "1"}
COMPILED = agile.compiled() is not None
ROUNDS = int(os.environ.get("SAMREHAB_BENCH_ROUNDS", "0"))  # 0: each row's own number of rounds


def rounds(default: int) -> int:
    return ROUNDS or default


def paths() -> dict[str, Path]:
    return {"year": inputs.year_workbook(), "pw": inputs.password_file(), "out": inputs.folder() / "klartext.xlsx"}


def ways() -> list[tuple[str, dict[str, str]]]:
    """The paths to measure: compiled (when built) and pure Python."""
    return ([("kompilerad", {})] if COMPILED else []) + [("ren Python", PURE)]


def test_validate_year_workbook() -> None:
    p = paths()
    floor = anchor("floor-read", "floor_read.py", p["year"], PASSWORD)
    for name, env in ways():
        validate = samrehab("validate", "validate", p["year"], "--password-file", p["pw"], "--today", inputs.TODAY,
                            env=env)
        ROWS.append(time_row(f"`validate` av 53 veckor × 40 rader, krypterad ({name})", turns(validate, floor,
                                                                                                rounds(15)), 1.6))


def test_decrypt_year_workbook() -> None:
    p = paths()
    floor = anchor("floor-read", "floor_read.py", p["year"], PASSWORD)
    naive = anchor("naive-read", "naive_read.py", p["year"], PASSWORD)
    for name, env in ways():
        decrypt = samrehab("decrypt", "decrypt", p["year"], "-o", p["out"], "--force", "--password-file", p["pw"],
                           env=env)
        ROWS.append(time_row(f"`decrypt … -o ut.xlsx` av samma arbetsbok ({name})", turns(decrypt, floor,
                                                                                         rounds(15)), 1.25))
        ROWS.append(time_row(f"`decrypt … -o ut.xlsx` ({name}; ≥ 4 × snabbare = kvot ≤ 0,25)",
                             turns(decrypt, naive, rounds(5)), 0.25))


def test_validate_200_files() -> None:
    files = inputs.many_files()
    pw = inputs.password_file()
    kdf_pure = anchor("kdf-only, ren Python (2 processer)", "kdf_only.py", "pure", PASSWORD, *files)
    for name, env in ways():
        validate = samrehab("validate 200", "validate", *files, "--password-file", pw, "--today", inputs.TODAY,
                            env=env, codes=(0, 1))
        if env:  # pure Python against the pure floor
            ROWS.append(time_row(f"`validate` av 200 krypterade filer ({name})", turns(validate, kdf_pure, rounds(5)),
                                 1.15))
            continue
        kdf_compiled = anchor("kdf-only, kompilerad (2 processer)", "kdf_only.py", "compiled", PASSWORD, *files)
        ROWS.append(time_row(f"`validate` av 200 krypterade filer ({name})", turns(validate, kdf_compiled,
                                                                                   rounds(5)), 1.15))
        ROWS.append(time_row(f"`validate` av 200 krypterade filer ({name}) mot det rena Python-golvet",
                             turns(validate, kdf_pure, rounds(5)), 0.5))


@pytest.mark.parametrize("count", [100_000, 1_000_000])
def test_outcomes_register(count: int) -> None:
    register = inputs.register(count)
    plain = anchor("plain-read", "plain_read.py", register, "Deltagare")
    for name, env in ways():
        outcomes = samrehab("outcomes", "outcomes", "2020", "--register", register, "--format", "json", "--today",
                            "2030-01-01", cwd=inputs.folder(), env=env)
        measured = turns(outcomes, plain, rounds(7 if count <= 100_000 else 3))
        label = f"{count:,} deltagare ({name})".replace(",", " ")
        ROWS.append(time_row(f"`outcomes 2020 --format json`, {label}", measured, 2.0))
        if count <= 100_000:
            ROWS.append(memory_row(f"toppminne, `outcomes` {label}", measured, 1.5))


def _merge(label: str, inbox: Path, work: Path, env: dict[str, str]) -> Command:
    """``samrehab merge`` into an empty register every time: the shell removes the last run's (and then is gone:
    ``exec``), so the time and the memory are samrehab's."""
    script = (f'rm -rf "{work}" && exec "{SAMREHAB}" merge "{inbox}" --register "{work}/huvudregister.xlsx" '
              f'--receipts "{work}/kvitton" --password-file "{inputs.password_file()}" --today 2030-01-01')
    return Command(label, ["/bin/sh", "-c", script], env, codes=(0, 1))  # 1: the inbox has rows with findings


@pytest.mark.parametrize("count", [200, 1000])
def test_merge_files(count: int) -> None:
    """Issue 12: merging ``count`` encrypted files (4 week tabs × 40 rows) into an empty register, against one key
    derivation per file on 2 processes and, for 200, the naive single-process loop; and validate over the same."""
    inbox = inputs.merge_inbox(count)
    files = sorted(inbox.rglob("*.xlsx"))
    work = inputs.folder() / "merge-arbete"
    kdf_pure = anchor("kdf-only, ren Python (2 processer)", "kdf_only.py", "pure", PASSWORD, *map(str, files))
    for name, env in ways():
        merge = _merge(f"merge {count}", inbox, work, env)
        floor = kdf_pure if env else anchor("kdf-only, kompilerad (2 processer)", "kdf_only.py", "compiled", PASSWORD,
                                            *map(str, files))
        measured = turns(merge, floor, rounds(5 if count <= 200 else 3))
        rate = count / measured.median(0)
        ROWS.append(Row.of(f"`merge` av {count} krypterade filer till ett tomt register ({name})", floor.label,
                           measured.ratios, 1.2, f"{measured.median(0):.1f} s / {measured.median(1):.1f} s; "
                           f"{rate:.0f} filer/s; toppminne {measured.peak(0):.0f} MiB"))
        if count > 200:
            continue
        naive = anchor("naivt (msoffcrypto + pandas/openpyxl per fil, en process)", "naive_merge.py", PASSWORD,
                       inbox, work.with_name("naivt-register.xlsx"))
        compared = turns(merge, naive, rounds(3))
        ROWS.append(time_row(f"`merge` av {count} filer ({name}; ≥ 3 × snabbare = kvot ≤ 0,33)", compared, 0.33))
        validate = samrehab(f"validate {count}", "validate", *files, "--password-file", inputs.password_file(),
                            "--today", "2030-01-01", env=env, codes=(0, 1))
        ROWS.append(time_row(f"`validate` av samma {count} filer ({name})", turns(validate, floor, rounds(5)), 1.2))


@pytest.mark.skipif(not COMPILED, reason="the C extension is not built")
def test_one_key_derivation_against_a_plain_c_loop(tmp_path: Path) -> None:
    """The compiled derivation (in a Python process, through the extension) against the same iteration as a plain
    C loop over a general SHA-512 call: samrehab's own, and OpenSSL's where its headers are installed."""
    import time

    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler")
    source = ANCHORS / "kdf_loop.c"
    include = Path(agile.__file__).parent
    loops = {}
    binary = tmp_path / "kdf_loop_own"
    subprocess.run([compiler, "-O3", "-march=native", f"-I{include}", str(source), "-o", str(binary)], check=True)
    loops["egen SHA-512"] = [str(binary), "own"]
    with_openssl = tmp_path / "kdf_loop_openssl"
    built = subprocess.run([compiler, "-O3", "-march=native", "-DWITH_OPENSSL", f"-I{include}", str(source), "-o",
                            str(with_openssl), "-lcrypto"], capture_output=True)
    if built.returncode == 0:
        loops["OpenSSL:s SHA-512"] = [str(with_openssl), "openssl"]
    module = agile.compiled()
    assert module is not None
    initial = b"salt-of-16-bytes" + PASSWORD.encode("UTF-16LE")

    def ours(count: int) -> float:
        times = []
        for _ in range(count):
            start = time.perf_counter()
            module.iterated_hash(initial, 100_000)
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1000

    for name, argv in loops.items():
        ratios, mine, theirs = [], [], []
        for round_ in range(rounds(9)):
            order = [0, 1] if round_ % 2 == 0 else [1, 0]
            for which in order:
                if which == 0:
                    mine.append(ours(5))
                else:
                    out = subprocess.run([*argv, "5"], capture_output=True, text=True, check=True).stdout
                    theirs.append(float(out.split()[0]))
            ratios.append(mine[-1] / theirs[-1])
        row = Row.of(f"en nyckelhärledning, kompilerad ({module.variant})", f"vanlig C-slinga över {name}", ratios,
                     1.2, f"{statistics.median(mine):.1f} ms / {statistics.median(theirs):.1f} ms")
        ROWS.append(row)


def test_table() -> None:
    """The whole table, and the machine it ran on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    machine = (f"{os.cpu_count()} kärnor (nproc), {cpu}, Python {platform.python_version()}, "
               f"{agile.describe()}")
    table = "\n".join([HEADER, *(row.markdown() for row in ROWS)])
    print(f"\n\nMaskin: {machine}\n\n{table}\n")
    (inputs.folder() / "table.md").write_text(f"Maskin: {machine}\n\n{table}\n", encoding="utf-8")
    assert ROWS, "no row was measured"
    print(f"(python {sys.version.split()[0]}; tabellen också i {inputs.folder() / 'table.md'})")
