"""Every ``--format`` value of every command, with its help and its renderer, written once.

Each kind of result names its formats here (as check-jsonschema's ``REPORTER_BY_NAME`` does): the CLI takes the
choices, the help text and the renderer from this table and nothing else. A format prints the result (``show``),
makes the bytes of a file for ``-o`` (``save``), or both; a format that can be saved names the ending its file must
have, so that ``-o rapport.csv`` chooses CSV and ``-o rapport.txt`` is refused with the endings allowed. A renderer
is named, not imported: its module is loaded when the format is used, so ``samrehab --help`` does not pay for any.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

from samrehab_cli import errors


class Format:
    """One ``--format`` value (a plain class: this table is built at every start, so it must cost nothing)."""

    __slots__ = ("name", "note", "renderer", "file", "saver", "extension")

    def __init__(self, name: str, note: str, renderer: str, *, file: bool = False, saver: str | None = None,
                 extension: str | None = None) -> None:
        self.name = name
        self.note = note  # a few Swedish words for --help ("" when the name says it)
        self.renderer = renderer  # ``module:function`` in samrehab_cli.render, imported when the format is used
        self.file = file  # the renderer makes the bytes of a file for -o instead of printing
        self.saver = renderer if file else saver  # ``module:function`` making the bytes for -o, if it can be saved
        self.extension = extension  # the ending of a file written with -o: ``.xlsx``

    @property
    def show(self) -> Callable[[Any], None] | None:
        """The renderer that prints the result on standard out (None for a file format)."""
        return None if self.file else self._resolve(self.renderer)

    def render(self, result: Any) -> None:
        """Print ``result`` in this format on standard out (a file format is written with -o, never printed)."""
        show = self.show
        assert show is not None, f"--format {self.name} makes a file, it is not printed"
        show(result)

    @property
    def save(self) -> Callable[[Any], bytes] | None:
        """The renderer that makes the bytes of the file written with -o (None for a format that is only printed)."""
        return self._resolve(self.saver) if self.saver else None

    @staticmethod
    def _resolve(renderer: str) -> Callable[[Any], Any]:
        module, _, function = renderer.partition(":")
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
        return errors.listed([f"{f.name} ({f.note})" if f.note else f.name for f in self.formats]) + "."

    def for_output(self, path: Path, asked: str | None) -> Format:
        """The format of the file written with ``-o path``: the one its ending names, which must be the one asked
        for with ``--format`` when that was given; else one Swedish sentence naming the endings allowed."""
        savable = [f for f in self.formats if f.saver]
        wanted = [self.choose(asked)] if asked else savable
        for found in wanted:
            if found.extension == path.suffix.lower():
                return found
        endings = [f.extension or "" for f in wanted if f.saver]
        if not endings:
            raise errors.BadOption(message=f"--format {asked} skrivs inte till en fil; ta bort -o eller välj "
                                           f"{errors.listed([f.name for f in savable])}.")
        example = path.with_suffix(endings[0]).name if path.stem else f"rapport{endings[0]}"
        raise errors.BadOption(message=f"Utfilen {path} ska sluta på {errors.listed(endings)}, efter formatet den "
                                       f"sparas i (till exempel -o {example}).")

    def choose(self, value: str) -> Format:
        """The format asked for, or one Swedish sentence naming the allowed ones."""
        chosen = value.strip().lower()
        for found in self.formats:
            if found.name == chosen:
                return found
        raise errors.BadOption(message=f"Okänt format {value}. Välj {errors.listed(self.names)}.")


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
_EXCEL_CSV = "för Excel: semikolon, decimalkomma, UTF-8 med BOM"
OUTCOMES = Formats(
    Format("human", "tabeller", "outcomes:outcomes_human"),
    Format("csv", _EXCEL_CSV, "outcomes:print_csv", saver="outcomes:csv_bytes", extension=".csv"),
    Format("json", "", "common:print_json", saver="common:json_bytes", extension=".json"),
    Format("xlsx", "arbetsbok med diagram, kräver -o", "outcomes_workbook:outcomes_xlsx", file=True,
           extension=".xlsx"),
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
    Format("csv", _EXCEL_CSV, "ors:print_csv"),
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
