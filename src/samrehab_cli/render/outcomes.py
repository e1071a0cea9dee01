"""The outcome tables and the ORS table (docs/utfall.md) for people: rich tables, on a terminal with colours and
otherwise as plain text of the same tables; CSV for Swedish Excel (the report workbook is :mod:`outcomes_workbook`).
Never an SRS score."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from samrehab_cli.render.common import console, figure, is_terminal, show, to_csv, write_bytes
from samrehab_cli.render.report import report_human

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from samrehab_cli.participants.ors import OrsRow
    from samrehab_cli.participants.outcomes import Figures, OutcomeRow, Outcomes

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
#: ORS rows (docs/utfall.md) for people; ``%`` marks a percentage, ``±`` a signed mean. Never an SRS score.
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



def ors_human(result: Outcomes, out: Console, terminal: bool) -> None:
    """The ORS table (docs/utfall.md): a row per measure, a column per group; nothing when there is no ORS data."""
    if not result.ors:
        return
    out.print()
    measures = [(key, header, unit) for key, (header, unit) in ORS_HEADERS.items()]
    for table in _group_tables(result.ors, f"ORS och SRS {result.period.label}", measures,
                               ("monthly_percent", "deteriorated_percent", "recovered_percent"), plain=not terminal):
        show(out, table, plain=not terminal)
    if result.excluded_ors_rows:
        out.print(f"ORS-rader med fynd som inte är med i ORS-tabellen: {result.excluded_ors_rows}.")


def outcomes_human(result: Outcomes, out: Console | None = None, terminal: bool | None = None) -> None:
    """The outcome tables, the same on a terminal (with colours) and in a file (plain text, 100 columns at most)."""
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    p = result.period
    title = f"Utfall {p.label} ({p.start.isoformat()}–{p.end.isoformat()})"
    _outcome_tables(result, out, title, p.previous().label, plain=not terminal)
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



def _group_tables(rows: Sequence[OutcomeRow] | Sequence[OrsRow], caption: str,
                  measures: Sequence[tuple[str, str, str]], sections: Sequence[str],
                  pick: Callable[[Any], Any] = lambda row: row, *, plain: bool = False) -> list[Table]:
    """Rich tables, a row per measure and a column per group: Totalt with the teams, then Totalt with the genders.

    ``measures`` are (key, label, unit): ``%``, ``±`` (signed), ``1`` (one decimal), a word (``år``) or ``""``.
    ``plain`` draws the lines in ASCII, for a text file.
    """
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    lines = box.Box("    \n    \n -- \n    \n    \n    \n    \n    \n", ascii=True) if plain else box.SIMPLE_HEAD
    tables = []
    total = [row for row in rows if row.group == "total"]
    for group, heading in (("team", "totalt och per team"), ("kon", "per kön")):
        columns = [(row, pick(row)) for row in [*total, *(r for r in rows if r.group == group)]]
        columns = [(row, figures) for row, figures in columns if figures is not None]
        if len(columns) <= 1 and group == "kon":
            continue
        t = Table(title=f"{caption}, {heading}", title_justify="left", box=lines, pad_edge=False)
        t.add_column("Mått", min_width=16)
        for row, _ in columns:
            t.add_column(escape(row.name), justify="right", no_wrap=True)
        for key, label, unit in measures:
            t.add_row(label, *(figure(getattr(figures, key), unit) for _, figures in columns),
                      end_section=key in sections)
        tables.append(t)
    return tables


def _outcome_tables(result: Outcomes, out: Console, title: str, previous: str, *, plain: bool) -> None:
    """A row per measure (the policy's headers), a column per group; the previous period below, as complete."""
    measures = [(k, h, "%" if k == "goal_attainment_percent" else "") for k, h in OUTCOME_HEADERS.items()]
    measures += [(k, h, unit) for k, (h, unit) in BACKGROUND_HEADERS.items()]
    sections = ("dropouts", "other", "active_next_period", "goal_attainment_percent")
    for table in _group_tables(result.rows, title, measures, sections, plain=plain):
        show(out, table, plain=plain)
    if any(row.previous is not None for row in result.rows):
        for table in _group_tables(result.rows, f"Föregående period {previous}", measures, sections,
                                   pick=lambda row: row.previous, plain=plain):
            show(out, table, plain=plain)


def _outcome_table_rows(result: Outcomes) -> tuple[list[str], list[list[object]]]:
    """Header and rows (current period, then the previous one) with plain numbers, for CSV and xlsx."""
    header = ["Period", "Grupp", "Namn", *OUTCOME_HEADERS.values(), *(h for h, _ in BACKGROUND_HEADERS.values())]
    header[header.index("Måluppfyllelse")] = "Måluppfyllelse (%)"
    header[-2:] = [f"{h} ({unit})" for h, unit in BACKGROUND_HEADERS.values()]
    keys = [*OUTCOME_HEADERS, *BACKGROUND_HEADERS]
    rows: list[list[object]] = []
    previous = result.period.previous().label
    picks: list[tuple[str, Callable[[OutcomeRow], Figures | None]]] = [
        (result.period.label, lambda r: r), (previous, lambda r: r.previous)]
    for label, pick in picks:
        for row in result.rows:
            figures = pick(row)
            if figures is not None:
                rows.append([label, _SECTIONS[row.group], row.name, *(getattr(figures, k) for k in keys)])
    return header, rows


def print_csv(result: Outcomes) -> None:
    write_bytes(csv_bytes(result))


def csv_bytes(result: Outcomes) -> bytes:
    """The outcome table as a CSV file for Swedish Excel (the current period's rows, then the previous one's)."""
    header, rows = _outcome_table_rows(result)
    return to_csv(header, rows)
