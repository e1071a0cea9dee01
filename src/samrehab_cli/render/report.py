"""Findings and rules for people and programs: ``file:sheet!cell: CODE message`` lines, GitHub annotations, the
rule table (docs/utdata.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from samrehab_cli.render.common import console, is_terminal, write

if TYPE_CHECKING:
    from rich.console import Console

    from samrehab_cli.findings import Report, Rule

_SEVERITY_STYLE = {"fel": "bold red", "varning": "yellow", "info": "cyan"}
_GITHUB_LEVEL = {"fel": "error", "varning": "warning", "info": "notice"}


def report_human(report: Report, out: Console | None = None, terminal: bool | None = None) -> None:
    """``vecka.xlsx:2020-v39!H7: V224 Kontrollsiffran …``, a blank line between files and sheets, then the summary.

    On a terminal with rich's colours; otherwise as plain lines, without loading rich."""
    terminal = is_terminal() if terminal is None else terminal
    if not terminal:
        _plain(report_lines(report), out)
        return
    from rich.markup import escape

    from samrehab_cli.findings import summary

    out = out or console()
    out.soft_wrap = False
    group: tuple[str, str | None] | None = None
    for f in report.findings:
        if group is not None and group != (f.file, f.sheet):
            out.print()
        group = (f.file, f.sheet)
        out.print(f"[bold]{escape(f.location)}[/]: [{_SEVERITY_STYLE[f.severity]}]{f.code}[/] {escape(f.message)}")
    if report.findings:
        out.print()
    style = "bold red" if report.counts.fel else "yellow" if report.counts.varning else "green"
    out.print(f"[{style}]{summary(report.counts)}[/]")


def report_lines(report: Report) -> list[str]:
    """:func:`report_human` as plain lines."""
    from samrehab_cli.findings import summary

    lines: list[str] = []
    group: tuple[str, str | None] | None = None
    for f in report.findings:
        if group is not None and group != (f.file, f.sheet):
            lines.append("")
        group = (f.file, f.sheet)
        lines.append(f"{f.location}: {f.code} {f.message}")
    if report.findings:
        lines.append("")
    return [*lines, summary(report.counts)]


def _plain(lines: list[str], out: Console | None) -> None:
    """Lines as they are, on ``out`` or standard out: no markup, colour, emoji codes or wrapping."""
    if out is None:
        write("\n".join(lines))
        return
    out.soft_wrap = True
    for line in lines:
        out.print(line, markup=False, highlight=False, emoji=False)


#: What to do when a file could not be opened: nothing in it was checked, so there is nothing to correct in it yet.
_NOT_OPENED = {
    "S102": "En fil som inte öppnades (S102) behöver ISF:s lösenord: ange det med --password-file (äldre lösenord på "
            "raderna under det senaste), --password-stdin eller SAMREHAB_PASSWORD, eller skriv det när samrehab "
            "frågar i en terminal.",
    "S101": "En fil som inte kunde läsas (S101) kontrollerades inte: rätta det som står ovan (filnamnet, eller spara "
            "filen på nytt som .xlsx i Excel) och kör igen.",
}


def validate_human(report: Report, out: Console | None = None, terminal: bool | None = None) -> None:
    """:func:`report_human`, then what to do next: the advice that fits what was found."""
    terminal = is_terminal() if terminal is None else terminal
    out = out or (console() if terminal else None)
    report_human(report, out, terminal)
    codes = {f.code for f in report.findings if f.severity == "fel"}
    advice = [text for code, text in _NOT_OPENED.items() if code in codes]
    if codes - set(_NOT_OPENED):
        advice.append("Rätta felen och kör samrehab validate igen. Med --mark -o granskad.xlsx markeras cellerna i "
                      "en kopia av filen; samrehab rules visar alla regler.")
    elif report.counts.varning and not codes:
        advice.append("Inga fel. Gå igenom varningarna innan filen skickas; samrehab rules visar alla regler.")
    if advice:
        _plain(advice, out)


def print_github(report: Report) -> None:
    """:func:`report_github` on standard out; nothing at all when there is no finding."""
    if report.findings:
        write(report_github(report))


def report_github(report: Report) -> str:
    """GitHub Actions annotations, one per finding: ``::error file=vecka.xlsx,title=V224::2020-v39!H7: …``."""
    lines = []
    for f in report.findings:
        place = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else f.sheet or ""
        message = f"{place}: {f.message}" if place else f.message
        lines.append(f"::{_GITHUB_LEVEL[f.severity]} file={_github_property(f.file)},"
                     f"title={_github_property(f.code)}::{_github_data(message)}")
    return "\n".join(lines)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def rules_human(rules: Sequence[Rule], out: Console | None = None, terminal: bool | None = None) -> None:
    """The rule table: code, severity and title."""
    from rich.table import Table

    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    if terminal:
        table = Table(title="Regler (samrehab validate, samrehab outcomes och samrehab ors)", title_justify="left")
        for header in ("Kod", "Allvarlighet", "Regel"):
            table.add_column(header)
        for rule in rules:
            shown = [rule.severity, *([rule.other_severity] if rule.other_severity else [])]
            table.add_row(rule.code, "/".join(f"[{_SEVERITY_STYLE[s]}]{s}[/]" for s in shown), rule.title)
        out.print(table)
        return
    out.soft_wrap = True
    for rule in rules:
        out.print(f"{rule.code}  {rule.severities:<11}  {rule.title}", markup=False, highlight=False)


def rules_markdown(rules: Sequence[Rule]) -> str:
    """docs/regler.md: every code with its severity, what it checks and the message people see."""
    lines = ["# Regler och koder", "",
             "Skapad med `samrehab rules --format markdown`; ändra reglerna i koden, inte här.", "",
             "`fel` måste rättas innan filen skickas (slutkod 1), `varning` bör ses över, `info` är en notering. "
             "Ord inom klammer, som `{header}`, fylls i med kolumnen, datumet eller orsaken där fyndet görs.", "",
             "| kod | allvarlighet | regel | meddelande |", "|---|---|---|---|"]
    lines += [f"| {r.code} | {r.severities} | {r.title} | {r.message.replace('|', '/')} |" for r in rules]
    return "\n".join(lines) + "\n"


def print_rules_markdown(rules: Sequence[Rule]) -> None:
    write(rules_markdown(rules))


def print_rules_json(rules: Sequence[Rule]) -> None:
    write(rules_json(rules))


def rules_json(rules: Sequence[Rule]) -> str:
    import dataclasses
    import json

    return json.dumps([dataclasses.asdict(rule) for rule in rules], ensure_ascii=False, indent=2)


