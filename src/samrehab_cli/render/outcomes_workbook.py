"""The report workbook of ``samrehab outcomes PERIOD -o rapport.xlsx`` (docs/utfall.md): what a team hands its
steering group and pastes into its half-year report.

``Sammanfattning`` reads like the policy's table: a title with the period and the teams, the date it was made, the
policy's columns for Totalt, each team and each gender with the goal attainment of the previous period beside them,
a bar chart of the outcome columns per team, and what the policy asks every half-year report to say (work with and
without labour-market support, what lies behind Annat) in sentences. Then one sheet per breakdown: Per team,
Per kön, Arbete, Annat, Bakgrund and ORS. Figures are numbers with Swedish formats (a percentage is a fraction
shown as ``40 %``); every sheet prints on A4 landscape fitted to the page width with the period in its header.
This module is loaded only when a report is written, so it imports openpyxl at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference, Series
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from samrehab_cli.dates import today
from samrehab_cli.participants.outcomes import NO_SUPPORT, OUTCOME_KEYS, SUPPORT_MISSING, with_support
from samrehab_cli.render.common import number, share
from samrehab_cli.render.outcomes import BACKGROUND_HEADERS, ORS_HEADERS, OUTCOME_HEADERS
from samrehab_cli.storage import workbooks

if TYPE_CHECKING:
    from openpyxl.cell import Cell, MergedCell
    from openpyxl.worksheet.worksheet import Worksheet

    from samrehab_cli.participants.outcomes import Figures, OutcomeRow, Outcomes

SUMMARY = "Sammanfattning"
POLICY = "Södra Dalarnas policy för mål och utfallsmått"
SWEDISH = "[$-41D]"  # the number format's locale (sv-SE): a decimal comma wherever the workbook is opened
FORMATS = {
    "%": SWEDISH + r"0\ %", "%1": SWEDISH + r"0.0\ %", "1": SWEDISH + "0.0", "±": SWEDISH + "+0.0;-0.0;0.0",
    "": "0", "date": "yyyy-mm-dd",
}
HEADER_FILL, GREEN_FILL, TOTAL_FILL = "DDEBF7", "E2EFDA", "F2F2F2"
LINE = Side(style="thin", color="8EA9DB")
#: The policy's green columns (positive outcome) and the two figures made of them.
GREEN = ("work", "studies", "vocational_rehab", "positive", "goal_attainment_percent")
#: The chart's bars, in the order of the outcome columns: the positive outcomes green, the others blue and grey.
BAR_COLOURS = ("2E7D32", "66BB6A", "A5D6A7", "4472C4", "A5A5A5", "D9D9D9")
NAMES = {"Kvinna": "Kvinnor", "Man": "Män", "Annat": "Annat kön"}  # a gender's name in the workbook
MOST_COMMENTS = 12  # more comments behind Annat than this are left to the Annat sheet, not the summary's text


def outcomes_xlsx(result: Outcomes) -> bytes:
    """The bytes of the report workbook."""
    book = Workbook()
    book.remove(book.worksheets[0])
    made = today().isoformat()
    _summary(book, result, made)
    _breakdown(book, result, "team", made)
    _breakdown(book, result, "kon", made)
    _work(book, result, made)
    _other(book, result, made)
    _background(book, result, made)
    if result.ors:
        _ors(book, result, made)
    return workbooks.to_bytes(book)


# --- how a sheet is written ------------------------------------------------------------------------------------
Value = tuple[Any, str]  # a figure and its kind: "%", "1" (one decimal), "±" (signed), "" (a count), "date", "text"


@dataclass
class _Row:
    name: str
    values: list[Value]
    bold: bool = False  # a total: bold on grey
    rule: bool = False  # a line above: the first row of another kind of group


@dataclass
class _Page:
    """A report sheet written from the top down: a title, then tables and paragraphs."""

    sheet: Worksheet
    widths: list[float]
    row: int = 1
    tables: list[tuple[int, int]] = field(default_factory=list)  # (header row, last row) of each table

    @classmethod
    def new(cls, book: Workbook, result: Outcomes, name: str, title: str, widths: Sequence[float], made: str,
            *, one_page: bool = False) -> _Page:
        """A sheet with its title, the period and the day it was made, printed with the period in the header."""
        p = result.period
        dates = f"{p.start.isoformat()}–{p.end.isoformat()}"
        sheet: Worksheet = book.create_sheet(name)
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        page = cls(sheet, list(widths))
        page.text(title, workbooks.font(bold=True, size=16, color="1F3864"))
        page.text(f"Perioden {dates}. Skapad {made} med samrehab enligt {POLICY}.",
                  workbooks.font(italic=True, color="595959"))
        page.row += 1
        workbooks.print_setup(sheet, page_header=f"Utfall {p.label} ({dates})", one_page=one_page)
        return page

    def text(self, text: str, font: Font | None = None, *, columns: int | None = None) -> None:
        """A paragraph across the first ``columns`` columns (all by default), wrapped, as high as its lines."""
        span = columns or len(self.widths)
        cell = self.sheet.cell(row=self.row, column=1)
        workbooks.set_text(cell, text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = font or workbooks.font()
        if span > 1:
            self.sheet.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=span)
        workbooks.fit_row(self.sheet, self.row, [(text, sum(self.widths[:span]))], cell.font.size or 11, air=4)
        self.row += 1

    def table(self, headers: Sequence[str], rows: Sequence[_Row], green: Sequence[int] = ()) -> None:
        """A table: a wrapped, filled header row (green over the policy's green columns), then the rows, each as
        high as its longest text. Text is aligned left, figures right."""
        top = self.row
        kinds = [{r.values[c][1] for r in rows} for c in range(len(headers) - 1)]
        text = {1} | {c for c, found in enumerate(kinds, start=2) if found and found <= {"text", "date"}}
        for column, header in enumerate(headers, start=1):
            cell = self.sheet.cell(row=top, column=column)
            workbooks.set_text(cell, header)
            cell.font = workbooks.font(bold=True)
            cell.fill = PatternFill("solid", fgColor=GREEN_FILL if column - 1 in green else HEADER_FILL)
            cell.alignment = Alignment(wrap_text=True, vertical="bottom",
                                       horizontal="left" if column in text else "right")
            cell.border = Border(bottom=LINE)
        workbooks.fit_row(self.sheet, top, [(h, self.widths[c]) for c, h in enumerate(headers)])
        for r, row in enumerate(rows, start=top + 1):
            cells = [self.sheet.cell(row=r, column=c) for c in range(1, len(row.values) + 2)]
            workbooks.set_text(cells[0], row.name)
            for cell, (value, kind) in zip(cells[1:], row.values, strict=True):
                _put(cell, value, kind)
            for cell in cells:
                left = cell.column in text
                cell.alignment = Alignment(vertical="top", wrap_text=left, horizontal="left" if left else "right")
                if row.rule:
                    cell.border = Border(top=LINE)
                if row.bold:
                    cell.font = workbooks.font(bold=True)
                    cell.fill = PatternFill("solid", fgColor=TOTAL_FILL)
                    cell.border = Border(bottom=LINE)
            workbooks.fit_row(self.sheet, r, [(str(cells[c - 1].value), self.widths[c - 1]) for c in text])
        self.tables.append((top, top + len(rows)))
        self.row = top + len(rows) + 2

    def freeze(self) -> None:
        """Keep the title and the first table's header in view, and print them on every page."""
        header = self.tables[0][0]
        self.sheet.freeze_panes = f"A{header + 1}"
        self.sheet.print_title_rows = f"1:{header}"


def _put(cell: Cell | MergedCell, value: Any, kind: str) -> None:
    """A figure as a number with its format; an en dash where there is none."""
    if value is None:
        workbooks.set_text(cell, "–")
    elif kind == "%":  # 40.0 → 0.4 shown as 40 %; 71.4 → 0.714 shown as 71,4 %
        exact = Decimal(str(value))
        cell.value = float(exact / 100)
        cell.number_format = FORMATS["%" if exact % 1 == 0 else "%1"]
    elif kind == "text":
        workbooks.set_text(cell, value)
    else:
        cell.value = value
        cell.number_format = FORMATS[kind]


def _widths(headers: Sequence[str], names: Sequence[str] = (), least: float = 9) -> list[float]:
    """Widths in which each header wraps on at most three lines, the first column as wide as its ``names``."""
    widths = [workbooks.header_width(h, least=least, lines=3) for h in headers]
    widths[0] = max([widths[0], *(len(name) + 3 for name in names)])
    return widths


def _small() -> Font:
    return workbooks.font(italic=True, size=9, color="595959")


def _kind(key: str) -> str:
    return "%" if key == "goal_attainment_percent" else "1" if key in BACKGROUND_HEADERS else ""


def _name(group: str, name: str) -> str:
    return NAMES.get(name, name) if group == "kon" else name


def _and(items: Sequence[str]) -> str:
    """``a, b och c``."""
    return ", ".join(items[:-1]) + " och " + items[-1] if len(items) > 1 else "".join(items)


def _show_axes(chart: BarChart, title: str) -> None:
    """Axes drawn, from zero: openpyxl leaves an axis's ``delete`` unset, which some Excel versions read as hidden."""
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.title = title
    chart.y_axis.scaling.min = 0


# --- Sammanfattning --------------------------------------------------------------------------------------------
def _summary(book: Workbook, result: Outcomes, made: str) -> None:
    """The policy's table, then the text beside the chart; one page."""
    label = result.period.label
    teams = [r.name for r in result.rows if r.group == "team"]
    with_previous = any(r.previous is not None for r in result.rows)
    headers, rows = _policy_table(result, with_previous)
    title = f"Utfall {label}" + (f" för {_and(teams)}" if teams else "")
    page = _Page.new(book, result, SUMMARY, title, _widths(headers, [r.name for r in rows]), made, one_page=True)
    page.table(headers, rows, [1 + list(OUTCOME_HEADERS).index(k) for k in GREEN])
    page.freeze()
    text_columns = max(3, len(headers) // 2)
    top = page.row
    page.text("Gröna kolumner räknas som positivt utfall (arbete, studier och annan arbetslivsinriktad "
              "rehabilitering). Måluppfyllelsen är positivt utfall i procent av avsluten utom dropouts.",
              _small(), columns=text_columns)
    for paragraph in _sentences(result):
        page.text(paragraph, columns=text_columns)
    team_rows = [page.tables[0][0] + 1 + i for i, r in enumerate(result.rows) if r.group == "team"]
    if team_rows:
        highest = max(getattr(r, k) for r in result.rows if r.group == "team" for k in OUTCOME_KEYS)
        height = sum(page.sheet.row_dimensions[r].height or workbooks.LINE_HEIGHT for r in range(top, page.row))
        _outcome_chart(page, label, team_rows, highest, top, text_columns + 1, max(height, 200))


def _policy_table(result: Outcomes, with_previous: bool) -> tuple[list[str], list[_Row]]:
    """A column per measure of the policy, the previous period's goal attainment and the change beside them."""
    headers = ["Grupp", *OUTCOME_HEADERS.values()]
    if with_previous:
        headers += [f"Måluppfyllelse {result.period.previous().label}", "Förändring (procentenheter)"]
    table = []
    for index, row in enumerate(result.rows):
        values: list[Value] = [(getattr(row, key), _kind(key)) for key in OUTCOME_HEADERS]
        if with_previous:
            before = row.previous.goal_attainment_percent if row.previous is not None else None
            now = row.goal_attainment_percent
            change = None if now is None or before is None else float(Decimal(str(now)) - Decimal(str(before)))
            values += [(before, "%"), (change, "±")]
        first_of_group = index > 1 and row.group != result.rows[index - 1].group
        table.append(_Row(_name(row.group, row.name), values, bold=row.group == "total", rule=first_of_group))
    return headers, table


def _outcome_chart(page: _Page, label: str, team_rows: list[int], highest: int, top: int, column: int,
                   height: float) -> None:
    """A clustered bar chart beside the text: a bar per outcome column for each team (``highest`` the tallest)."""
    header_row = page.tables[0][0]
    first = 2 + list(OUTCOME_HEADERS).index("work")
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    chart.title = f"Avslut per orsak och team {label}"
    for offset, colour in enumerate(BAR_COLOURS):
        values = Reference(page.sheet, min_col=first + offset, min_row=team_rows[0], max_row=team_rows[-1])
        series = Series(values, title=str(page.sheet.cell(row=header_row, column=first + offset).value))
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
        chart.series.append(series)
    chart.set_categories(Reference(page.sheet, min_col=1, min_row=team_rows[0], max_row=team_rows[-1]))
    _show_axes(chart, "Antal avslut")
    chart.y_axis.numFmt = "0"
    chart.y_axis.majorUnit = 1 if highest <= 10 else None  # whole numbers on a short axis
    chart.legend.position = "b"
    chart.width = round(sum(page.widths[column - 1:]) * 7 * 0.75 / 72 * 2.54)  # the columns: units → px → pt → cm
    chart.height = height / 72 * 2.54
    page.sheet.add_chart(chart, f"{get_column_letter(column)}{top}")


def _sentences(result: Outcomes) -> list[str]:
    """What the policy asks each half-year report to say, in sentences."""
    p = result.period
    total = result.rows[0]
    teams = [r.name for r in result.rows if r.group == "team"]
    said = [f"Under {p.label} var {total.active} deltagare aktiva" + (f" i {_and(teams)}." if teams else ".")
            + f" Av dem avslutades {total.exits}, varav {total.dropouts} "
            + ("dropout" if total.dropouts == 1 else "dropouts")
            + " (avslut inom två månader från inskrivningen), som inte räknas i utfallet."]
    if total.goal_attainment_percent is not None:
        goal = (f"Av {total.exits - total.dropouts} avslut som räknas ledde {total.positive} till arbete, studier "
                "eller annan arbetslivsinriktad rehabilitering: en måluppfyllelse på "
                f"{share(total.goal_attainment_percent)}")
        if total.previous is not None and total.previous.goal_attainment_percent is not None:
            goal += f", mot {share(total.previous.goal_attainment_percent)} under {p.previous().label}"
        genders = [f"{share(r.goal_attainment_percent)} för {_name(r.group, r.name).lower()}"
                   for r in result.rows if r.group == "kon" and r.goal_attainment_percent is not None]
        said.append(goal + "." + (f" Måluppfyllelsen var {_and(genders)}." if genders else ""))
    else:
        said.append("Inga avslut räknas i utfallet, så måluppfyllelsen kan inte beräknas för perioden.")
    said.append(_work_text(result))
    if result.other_comments:
        said.append(_other_text(result))
    years, months = total.mean_years_without_work, total.mean_throughput_months
    background = ([f"hade i genomsnitt varit utan arbete eller studier i {number(years)} år före inskrivningen"]
                  if years is not None else [])
    background += [f"var inskrivna i {number(months)} månader"] if months is not None else []
    if background:
        said.append(f"De {total.positive} med positivt utfall {' och '.join(background)}.")
    if result.ors and result.ors[0].policy_percent is not None:
        said.append(f"{share(result.ors[0].policy_percent)} av de aktiva följde ORS-policyn (en ORS minst "
                    "varannan månad); se fliken ORS.")
    said.append(f"{result.excluded_rows} rader i deltagarregistret har fel och är inte med; rätta dem och gör "
                "rapporten igen." if result.excluded_rows else "Alla rader i deltagarregistret är med.")
    return said


def _work_text(result: Outcomes) -> str:
    """The Arbete exits with and without labour-market support."""
    work = sum(s.count for s in result.work_support)
    if not work:
        return "Ingen deltagare gick till arbete under perioden."
    supported, without = with_support(result.work_support)
    kinds = [f"{s.support.lower()} {s.count}" for s in result.work_support
             if s.support not in (NO_SUPPORT, SUPPORT_MISSING)]
    text = (f"Till arbete gick {work}: {without} utan arbetsmarknadsstöd och {supported} med stöd"
            + (f" ({', '.join(kinds)})" if kinds else "") + ".")
    missing = work - supported - without
    return text + (f" För {missing} saknas uppgift om arbetsmarknadsstöd." if missing else "")


def _other_text(result: Outcomes) -> str:
    """What lies behind Annat: the comments, per team, in the register's words."""
    text = f"Som Annat räknas {len(result.other_comments)} avslut."
    if len(result.other_comments) > MOST_COMMENTS:
        return text + " Kommentarerna står i fliken Annat."
    per_team: dict[str, list[str]] = {}
    for item in result.other_comments:
        per_team.setdefault(item.team, []).append(f"”{item.comment}”" if item.comment else "(ingen kommentar)")
    return text + " Bakom dem står enligt deltagarregistret: " + "; ".join(
        f"i {team} {_and(comments)}" for team, comments in per_team.items()) + "."


# --- the breakdowns --------------------------------------------------------------------------------------------
def _breakdown(book: Workbook, result: Outcomes, group: str, made: str) -> None:
    """``Per team`` / ``Per kön``: the policy's table with the background variables, then the previous period's."""
    rows = [r for r in result.rows if r.group in ("total", group)]
    keys = [*OUTCOME_HEADERS, *BACKGROUND_HEADERS]
    headers = ["Grupp", *OUTCOME_HEADERS.values(), *(f"{h} ({unit})" for h, unit in BACKGROUND_HEADERS.values())]
    name = "Per team" if group == "team" else "Per kön"
    widths = _widths(headers, [_name(r.group, r.name) for r in rows])
    page = _Page.new(book, result, name, f"Utfall {result.period.label} {name.lower()}", widths, made)

    def table(pick: Callable[[OutcomeRow], Figures | None]) -> list[_Row]:
        return [_Row(_name(r.group, r.name), [(getattr(f, k), _kind(k)) for k in keys], bold=r.group == "total")
                for r in rows if (f := pick(r)) is not None]

    green = [keys.index(k) + 1 for k in GREEN]
    page.table(headers, table(lambda r: r), green)
    page.freeze()
    earlier = table(lambda r: r.previous)
    if earlier:
        page.text(f"Föregående period: {result.period.previous().label}", workbooks.font(bold=True, size=12))
        page.table(headers, earlier, green)


def _work(book: Workbook, result: Outcomes, made: str) -> None:
    """``Arbete``: the exits to work without and with labour-market support, each kind of support once."""
    counts = {s.support: s.count for s in result.work_support}
    work = sum(counts.values())
    supported, without = with_support(result.work_support)

    def row(name: str, count: int, bold: bool = False) -> _Row:
        return _Row(name, [(count, ""), (float(Decimal(count * 100) / work) if work else None, "%")], bold)

    rows = [row("Utan arbetsmarknadsstöd", without), row("Med arbetsmarknadsstöd", supported)]
    rows += [row(f"   varav {s.support.lower()}", s.count) for s in result.work_support
             if s.support not in (NO_SUPPORT, SUPPORT_MISSING)]
    if SUPPORT_MISSING in counts:
        rows.append(row("Uppgift om stöd saknas", counts[SUPPORT_MISSING]))
    rows.append(row("Totalt till arbete", work, bold=True))
    page = _Page.new(book, result, "Arbete", f"Avslut till arbete {result.period.label}, med och utan "
                     "arbetsmarknadsstöd", [34, 10, 10, 60], made)
    page.table(["Avslut till arbete", "Antal", "Andel"], rows)
    page.freeze()
    page.text("Dropouts räknas inte. Med arbetsmarknadsstöd avses till exempel lönebidrag, lönestöd, extratjänst, "
              "nystartsjobb, introduktionsjobb och skyddat arbete.", _small(), columns=3)


def _other(book: Workbook, result: Outcomes, made: str) -> None:
    """``Annat``: team, exit date and comment of each Annat exit, with filter buttons (by team)."""
    rows = [_Row(c.team, [(c.exit_date, "date"), (c.comment or "(ingen kommentar)", "text")])
            for c in result.other_comments]
    page = _Page.new(book, result, "Annat", f"Vad som ligger bakom Annat {result.period.label}", [18, 16, 80], made)
    page.table(["Team", "Avslutsdatum", "Kommentar"], rows)
    page.freeze()
    header, last = page.tables[0]
    if rows:
        page.sheet.auto_filter.ref = f"A{header}:C{last}"
    else:
        page.text("Inga avslut med orsaken Annat under perioden.")


def _background(book: Workbook, result: Outcomes, made: str) -> None:
    """``Bakgrund``: the two background variables over the positive-outcome exits, now and the period before."""
    periods = [result.period.label]
    if any(r.previous is not None for r in result.rows):
        periods.append(result.period.previous().label)
    headers = ["Grupp"]
    for label in periods:
        headers += [f"Positivt utfall {label}", *(f"{h} {label} ({unit})" for h, unit in BACKGROUND_HEADERS.values())]

    def values(f: Figures | None) -> list[Value]:
        return [(None if f is None else getattr(f, k), "" if k == "positive" else "1")
                for k in ("positive", *BACKGROUND_HEADERS)]

    rows = [_Row(_name(r.group, r.name), values(r) + (values(r.previous) if len(periods) > 1 else []),
                 bold=r.group == "total") for r in result.rows]
    page = _Page.new(book, result, "Bakgrund", f"Bakgrundsvariabler {periods[0]}",
                     _widths(headers, [r.name for r in rows], least=12), made)
    page.table(headers, rows)
    page.freeze()
    page.text("Över de avslut som gav positivt utfall (arbete, studier och annan arbetslivsinriktad "
              "rehabilitering). Tid utan arbete eller studier före inskrivningen i år; genomströmningstiden från "
              "inskrivning till avslut i månader.", _small())


def _ors(book: Workbook, result: Outcomes, made: str) -> None:
    """``ORS``: a row per measure, a column per group, and beside it a chart of the share following the ORS policy
    per team. Never an SRS score."""
    names = [_name(r.group, r.name) for r in result.ors]
    rows = [_Row(label, [(getattr(r, key), kind) for r in result.ors]) for key, (label, kind) in ORS_HEADERS.items()]
    page = _Page.new(book, result, "ORS", f"ORS och SRS {result.period.label}",
                     [46.0, *_widths(names, least=11)], made)
    page.table(["Mått", *names], rows)
    page.freeze()
    page.text(f"ORS-rader med fel som inte räknats: {result.excluded_ors_rows}. SRS redovisas bara som andel "
              "med minst en SRS, aldrig som poäng.", _small())
    teams = [column for column, r in enumerate(result.ors, start=2) if r.group == "team"]
    if not teams:
        return
    header_row = page.tables[0][0]
    policy_row = header_row + 1 + list(ORS_HEADERS).index("policy_percent")
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Andel som följer ORS-policyn per team {result.period.label}"
    chart.add_data(Reference(page.sheet, min_col=teams[0], max_col=teams[-1], min_row=policy_row),
                   from_rows=True, titles_from_data=False)
    chart.set_categories(Reference(page.sheet, min_col=teams[0], max_col=teams[-1], min_row=header_row))
    chart.series[0].graphicalProperties.solidFill = "4472C4"
    _show_axes(chart, "Andel av de aktiva")
    chart.y_axis.scaling.max = 1
    chart.y_axis.numFmt = FORMATS["%"]
    chart.legend = None
    chart.width, chart.height = 14, (len(rows) + 2) * workbooks.LINE_HEIGHT / 72 * 2.54  # beside the table
    page.sheet.add_chart(chart, f"{get_column_letter(len(names) + 3)}{header_row}")
