"""Every ``--format`` value of every command, with its help and its renderer, written once.

Each kind of result names its formats here (as check-jsonschema's ``REPORTER_BY_NAME`` does): the CLI takes the
choices, the help text and the renderer from this table and nothing else. A format either prints the result
(``show``) or makes the bytes of a file for ``-o`` (``save``). A renderer is named, not imported: its module is
loaded when the format is used, so ``samrehab --help`` does not pay for any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from samrehab_cli import errors


class Format:
    """One ``--format`` value (a plain class: this table is built at every start, so it must cost nothing)."""

    __slots__ = ("name", "note", "renderer", "file")

    def __init__(self, name: str, note: str, renderer: str, *, file: bool = False) -> None:
        self.name = name
        self.note = note  # a few Swedish words for --help ("" when the name says it)
        self.renderer = renderer  # ``module:function`` in samrehab_cli.render, imported when the format is used
        self.file = file  # the renderer makes the bytes of a file for -o instead of printing

    @property
    def show(self) -> Callable[[Any], None] | None:
        """The renderer that prints the result on standard out (None for a file format)."""
        return None if self.file else self._resolve()

    @property
    def save(self) -> Callable[[Any], bytes] | None:
        """The renderer that makes the bytes of the file written with -o (None for a printed format)."""
        return self._resolve() if self.file else None

    def _resolve(self) -> Callable[[Any], Any]:
        module, _, function = self.renderer.partition(":")
        found: Callable[[Any], Any] = getattr(import_module(f"samrehab_cli.render.{module}"), function)
        return found


class Formats:
    """The formats of one kind of result; the first is the default."""

    __slots__ = ("formats",)

    def __init__(self, *formats: Format) -> None:
        self.formats = formats

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.formats)

    @property
    def default(self) -> str:
        return self.formats[0].name

    @property
    def help(self) -> str:
        """``human (standard), json eller github (annoteringar).``"""
        parts = [f"{f.name} ({f.note})" if f.note else f.name for f in self.formats]
        return ", ".join(parts[:-1]) + " eller " + parts[-1] + "."

    @property
    def file(self) -> Format:
        """The format written to a file with -o."""
        return next(f for f in self.formats if f.file)

    def choose(self, value: str) -> Format:
        """The format asked for, or one Swedish sentence naming the allowed ones."""
        chosen = value.strip().lower()
        for found in self.formats:
            if found.name == chosen:
                return found
        names = ", ".join(self.names[:-1]) + " eller " + self.names[-1]
        raise errors.BadOption(message=f"Okänt format {value}. Välj {names}.")


FINDINGS = Formats(
    Format("human", "standard", "report:report_human"),
    Format("json", "", "common:print_json"),
)
REPORT = Formats(
    Format("human", "standard", "report:validate_human"),
    Format("json", "", "common:print_json"),
    Format("github", "annoteringar", "report:print_github"),
)
RULES = Formats(
    Format("human", "standard", "report:rules_human"),
    Format("json", "", "report:print_rules_json"),
    Format("markdown", "", "report:print_rules_markdown"),
)
OUTCOMES = Formats(
    Format("human", "tabeller", "outcomes:outcomes_human"),
    Format("csv", "", "outcomes:print_csv"),
    Format("json", "", "common:print_json"),
    Format("xlsx", "kräver -o", "outcomes_workbook:outcomes_xlsx", file=True),
)
MERGE = Formats(
    Format("human", "standard", "isf:merge_human"),
    Format("json", "", "common:print_json"),
)
STATUS = Formats(
    Format("human", "standard", "isf:status_human"),
    Format("json", "", "common:print_json"),
)
DUE = Formats(
    Format("human", "tabell", "ors:due_human"),
    Format("json", "", "common:print_json"),
    Format("csv", "", "ors:print_csv"),
)
ENVELOPES = Formats(
    Format("human", "standard", "followup:envelopes_human"),
    Format("json", "", "common:print_json"),
)
REMINDERS = Formats(
    Format("human", "tabell", "followup:reminders_human"),
    Format("json", "", "common:print_json"),
)
SURVEYS = Formats(
    Format("human", "tabell", "followup:surveys_human"),
    Format("json", "", "common:print_json"),
)
PURGE = Formats(
    Format("human", "standard", "followup:purge_human"),
    Format("json", "", "common:print_json"),
)
