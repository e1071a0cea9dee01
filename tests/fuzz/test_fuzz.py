"""Fuzzing: damaged workbooks (tests/fuzz/mutate.py) through every reading command (tests/fuzz/harness.py).

Every run ends as samrehab ends: in the library, a result or a library error (a Swedish sentence), never another
exception, an abort, a hang (10 s) or more than 1 GB; through the CLI, exit 0, 1 or 2 with Swedish output, never a
traceback, a Rust message, a hang (60 s) or more than 1 GB. No input is ever changed.

``make test`` runs a small share (``SAMREHAB_FUZZ_INPUTS`` in the library and ``SAMREHAB_FUZZ_CLI`` through the CLI
per command); ``make fuzz`` runs 5,000 and 300. An input that fails is saved in tests/fuzz/found/ to become a
fixture in tests/fixtures/crafted.
"""

from __future__ import annotations

import collections
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tests.fuzz.harness import COMMANDS, PASSWORD, Command, memory_limit, run_one, suffix_of
from tests.fuzz.mutate import damaged_workbook
from tests.processes import run_all, swedish_line

from samrehab_cli.storage import pool

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name")  # zip damage on purpose

IN_PROCESS = int(os.environ.get("SAMREHAB_FUZZ_INPUTS", "120"))
THROUGH_CLI = int(os.environ.get("SAMREHAB_FUZZ_CLI", "6"))
BATCH = 40
CLI_BATCH = 6
FOUND = Path(__file__).with_name("found")
COUNTS: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


def fuzz_settings(inputs: int, batch: int) -> settings:
    return settings(max_examples=max(1, -(-inputs // batch)), deadline=None, database=None,
                    phases=[Phase.generate],  # no shrinking: a failing input is kept in tests/fuzz/found
                    derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example, HealthCheck.filter_too_much])


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    for key, counter in sorted(COUNTS.items()):
        print(f"\nfuzz {key}: {sum(counter.values())} inputs: " + ", ".join(f"{k} {v}" for k, v in
                                                                           counter.most_common()))


def _keep(command: str, data: bytes, why: str) -> str:
    FOUND.mkdir(exist_ok=True)
    path = FOUND / f"{command}-{hashlib.sha256(data).hexdigest()[:16]}{suffix_of(data)}"
    path.write_bytes(data)
    return f"{path.name}: {why}"


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_library(command: Command) -> None:
    @fuzz_settings(IN_PROCESS, BATCH)
    @given(st.lists(damaged_workbook(command.seeds), min_size=min(BATCH, IN_PROCESS), max_size=min(BATCH, IN_PROCESS)))
    def check(inputs: list[tuple[str, bytes]]) -> None:
        tasks = [(command.name, data, suffix_of(data)) for _, data in inputs]
        failures = []
        for (seed, data), done in zip(inputs, pool.run(run_one, tasks, workers=2, timeout=10,
                                                       memory_limit=memory_limit(), nesting=True), strict=True):
            COUNTS[f"{command.name} (bibliotek)"][done.value or ("dog" if done.died else "undantag")] += 1
            if not done.ok:
                why = done.died or f"{type(done.error).__name__}: {done.error}"
                failures.append(_keep(command.name, data, f"{seed}: {why}"))
        assert failures == []

    check()


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
def test_cli(command: Command) -> None:
    @fuzz_settings(THROUGH_CLI, CLI_BATCH)
    @given(st.lists(damaged_workbook(command.seeds), min_size=min(CLI_BATCH, THROUGH_CLI),
                    max_size=min(CLI_BATCH, THROUGH_CLI)))
    def check(inputs: list[tuple[str, bytes]]) -> None:
        with tempfile.TemporaryDirectory(prefix="samrehab-fuzz-") as folder:
            passwords = Path(folder) / "losenord.txt"
            passwords.write_text(PASSWORD + "\n", encoding="utf-8")
            passwords.chmod(0o600)
            paths = []
            for index, (_, data) in enumerate(inputs):
                paths.append(Path(folder) / f"indata-{index}{suffix_of(data)}")
                paths[-1].write_bytes(data)
            results = run_all([[*command.cli(path, Path(folder)), "--password-file", passwords] for path in paths],
                              timeout=60)
            failures = []
            for (seed, data), path, ran in zip(inputs, paths, results, strict=True):
                COUNTS[f"{command.name} (CLI)"][f"slutkod {ran.code}"] += 1
                if not swedish_line(ran) or ran.peak_mb > 1024 or path.read_bytes() != data:
                    failures.append(_keep(command.name, data, f"{seed}: exit {ran.code}, {ran.peak_mb:.0f} MB, "
                                                              f"{ran.stderr[-300:]!r}"))
            assert failures == []

    check()
