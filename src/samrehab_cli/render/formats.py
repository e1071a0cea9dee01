"""Every ``--format`` value of every command, with its help and its renderer, written once.

Each kind of result names its formats here (as check-jsonschema's ``REPORTER_BY_NAME`` does): the CLI takes the
choices, the help text and the renderer from this table and nothing else. A format either prints the result
(``show``) or makes the bytes of a file for ``-o`` (``save``). The renderers import rich, openpyxl and pydantic only
when they run, so this table costs nothing at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from samrehab_cli import errors
from samrehab_cli.render import common, ors, outcomes, report
from samrehab_cli.render.common import write


@dataclass(frozen=True)
class Format:
    name: str
    note: str  # a few Swedish words for --help ("" when the name says it)
    show: Callable[[Any], None] | None = None  # prints the result on standard out
    save: Callable[[Any], bytes] | None = None  # the bytes of the file written with -o


@dataclass(frozen=True)
class Formats:
    """The formats of one kind of result; the first is the default."""

    formats: tuple[Format, ...]

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
        return next(f for f in self.formats if f.save is not None)

    def choose(self, value: str) -> Format:
        """The format asked for, or one Swedish sentence naming the allowed ones."""
        chosen = value.strip().lower()
        for found in self.formats:
            if found.name == chosen:
                return found
        names = ", ".join(self.names[:-1]) + " eller " + self.names[-1]
        raise errors.BadOption(message=f"Okänt format {value}. Välj {names}.")


def _json(result: Any) -> None:
    write(common.to_json(result))


def _text(make: Callable[[Any], str]) -> Callable[[Any], None]:
    """A renderer that prints what ``make`` returns, as it is."""
    return lambda result: write(make(result))


FINDINGS = Formats((
    Format("human", "standard", show=report.report_human),
    Format("json", "", show=_json),
))
REPORT = Formats((
    Format("human", "standard", show=report.validate_human),
    Format("json", "", show=_json),
    Format("github", "annoteringar", show=report.print_github),
))
RULES = Formats((
    Format("human", "standard", show=report.rules_human),
    Format("json", "", show=_text(report.rules_json)),
    Format("markdown", "", show=_text(report.rules_markdown)),
))
OUTCOMES = Formats((
    Format("human", "tabeller", show=outcomes.outcomes_human),
    Format("csv", "", show=_text(outcomes.outcomes_csv)),
    Format("json", "", show=_json),
    Format("xlsx", "kräver -o", save=outcomes.outcomes_xlsx),
))
DUE = Formats((
    Format("human", "tabell", show=ors.due_human),
    Format("json", "", show=_json),
    Format("csv", "", show=_text(ors.due_csv)),
))
