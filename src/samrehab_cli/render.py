"""Rendering results for people and machines: one renderer per ``--format``.

Human output uses rich on a terminal and plain text otherwise; ``json`` prints the library's model exactly.
Numbers shown to people use the Swedish format (``40 %``, ``5,6 år``). Nothing here computes a result.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import BaseModel
    from rich.console import Console


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def to_json(model: BaseModel) -> str:
    """Exactly the library's result model, nothing added."""
    return model.model_dump_json(indent=2)


def number(value: float | Decimal | None, decimals: int = 1) -> str:
    """Swedish decimal comma, rounded half away from zero: ``5,6``; an em dash for no value."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded}".replace(".", ",").replace("-", "\u2212")


def percent(value: float | Decimal | None, decimals: int = 0) -> str:
    """``40 %`` (Swedish: a space before the sign)."""
    return "–" if value is None else f"{number(value, decimals)} %"


def csv_safe(value: object) -> object:
    """A cell for CSV that Excel will not run as a formula (a leading ``= + - @`` gets a ``'``)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return buffer.getvalue()


# --- outcomes (SPEC §5.2) ---------------------------------------------------------------------------------------
if TYPE_CHECKING:
    from collections.abc import Callable

    from openpyxl import Workbook as OpenpyxlWorkbook
    from rich.table import Table

    from samrehab_cli.participants.ors import DueList, DueParticipant, OrsRow
    from samrehab_cli.participants.outcomes import OutcomeRow, Outcomes

#: The policy's table headers, in its order, by row key.
OUTCOME_HEADERS = {
    "active": "Antal aktiva under perioden",
    "exits": "Antal avslut totalt",
    "dropouts": "Varav dropouts",
    "work": "Arbete",
    "studies": "Studier",
    "vocational_rehab": "Annan arbetslivsinriktad rehab",
    "medical_rehab": "Medicinsk rehab",
    "sickness_compensation": "Sjukersättning",
    "other": "Annat",
    "active_next_period": "Aktiva vid ingången av nästa period",
    "positive": "Positivt utfall",
    "goal_attainment_percent": "Måluppfyllelse",
}
BACKGROUND_HEADERS = {
    "mean_years_without_work": ("Tid utan arbete eller studier", "år"),
    "mean_throughput_months": ("Genomströmningstid", "månader"),
}
_SECTIONS = {"total": "Totalt", "team": "Per team", "kon": "Per kön"}
#: ORS rows (SPEC §5.4) for people; ``%`` marks a percentage, ``±`` a signed mean. Never an SRS score.
ORS_HEADERS = {
    "active": ("Aktiva deltagare", ""),
    "policy_percent": ("Följer policyn (ORS minst varannan månad)", "%"),
    "monthly_percent": ("Följer önskad rytm (ORS varje månad)", "%"),
    "with_change": ("Med minst två ORS, den senaste i perioden", ""),
    "mean_first": ("Medelvärde första ORS", "1"),
    "mean_last": ("Medelvärde senaste ORS", "1"),
    "mean_change": ("Genomsnittlig förändring", "±"),
    "improved_percent": ("Tillförlitlig förbättring (minst +5)", "%"),
    "deteriorated_percent": ("Tillförlitlig försämring (minst −5)", "%"),
    "clinical_at_start": ("Började i klinisk nivå (ORS högst 25)", ""),
    "recovered_percent": ("Varav återhämtade (över 25 och minst +5)", "%"),
    "srs_percent": ("Andel med minst en SRS i perioden", "%"),
}


def share(value: float | Decimal | None) -> str:
    """A percentage for people: ``40 %``, ``33,3 %`` (one decimal only when there is one)."""
    if value is None:
        return "–"
    return percent(value, 0 if Decimal(str(value)) % 1 == 0 else 1)


def _figure(key: str, value: object) -> str:
    unit = "%" if key == "goal_attainment_percent" else BACKGROUND_HEADERS.get(key, ("", ""))[1]
    return _cell(value, unit)


def _ors_figure(key: str, value: object) -> str:
    return _cell(value, ORS_HEADERS[key][1])


def ors_human(result: Outcomes, out: Console, terminal: bool) -> None:
    """The ORS table (SPEC §5.4): a row per measure, a column per group; nothing when there is no ORS data."""
    if not result.ors:
        return
    title = f"ORS och SRS {result.period.label}"
    out.print()
    if terminal:
        measures = [(key, header, unit) for key, (header, unit) in ORS_HEADERS.items()]
        for table in _group_tables(result.ors, title, measures,
                                   ("monthly_percent", "deteriorated_percent", "recovered_percent")):
            out.print(table)
    else:
        out.print(title, markup=False)
        for row in result.ors:
            out.print()
            out.print(f"{_SECTIONS[row.group]}: {row.name}" if row.group != "total" else row.name, markup=False)
            for key, (header, _) in ORS_HEADERS.items():
                out.print(f"  {header}: {_ors_figure(key, getattr(row, key))}", markup=False)
    if result.excluded_ors_rows:
        out.print(f"ORS-rader med fynd som inte är med i ORS-tabellen: {result.excluded_ors_rows}.")


def outcomes_human(result: Outcomes, out: Console | None = None, terminal: bool | None = None) -> None:
    """The outcome tables: rich tables on a terminal, plain text blocks otherwise."""
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    p = result.period
    title = f"Utfall {p.label} ({p.start.isoformat()}–{p.end.isoformat()})"
    previous = p.previous().label
    if terminal:
        _outcome_tables(result, out, title, previous)
    else:
        _outcome_text(result, out, title, previous)
    ors_human(result, out, terminal)
    support, without = _with_support(result)
    work = sum(s.count for s in result.work_support)
    out.print()
    details = ", ".join(f"{s.support} {s.count}" for s in result.work_support if s.support != "Utan stöd")
    out.print(f"Arbete: {work} avslut, varav {support} med arbetsmarknadsstöd"
              f"{f' ({details})' if details else ''} och {without} utan stöd.", markup=False)
    if result.other_comments:
        out.print(f"Bakom Annat ({len(result.other_comments)}):")
        for item in result.other_comments:
            out.print(f"  {item.team} {item.exit_date.isoformat()}: {item.comment or '(ingen kommentar)'}",
                      markup=False)
    findings_human(result, out, terminal)


def _with_support(result: Outcomes) -> tuple[int, int]:
    from samrehab_cli.participants.outcomes import with_support

    return with_support(result.work_support)


def findings_human(result: Outcomes, out: Console, terminal: bool) -> None:
    from samrehab_cli.findings import Report

    out.print()
    rows = result.excluded_rows
    out.print(f"Rader med fel som inte är med i tabellerna: {rows}." if rows else
              "Alla rader i deltagarregistret är med i tabellerna.")
    if result.findings:
        report_human(Report.of(result.findings), out, terminal)


def _cell(value: object, unit: str) -> str:
    """A table cell in the Swedish format: ``40 %``, ``5,6 år``, ``+6,8``; an en dash for no value."""
    if value is None:
        return "–"
    if unit == "%":
        return share(value)  # type: ignore[arg-type]
    if unit == "±":
        return ("+" if value > 0 else "") + number(value)  # type: ignore[operator,arg-type]
    if unit == "1":
        return number(value)  # type: ignore[arg-type]
    return f"{number(value)} {unit}" if unit else str(value)  # type: ignore[arg-type]


def _group_tables(rows: Sequence[OutcomeRow] | Sequence[OrsRow], caption: str,
                  measures: Sequence[tuple[str, str, str]], sections: Sequence[str],
                  pick: Callable[[object], object | None] = lambda row: row) -> list[Table]:
    """Rich tables, a row per measure and a column per group: Totalt with the teams, then Totalt with the genders.

    ``measures`` are (key, label, unit): ``%``, ``±`` (signed), ``1`` (one decimal), a word (``år``) or ``""``.
    """
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    tables = []
    total = [row for row in rows if row.group == "total"]
    for group, heading in (("team", "totalt och per team"), ("kon", "per kön")):
        columns = [(row, pick(row)) for row in [*total, *(r for r in rows if r.group == group)]]
        columns = [(row, figures) for row, figures in columns if figures is not None]
        if len(columns) <= 1 and group == "kon":
            continue
        t = Table(title=f"{caption}, {heading}", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        t.add_column("Mått", min_width=16)
        for row, _ in columns:
            t.add_column(escape(row.name), justify="right", no_wrap=True)
        for key, label, unit in measures:
            t.add_row(label, *(_cell(getattr(figures, key), unit) for _, figures in columns),
                      end_section=key in sections)
        tables.append(t)
    return tables


def _outcome_tables(result: Outcomes, out: Console, title: str, previous: str) -> None:
    """A row per measure (the policy's headers), a column per group; the previous period below."""
    measures = [(k, h, "%" if k == "goal_attainment_percent" else "") for k, h in OUTCOME_HEADERS.items()]
    measures += [(k, h, unit) for k, (h, unit) in BACKGROUND_HEADERS.items()]
    sections = ("dropouts", "other", "active_next_period", "goal_attainment_percent")
    for table in _group_tables(result.rows, title, measures, sections):
        out.print(table)
    if any(row.previous is not None for row in result.rows):
        for table in _group_tables(result.rows, f"Föregående period {previous}", measures, sections,
                                   pick=lambda row: row.previous):
            out.print(table)


def _outcome_text(result: Outcomes, out: Console, title: str, previous: str) -> None:
    out.soft_wrap = True
    out.print(title, markup=False)
    for row in result.rows:
        out.print()
        out.print(f"{_SECTIONS[row.group]}: {row.name}" if row.group != "total" else row.name, markup=False)
        for key, header in OUTCOME_HEADERS.items():
            out.print(f"  {header}: {_figure(key, getattr(row, key))}", markup=False)
        for key, (header, _) in BACKGROUND_HEADERS.items():
            out.print(f"  {header}: {_figure(key, getattr(row, key))}", markup=False)
        if row.previous is not None:
            prev = row.previous
            out.print(f"  Föregående period {previous}: {prev.active} aktiva, {prev.exits} avslut, "
                      f"{prev.dropouts} dropouts, {prev.positive} positivt utfall, måluppfyllelse "
                      f"{share(prev.goal_attainment_percent)}", markup=False)


def _outcome_table_rows(result: Outcomes) -> tuple[list[str], list[list[object]]]:
    """Header and rows (current period, then the previous one) with plain numbers, for CSV and xlsx."""
    header = ["Period", "Grupp", "Namn", *OUTCOME_HEADERS.values(), *(h for h, _ in BACKGROUND_HEADERS.values())]
    header[header.index("Måluppfyllelse")] = "Måluppfyllelse (%)"
    header[-2:] = [f"{h} ({unit})" for h, unit in BACKGROUND_HEADERS.values()]
    keys = [*OUTCOME_HEADERS, *BACKGROUND_HEADERS]
    rows: list[list[object]] = []
    previous = result.period.previous().label
    for label, pick in ((result.period.label, lambda r: r), (previous, lambda r: r.previous)):
        for row in result.rows:
            figures = pick(row)
            if figures is not None:
                rows.append([label, _SECTIONS[row.group], row.name, *(getattr(figures, k) for k in keys)])
    return header, rows


def outcomes_csv(result: Outcomes) -> str:
    header, rows = _outcome_table_rows(result)
    return to_csv(header, rows)


def outcomes_xlsx(result: Outcomes) -> bytes:
    """The report workbook: Totalt, Per team, Per kön, Arbete, Annat, Bakgrund, and a bar chart per team."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    from samrehab_cli.storage import workbooks

    header, rows = _outcome_table_rows(result)
    book = openpyxl.Workbook()
    book.remove(book.active)
    label = result.period.label
    for group, title in _SECTIONS.items():
        current = [r[:1] + r[2:] for r in rows if r[1] == title and r[0] == label]
        earlier = [r[:1] + r[2:] for r in rows if r[1] == title and r[0] != label]
        table = [header[:1] + header[2:], *current]
        if earlier:
            table += [[], [f"Föregående period: {earlier[0][0]}"], header[:1] + header[2:], *earlier]
        if group == "total":
            table += [[], [f"Rader med fel som inte är med i tabellerna: {result.excluded_rows}"]]
        workbooks.rows_to_sheet(book, title, table)
        sheet = book[title]
        sheet.column_dimensions["B"].width = 14
        for r in (1, len(current) + 4):
            for cell in sheet[r]:
                cell.font = Font(bold=True)
        if group == "team" and current:
            chart = BarChart()
            chart.type = "col"
            chart.title = f"Utfall per team {label}"
            chart.y_axis.title = "Antal avslut"
            first = 2 + list(OUTCOME_HEADERS).index("work") + 1  # column of Arbete (A = Period, B = Namn)
            data = Reference(sheet, min_col=first, max_col=first + 5, min_row=1, max_row=1 + len(current))
            chart.add_data(data, titles_from_data=True)
            chart.set_categories(Reference(sheet, min_col=2, min_row=2, max_row=1 + len(current)))
            chart.width, chart.height = 22, 11
            sheet.add_chart(chart, f"B{len(table) + 3}")
    support, without = _with_support(result)
    workbooks.rows_to_sheet(book, "Arbete", [
        ["Arbetsmarknadsstöd", "Antal avslut till arbete"],
        *[[s.support, s.count] for s in result.work_support],
        [], ["Med arbetsmarknadsstöd", support], ["Utan stöd", without],
    ])
    workbooks.rows_to_sheet(book, "Annat", [
        ["Team", "Avslutsdatum", "Kommentar"],
        *[[c.team, c.exit_date, c.comment] for c in result.other_comments],
    ])
    for r in range(2, len(result.other_comments) + 2):
        book["Annat"].cell(row=r, column=2).number_format = "yyyy-mm-dd"
    book["Annat"].column_dimensions["C"].width = 60
    workbooks.rows_to_sheet(book, "Bakgrund", [
        ["Grupp", *(f"{h} ({unit})" for h, unit in BACKGROUND_HEADERS.values())],
        *[[row.name, *(getattr(row, k) for k in BACKGROUND_HEADERS)] for row in result.rows if row.group != "team"],
        [], ["Över avslut med positivt utfall (Arbete, Studier, Annan arbetslivsinriktad rehab)."],
    ])
    if result.ors:
        _ors_sheet(book, result)
    return workbooks.to_bytes(book)


def _ors_sheet(book: OpenpyxlWorkbook, result: Outcomes) -> None:
    """Sheet ``ORS``: a row per group (percentages as numbers, header ``(%)``) and a chart of policy_percent per team."""
    from openpyxl.chart import BarChart, Reference

    from samrehab_cli.storage import workbooks

    headers = ["Grupp", "Namn", *(f"{h} (%)" if kind == "%" else h for h, kind in ORS_HEADERS.values())]
    rows = [[_SECTIONS[r.group], r.name, *(getattr(r, k) for k in ORS_HEADERS)] for r in result.ors]
    note = [[], [f"ORS-rader med fynd som inte räknats: {result.excluded_ors_rows}. SRS redovisas bara som andel."]]
    workbooks.rows_to_sheet(book, "ORS", [headers, *rows, *note])
    sheet = book["ORS"]
    teams = [i for i, r in enumerate(result.ors, start=2) if r.group == "team"]
    if teams:
        column = 3 + list(ORS_HEADERS).index("policy_percent")
        chart = BarChart()
        chart.type = "col"
        chart.title = f"Andel som följer ORS-policyn per team {result.period.label} (%)"
        chart.y_axis.title = "%"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.add_data(Reference(sheet, min_col=column, min_row=teams[0], max_row=teams[-1]), titles_from_data=False)
        chart.set_categories(Reference(sheet, min_col=2, min_row=teams[0], max_row=teams[-1]))
        chart.legend = None
        chart.width, chart.height = 18, 10
        sheet.add_chart(chart, f"B{len(rows) + 5}")


# --- validate (SPEC §2.5) -----------------------------------------------------------------------------------------
if TYPE_CHECKING:
    from samrehab_cli.findings import Report, Rule

_SEVERITY_STYLE = {"fel": "bold red", "varning": "yellow", "info": "cyan"}
_GITHUB_LEVEL = {"fel": "error", "varning": "warning", "info": "notice"}


def report_human(report: Report, out: Console | None = None, terminal: bool | None = None) -> None:
    """``vecka.xlsx:2020-v39!H7: V224 Kontrollsiffran …``, a blank line between files and sheets, then the summary."""
    from rich.markup import escape

    from samrehab_cli.findings import summary

    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    group: tuple[str, str | None] | None = None
    for f in report.findings:
        if group is not None and group != (f.file, f.sheet):
            out.print()
        group = (f.file, f.sheet)
        if terminal:
            out.print(f"[bold]{escape(f.location)}[/]: [{_SEVERITY_STYLE[f.severity]}]{f.code}[/] {escape(f.message)}")
        else:
            out.print(f"{f.location}: {f.code} {f.message}", markup=False, highlight=False)
    if report.findings:
        out.print()
    style = "bold red" if report.counts.fel else "yellow" if report.counts.varning else "green"
    out.print(f"[{style}]{summary(report.counts)}[/]" if terminal else summary(report.counts), markup=terminal)


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
            table.add_row(rule.code, f"[{_SEVERITY_STYLE[rule.severity]}]{rule.severity}[/]", rule.title)
        out.print(table)
        return
    out.soft_wrap = True
    for rule in rules:
        out.print(f"{rule.code}  {rule.severity:<7}  {rule.title}", markup=False, highlight=False)


def rules_markdown(rules: Sequence[Rule]) -> str:
    """docs/regler.md: every code with its severity, what it checks and the message people see."""
    lines = ["# Regler och koder", "",
             "Skapad med `samrehab rules --format markdown`; ändra reglerna i koden, inte här.", "",
             "`fel` måste rättas innan filen skickas (slutkod 1), `varning` bör ses över, `info` är en notering. "
             "Ord inom klammer, som `{header}`, fylls i med kolumnen, datumet eller orsaken där fyndet görs.", "",
             "| kod | allvarlighet | regel | meddelande |", "|---|---|---|---|"]
    lines += [f"| {r.code} | {r.severity} | {r.title} | {r.message.replace('|', '/')} |" for r in rules]
    return "\n".join(lines) + "\n"


def rules_json(rules: Sequence[Rule]) -> str:
    import dataclasses
    import json

    return json.dumps([dataclasses.asdict(rule) for rule in rules], ensure_ascii=False, indent=2)


# --- samrehab ors --due (SPEC §5.4) -----------------------------------------------------------------------------
DUE_HEADERS = ("Deltagar-ID", "Team", "Senaste ORS", "ORS senast", "Försenad")


def _due_cells(item: DueParticipant) -> list[str]:
    return [item.participant_id, item.team, item.last_ors.isoformat() if item.last_ors else "ingen ännu",
            item.next_required_by.isoformat(), "Ja" if item.overdue else ""]


def due_human(result: DueList, out: Console | None = None, terminal: bool | None = None) -> None:
    """The working list: a rich table on a terminal, tab-separated lines otherwise, then a summary line."""
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    team = f" i {result.team}" if result.team else ""
    late = sum(item.overdue for item in result.due)
    if terminal and result.due:
        from rich.markup import escape
        from rich.table import Table

        t = Table(title=f"ORS att göra {result.date.isoformat()}{escape(team)}", title_justify="left")
        for header in DUE_HEADERS:
            t.add_column(header)
        for item in result.due:
            t.add_row(*(escape(c) for c in _due_cells(item)), style="red" if item.overdue else None)
        out.print(t)
    elif result.due:  # tab-separated, written as is (rich would expand the tabs)
        out.file.write("\t".join(DUE_HEADERS) + "\n")
        for item in result.due:
            out.file.write("\t".join(_due_cells(item)) + "\n")
    if result.due:
        out.print(f"{len(result.due)} deltagare{team} behöver ORS, varav {late} försenade.", markup=False)
    else:
        out.print(f"Ingen deltagare{team} behöver ORS {result.date.isoformat()}.", markup=False)
    bad = [f for f in result.findings if f.severity == "fel"]
    if bad:
        from samrehab_cli.findings import Report, summary

        out.print(f"Registret har fel som påverkar listan ({summary(Report.of(result.findings).counts)}) "
                  "Se dem med samrehab outcomes.", markup=False)


def due_csv(result: DueList) -> str:
    return to_csv(DUE_HEADERS, [_due_cells(item) for item in result.due])
