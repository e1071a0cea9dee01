"""The registration workbook: ``Instruktioner``, one tab per ISO week, dropdowns from the schema.

docs/registreringsfil.md describes it for the people who fill it in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from samrehab_cli import schema
from samrehab_cli.dates import Week, today, week_from_sheet_name
from samrehab_cli.schema import WEEK, Column, Kind
from samrehab_cli.storage import workbooks

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

EXCEL_LIST_LIMIT = 255  # Excel drops (after asking to repair) an inline list validation longer than this
DATE_FORMAT = "yyyy-mm-dd"
_EARLIEST = {"birth_date": "DATE(1900,1,1)"}


def new_workbook(forbund: str, weeks: Sequence[Week], rows: int = schema.DEFAULT_ROWS_PER_WEEK) -> Workbook:
    """A new registration workbook for ``forbund`` with a tab for each week."""
    from openpyxl import Workbook

    book = Workbook()
    instructions = book.worksheets[0]
    instructions.title = schema.INSTRUCTIONS_SHEET
    _write_instructions(instructions, forbund)
    workbooks.set_custom_properties(book, {schema.PROP_FORBUND: forbund,
                                           schema.PROP_SCHEMA_VERSION: schema.SCHEMA_VERSION})
    add_weeks(book, weeks, rows)
    return book


def add_weeks(book: Workbook, weeks: Iterable[Week], rows: int) -> list[Week]:
    """Add a tab for each week not in ``book`` yet, in date order; return the weeks added."""
    present = {week_from_sheet_name(name) for name in book.sheetnames}
    added = []
    for week in sorted(set(weeks)):
        if week in present:
            continue
        _week_sheet(book, week, rows)
        added.append(week)
    return added


def week_sheets(book: Workbook) -> list[Week]:
    return sorted(w for w in map(week_from_sheet_name, book.sheetnames) if w is not None)


def rows_in_last_week(book: Workbook) -> int:
    """How many rows the newest week tab was made with (its pre-filled löpnummer), for new tabs in the same file."""
    weeks = week_sheets(book)
    if not weeks:
        return schema.DEFAULT_ROWS_PER_WEEK
    sheet = book[str(weeks[-1])]
    count = sum(1 for (value,) in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if value)
    return count or schema.DEFAULT_ROWS_PER_WEEK


def _sheet_index(book: Workbook, week: Week) -> int:
    """Where a new week tab goes: before the first later week, else after the last week (or the instructions)."""
    index = 1 if schema.INSTRUCTIONS_SHEET in book.sheetnames else 0
    for position, name in enumerate(book.sheetnames):
        other = week_from_sheet_name(name)
        if other is not None:
            if other > week:
                return position
            index = position + 1
    return index


def _week_sheet(book: Workbook, week: Week, rows: int) -> Worksheet:
    from openpyxl.styles import Alignment, PatternFill
    from openpyxl.utils import get_column_letter

    sheet: Worksheet = book.create_sheet(str(week), _sheet_index(book, week))
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    last_row = rows + 1
    for index, column in enumerate(WEEK.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = workbooks.font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[letter].width = column_width(column)
        cells = f"{letter}2:{letter}{last_row}"
        if column.kind is Kind.DATE:
            for (data_cell,) in sheet[cells]:
                data_cell.number_format = DATE_FORMAT
        elif column.kind in (Kind.PERSONNUMMER, Kind.SERIAL, Kind.PHONE):
            for (data_cell,) in sheet[cells]:
                data_cell.number_format = "@"  # text: Excel must not turn 199102051233 into 1,99102E+11
        validation = _validation(book, column)
        if validation is not None:
            validation.add(cells)
            sheet.add_data_validation(validation)
    for number in range(1, rows + 1):
        workbooks.set_text(sheet.cell(row=number + 1, column=1), schema.serial(week, number))
    workbooks.fit_row(sheet, 1, [(c.header, column_width(c)) for c in WEEK.columns])
    sheet.freeze_panes = "B2"
    workbooks.print_setup(sheet, page_header=f"Registrering vecka {week}", repeat_rows="1:1")
    sheet.print_options.gridLines = True  # on paper the rows are a table only with their lines
    return sheet


def column_width(column: Column) -> float:
    """The schema's width, or wider so that the header fits on two lines without a word broken."""
    return max(column.width, workbooks.header_width(column.header))


def _validation(book: Workbook, column: Column) -> DataValidation | None:
    from openpyxl.worksheet.datavalidation import DataValidation

    common: dict[str, Any] = {"allow_blank": True, "showErrorMessage": True, "errorStyle": "warning",
              "errorTitle": column.header, "showInputMessage": True, "promptTitle": column.header[:32],
              "prompt": column.help[:255]}
    if column.kind is Kind.CHOICE:
        return DataValidation(type="list", formula1=list_formula(book, column),
                              error=f"Välj ett värde i listan för {column.header}.", **common)
    if column.kind is Kind.DATE:
        earliest = _EARLIEST.get(column.key, "DATE(2000,1,1)")
        return DataValidation(type="date", operator="between", formula1=earliest, formula2="TODAY()",
                              error="Skriv ett datum som ÅÅÅÅ-MM-DD, inte senare än i dag.", **common)
    if column.kind is Kind.INTEGER:
        return DataValidation(type="whole", operator="greaterThan", formula1="0",
                              error="Kuvertnumret är ett positivt heltal.", **common)
    return None


def list_formula(book: Workbook, column: Column) -> str:
    """An inline list (``"Ja,Nej"``) when Excel accepts it, else a range on the hidden ``Listor`` sheet."""
    inline = '"' + ",".join(column.choices) + '"'
    if len(inline) - 2 <= EXCEL_LIST_LIMIT and not any("," in c or '"' in c for c in column.choices):
        return inline
    from openpyxl.utils import get_column_letter, quote_sheetname

    if schema.LISTS_SHEET in book.sheetnames:
        lists = book[schema.LISTS_SHEET]
    else:
        lists = book.create_sheet(schema.LISTS_SHEET)
        lists.sheet_state = "hidden"
    headers = [cell.value for cell in lists[1]] if lists.max_row >= 1 else []
    if column.header in headers:
        index = headers.index(column.header) + 1
    else:
        index = 1 if lists.cell(row=1, column=1).value is None else lists.max_column + 1
        workbooks.set_text(lists.cell(row=1, column=index), column.header)
        for row, choice in enumerate(column.choices, start=2):
            workbooks.set_text(lists.cell(row=row, column=index), choice)
    letter = get_column_letter(index)
    return f"{quote_sheetname(schema.LISTS_SHEET)}!${letter}$2:${letter}${len(column.choices) + 1}"


#: The ``Instruktioner`` sheet's two columns: the column names (and labels), and the text.
INSTRUCTION_WIDTHS = (26, 80)


def _write_instructions(sheet: Worksheet, forbund: str) -> None:
    """One paragraph per row across both columns, as high as its lines, then the columns as a two-column table;
    printed on one A4 page."""
    from openpyxl.styles import Alignment, PatternFill

    paragraphs: list[tuple[str, str]] = [
        ("Registreringsfil för ISF:s utvärdering av samordningsförbunden", "title"),
        (f"Samordningsförbund: {forbund}", "bold"),
        (f"Schemaversion: {schema.SCHEMA_VERSION}", "fact"),
        (f"Skapad: {today().isoformat()}", "fact"),
        ("Så fyller du i", "heading"),
        ("Registrera alla som informerats om utvärderingen, en person per rad, i fliken för den vecka då "
         "informationsmötet hölls. Flikarna heter ÅÅÅÅ-vVV, till exempel 2020-v39.", ""),
        ("Löpnumret är redan ifyllt. Skriv aldrig om det; det följer personen genom hela utvärderingen.", ""),
        ("Vid Nej (inget samtycke): fyll bara i födelsedatum och kön. Inga uppgifter som kan identifiera personen "
         "(kuvertnummer, personnummer, namn, e-post, mobilnummer) och ingen grupp.", ""),
        ("Vid Ja: kuvertnummer, personnummer med 12 siffror, namn, språk, e-post och/eller mobilnummer, och Ja i "
         "exakt en av Behandlingsgrupp och Kontrollgrupp.", ""),
        ("Om personen ska svara på enkäterna på papper: skriv Ja i kolumnen för respektive enkät.", ""),
        ("Kontrollera filen innan du skickar den: samrehab validate registrering.xlsx", ""),
    ]
    closing: list[tuple[str, str]] = [
        ("Så krypterar och skickar du filen", "heading"),
        ("I Excel: Arkiv → Skydda arbetsbok → Kryptera med lösenord. Skriv ISF:s senaste lösenord två gånger och "
         "spara filen som vanligt. Eller: samrehab encrypt registrering.xlsx -o registrering-krypterad.xlsx", ""),
        ("Maila den krypterade filen till ISF i slutet av varje vecka. När ISF har bekräftat att filen är "
         "registrerad (kvittens) får ni ta bort uppgifterna för de veckorna.", ""),
        ("En krypterad arbetsbok går inte att öppna i Excel på webben, i förhandsvisningen i Outlook eller i "
         "mobilen. Spara bilagan på datorn och öppna den i Excel för Windows eller Mac.", ""),
    ]
    width = sum(INSTRUCTION_WIDTHS)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = INSTRUCTION_WIDTHS
    row = 1

    def paragraph(text: str, style: str) -> None:
        nonlocal row
        if style in ("title", "heading"):
            row += 1  # a blank line before a heading
        size = {"title": 14, "heading": 12}.get(style, 11)
        cell = sheet.cell(row=row, column=1)
        workbooks.set_text(cell, text)
        cell.font = workbooks.font(bold=style in ("title", "heading", "bold"), size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        workbooks.fit_row(sheet, row, [(text, width)], size, air=0 if style else 4)  # air below a paragraph
        row += 1

    for text, style in paragraphs:
        paragraph(text, style)
    paragraph("Kolumnerna", "heading")
    fill = PatternFill("solid", fgColor="DDEBF7")
    for name, text in (("Kolumn", "Vad du skriver"), *((c.header, c.help) for c in WEEK.columns)):
        cells = (sheet.cell(row=row, column=1), sheet.cell(row=row, column=2))
        for cell, value in zip(cells, (name, text), strict=True):
            workbooks.set_text(cell, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells[0].font = workbooks.font(bold=True)
        if name == "Kolumn":
            cells[1].font = workbooks.font(bold=True)
            for cell in cells:
                cell.fill = fill
        workbooks.fit_row(sheet, row, [(name, INSTRUCTION_WIDTHS[0]), (text, INSTRUCTION_WIDTHS[1])])
        row += 1
    for text, style in closing:
        paragraph(text, style)
    workbooks.print_setup(sheet, page_header=forbund.replace("&", "&&"), landscape=False, one_page=True)


def write_rows(sheet: Worksheet, rows: Iterable[Mapping[str, object]], first_row: int = 2) -> None:
    """Write rows keyed by schema key (``consent``) or header (``Samtycke``), finding columns by header text.

    Dates stay dates, text stays text (never a formula). Used by tests and examples to fill a template.
    """
    positions: dict[str, int] = {}
    for cell in sheet[1]:
        column = WEEK.by_header(str(cell.value)) if cell.value is not None else None
        if column is not None:
            positions.setdefault(column.key, cell.column or 0)  # a cell of row 1 has its column
    for offset, values in enumerate(rows):
        for name, value in values.items():
            column = WEEK.by_header(name) or WEEK[name]
            target = sheet.cell(row=first_row + offset, column=positions[column.key])
            workbooks.set_text(target, value)
            if isinstance(value, dt.date):
                target.number_format = DATE_FORMAT
