"""Shared test helpers: every test workbook is written by the project's own writer (template.py)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from samrehab_cli import dates
from samrehab_cli.cli.app import app
from samrehab_cli.dates import Week
from samrehab_cli.registration import template
from samrehab_cli.storage import crypto, workbooks

# Locally every run draws new examples; CI (CI=true) draws the same ones each time, so a landing never hangs on luck.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# tests/fixtures holds copies of the office-made files and the personnummer test data (see their READMEs)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
OFFICE = FIXTURES / "office-made"
PASSWORD = "Vinter-2020!"
OLD_PASSWORD = "Höst-2020?"
FORBUND = "Södra Dalarnas Samordningsförbund"
TODAY = dt.date(2020, 12, 31)


#: Words click and Typer write themselves. None may reach a user (the commands' own texts are Swedish).
ENGLISH = re.compile(
    r"\b(Usage|Options?|Arguments|Commands?|COMMAND|ARGS|OPTIONS|Show this message|required|default|Missing|Invalid"
    r"|No such|unexpected|Did you mean|Possible options|Try|Error|Aborted|requires|does not take|env var|dynamic"
    r"|Value|greater than|less than|not a valid|Input should)\b|<\w+[\[ ]|x>=|x<=")


def english(text: str) -> list[str]:
    """The words of ``text`` that click or Typer would have written."""
    return [m.group(0) for m in ENGLISH.finditer(text)]


def make_workbook(rows: Sequence[Mapping[str, object]] | Mapping[str, Sequence[Mapping[str, object]]] = (),
                  *, week: str = "2020-v39", weeks: Sequence[str] = (), forbund: str = FORBUND,
                  per_week: int = 40, password: str | None = None) -> bytes:
    """An xlsx (encrypted when ``password`` is given) with ``rows`` on ``week``'s tab.

    ``rows`` may also map week names to rows. Rows are keyed by schema key or header.
    """
    by_week = dict(rows) if isinstance(rows, Mapping) else {week: rows}
    all_weeks = sorted({dates.parse_week(w) for w in [*by_week, *weeks]})
    book = template.new_workbook(forbund, all_weeks, per_week)
    for name, week_rows in by_week.items():
        template.write_rows(book[name], week_rows)
    data = workbooks.to_bytes(book)
    if password is not None:
        data = crypto.encrypt(data, crypto.Passwords([password]), Path("test.xlsx"))
    return data


def week(name: str) -> Week:
    return dates.parse_week(name)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "losenord.txt"
    path.write_text(f"{PASSWORD}\n{OLD_PASSWORD}\n", encoding="utf-8")
    if os.name == "posix":
        path.chmod(0o600)
    return path


@pytest.fixture
def run(runner: CliRunner, monkeypatch: pytest.MonkeyPatch):
    """Run the CLI; returns click's Result (exit_code, stdout, stderr)."""
    monkeypatch.delenv(crypto.ENV_VAR, raising=False)

    def invoke(*args: object, input: str | None = None, env: Mapping[str, str] | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=dict(env or {}))

    return invoke
