"""A command loads only what it uses: ``python -X importtime -m samrehab_cli …`` lists every module a run imported.

Heavy libraries cost tens of milliseconds each to import, more than checking a year's workbook: pandas and numpy
(only the outcome and ORS tables are computed with them), openpyxl (changing workbooks), pydantic (typer would load
it to read options: cli/params.py reads them without), rich (only on a terminal; these runs write to a pipe),
multiprocessing (many files only), and email-validator and phonenumbers (only for a workbook with e-mail addresses
or mobile numbers).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import PASSWORD, make_workbook

ALWAYS_HEAVY = ("pandas", "numpy", "openpyxl", "pydantic", "pydantic_core", "rich", "multiprocessing")
CONTACT = ("email_validator", "phonenumbers")
CONSENTED = {"meeting_date": "2020-09-21", "consent": "Ja", "envelope": 1, "personnummer": "199102051233",
             "name": "Anna", "language": "Svenska", "email": "anna@example.se", "mobile": "070-123 45 67",
             "treatment": "Ja", "control": "Nej"}
DECLINED = {"meeting_date": "2020-09-21", "consent": "Nej", "birth_date": "1980-01-01", "gender": "Kvinna"}


def imported(args: list[object], cwd: Path) -> set[str]:
    """The top-level packages a ``samrehab`` process imported, from ``-X importtime``."""
    # (`make coverage` measures child processes by starting coverage in them, which imports more: not here)
    env = {**{k: v for k, v in os.environ.items() if k != "COVERAGE_PROCESS_CONFIG"}, "SAMREHAB_PASSWORD": PASSWORD}
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "samrehab_cli", *map(str, args)],
                            capture_output=True, text=True, cwd=cwd, env=env)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    names = {line.rpartition("|")[2].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}
    assert "samrehab_cli.cli.app" in names  # the listing works
    return {name.partition(".")[0] for name in names}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("start")
    (folder / "kontakter.xlsx").write_bytes(make_workbook([CONSENTED, DECLINED], password=PASSWORD))
    (folder / "utan-kontakter.xlsx").write_bytes(make_workbook([DECLINED], password=PASSWORD))
    return folder


@pytest.mark.parametrize("fmt", ["human", "json", "github"])
def test_validate_loads_contact_libraries_only_for_contact_details(folder: Path, fmt: str) -> None:
    with_contacts = imported(["validate", "kontakter.xlsx", "--format", fmt, "--today", "2020-12-31"], folder)
    assert not with_contacts & set(ALWAYS_HEAVY)
    assert set(CONTACT) <= with_contacts  # the test sees what a check needs
    without = imported(["validate", "utan-kontakter.xlsx", "--format", fmt, "--today", "2020-12-31"], folder)
    assert not without & {*ALWAYS_HEAVY, *CONTACT}


def test_decrypt_loads_nothing_heavy(folder: Path) -> None:
    found = imported(["decrypt", "kontakter.xlsx", "-o", "klartext.xlsx", "--force"], folder)
    assert not found & {*ALWAYS_HEAVY, *CONTACT}
    assert (folder / "klartext.xlsx").read_bytes().startswith(b"PK")


def test_many_files_use_the_pool(folder: Path) -> None:
    found = imported(["validate", "kontakter.xlsx", "utan-kontakter.xlsx", "--today", "2020-12-31"], folder)
    assert "multiprocessing" in found and not found & {"pandas", "numpy", "openpyxl", "pydantic", "rich"}


def test_plain_options_read_as_typer_reads_them() -> None:
    """Every option samrehab reads without pydantic (cli/params.py) gets the value typer's own converter gives."""
    import typer.main
    from typer._coercion import build_runtime_param

    from samrehab_cli.cli.app import app
    from samrehab_cli.cli.params import plain_converter

    command = typer.main.get_command(app)
    samples = {str: ["2020-v39", " json ", "", "åäö"], bool: [True, False]}
    taken = 0
    for sub in [command, *command.commands.values()]:
        for param in sub.params:
            descriptor = param.type_descriptor
            plain = plain_converter(descriptor, lambda d=descriptor: build_runtime_param(d))
            if plain is None:
                continue
            taken += 1
            several = param.multiple or param.nargs == -1
            values = samples.get(descriptor.annotation, ["vecka.xlsx", "mapp/fil.xlsx", "~/x", "."])
            for value in [None, *([values] if several else values)]:
                typers = build_runtime_param(descriptor).coerce(value, param=param, ctx=None)
                assert plain.coerce(value, param=param, ctx=None) == typers, (param.name, value)
    assert taken >= 40


@pytest.mark.parametrize("args", [["outcomes", "2020", "--format", "json"],
                                  ["ors", "--due", "--date", "2020-06-01", "--format", "json"]])
def test_outcomes_and_ors_load_pandas_and_nothing_else_heavy(folder: Path, args: list[str]) -> None:
    from tests.register_files import person, write_register

    write_register(folder / "deltagare.xlsx", [person("D1"), person("D2", end="2020-05-01", exit_reason="Studier")])
    found = imported([*args, "--register", "deltagare.xlsx", "--today", "2021-01-01"], folder)
    assert not found & {"openpyxl", "pydantic", "pydantic_core", "rich", "multiprocessing", *CONTACT}
    if args[0] == "outcomes":
        assert {"pandas", "numpy"} <= found  # the test sees the tables' libraries
