"""Workbooks in memory: read any xlsx/xlsm/xls from bytes, write xlsx to bytes.

This module knows the file formats and their limits (zip bombs, XML entities, truncated or foreign files) and
nothing about the registration schema. Reading uses python-calamine (about 20 times faster than openpyxl);
changing and writing workbooks uses openpyxl.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from samrehab_cli import errors
from samrehab_cli.storage import crypto, files

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.cell import Cell, MergedCell
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

#: A registration workbook unpacks to a few MB; anything near these limits is an attack or a mistake.
MAX_UNPACKED_BYTES = 384 * 1024 * 1024  # raised from 256 MB for a 1,000,000-participant register (339 MB
# unpacked, make bench); issue 17 replaces this limit with ratio and absolute limits
MAX_RATIO = 1000  # deflate cannot do much better than 1:1032 on real data
MAX_MEMBERS = 10_000
_WORKBOOK_PARTS = ("xl/workbook.xml", "xl/workbook.bin")
_CUSTOM_PROPS = "docProps/custom.xml"


@dataclass
class Workbook:
    """A workbook read into memory. ``rows(name)`` gives a sheet's cells from A1, empty cells as None."""

    path: Path
    format: Literal["xlsx", "xls"]
    sheet_names: list[str]
    hidden: set[str]
    properties: dict[str, str]
    encryption: crypto.Encryption | None = None
    _book: Any = field(default=None, repr=False)  # a CalamineWorkbook (the library has no types)

    def rows(self, name: str) -> list[list[object]]:
        rows: list[list[object]] = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for row in rows:  # cleaned in place: a second copy of a large sheet would double the peak memory
            if "" in row:
                row[:] = [None if value == "" else value for value in row]
        return rows


def load(path: Path, passwords: crypto.Passwords) -> tuple[Workbook, crypto.Opened]:
    """Read ``path`` (encrypted or not) into memory; no plaintext is written anywhere."""
    opened = crypto.open_bytes(files.read_bytes(path), passwords, path)
    book = read(opened.data, path)
    book.encryption = opened.encryption
    return book, opened


def read(data: bytes, path: Path) -> Workbook:
    """Read plaintext workbook bytes: xlsx/xlsm (a zip package) or xls (an OLE file)."""
    if data.startswith(crypto.OLE_MAGIC):
        return _calamine(data, path, "xls", {})
    if not data.startswith(crypto.ZIP_MAGIC):
        raise errors.NotAWorkbook(path=path, reason="okänt filformat")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise errors.NotAWorkbook(path=path, reason="filen är trasig eller ofullständig") from None
    with package:
        check_package(package, path)
        properties = _custom_properties(package, path)
    return _calamine(data, path, "xlsx", properties)


def check_package(package: zipfile.ZipFile, path: Path) -> None:
    """Refuse a zip that is not a workbook, or that would unpack to far more than any workbook does."""
    members = package.infolist()
    names = {info.filename for info in members}
    if len(members) > MAX_MEMBERS:
        raise errors.WorkbookBomb(path=path, reason=f"{len(members)} delar")
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        raise errors.WorkbookBomb(path=path, reason=f"{total // 2**20} MB")
    for info in members:
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise errors.WorkbookBomb(path=path, reason=f"{info.filename} packas upp {info.file_size // 2**20} MB")
    if "word/document.xml" in names:
        raise errors.NotAWorkbookButWord(path=path)
    if not any(part in names for part in _WORKBOOK_PARTS):
        raise errors.NotAWorkbook(path=path, reason="zip-filen innehåller ingen arbetsbok")


def _custom_properties(package: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """The custom document properties (name → text), read with defusedxml: entities are refused, never expanded."""
    if _CUSTOM_PROPS not in package.namelist():
        return {}
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(package.read(_CUSTOM_PROPS))
    except DefusedXmlException:
        raise errors.WorkbookBomb(path=path, reason="XML med entiteter") from None
    except (ParseError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    properties: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            properties[name] = (prop[0].text or "").strip()
    return properties


def _calamine(data: bytes, path: Path, kind: Literal["xlsx", "xls"], properties: dict[str, str]) -> Workbook:
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = book.sheets_metadata
    except Exception as exc:  # calamine raises its own error classes for every kind of damage
        raise errors.NotAWorkbook(path=path, reason="filen är trasig eller ofullständig") from exc
    names = [m.name for m in metadata if m.typ == SheetTypeEnum.WorkSheet]
    hidden = {m.name for m in metadata if m.visible != SheetVisibleEnum.Visible}
    return Workbook(path, kind, names, hidden, properties, None, book)


# --- writing --------------------------------------------------------------------------------------------------
def set_text(cell: Cell | MergedCell, value: Any) -> None:
    """Put a value in a cell; text stays text even when it starts with ``=`` (never a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def to_bytes(book: OpenpyxlWorkbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def open_for_change(data: bytes, path: Path) -> OpenpyxlWorkbook:
    """Open plaintext xlsx bytes with openpyxl (which parses through defusedxml) to change and save them."""
    if data.startswith(crypto.OLE_MAGIC):
        raise errors.CannotChangeXls(path=path)
    read(data, path)  # the same checks as every read: format, bombs, a Word file
    import openpyxl

    try:
        return openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
    except Exception as exc:
        raise errors.NotAWorkbook(path=path, reason="filen kunde inte öppnas för ändring") from exc


T = TypeVar("T")


def changed(opened: crypto.Opened, path: Path, passwords: crypto.Passwords, edit: Callable[[OpenpyxlWorkbook], T],
            *, encrypt_plain: bool = False) -> tuple[T, bytes | None]:
    """What ``edit`` returns, and the bytes of the workbook it changed, protected as it was opened: encrypted again
    with the password that opened it (the same slot of the known passwords), or left plain, unless
    ``encrypt_plain`` asks that a plain workbook be encrypted with the newest password (a new copy that holds
    personal data). The bytes are None when ``edit`` returns something false: nothing changed, nothing to write.
    Everything happens in memory.
    """
    book = open_for_change(opened.data, path)
    result = edit(book)
    if not result:
        return result, None
    data = to_bytes(book)
    if opened.encryption is not None:
        return result, crypto.encrypt(data, passwords, path, slot=opened.slot or 0)
    return result, crypto.encrypt(data, passwords, path) if encrypt_plain else data


def rewrite(path: Path, passwords: crypto.Passwords, edit: Callable[[OpenpyxlWorkbook], T],
            ) -> tuple[T, crypto.Opened]:
    """Change the workbook at ``path`` in place with ``edit`` and keep its protection (:func:`changed`); the file is
    replaced atomically, and only when ``edit`` returns something true. Returns that and how the file was opened."""
    opened = crypto.open_bytes(files.read_bytes(path), passwords, path)
    result, data = changed(opened, path, passwords, edit)
    if data is not None:
        files.atomic_write(path, data)
    return result, opened


def set_custom_properties(book: OpenpyxlWorkbook, values: dict[str, str | int]) -> None:
    from openpyxl.packaging.custom import IntProperty, StringProperty

    props = book.custom_doc_props  # type: ignore[attr-defined]  # in openpyxl 3.1, not yet in its stubs
    for name, value in values.items():
        if name in props.names:
            del props[name]
        props.append(IntProperty(name=name, value=value) if isinstance(value, int) else
                     StringProperty(name=name, value=value))


def rows_to_sheet(book: OpenpyxlWorkbook, title: str, rows: Sequence[Sequence[object]], *, filters: bool = False,
                  page_header: str = "") -> Worksheet:
    """Append a simple sheet of rows: bold headers in row 1 (frozen, repeated on every printed page, with filter
    buttons when ``filters``), readable column widths, long text wrapped, dates as dates, text as text; printed on
    A4 landscape fitted to the page width with ``page_header`` at the top of every page.
    """
    import datetime as dt

    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    sheet: Worksheet = book.create_sheet(title)
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            set_text(sheet.cell(row=r, column=c), value)
            if value is None or len(row) == 1:  # a lone note may run across the columns
                continue
            text = str(value)
            wanted = max(max(map(len, text.split()), default=0), min(len(text), 16)) if isinstance(value, str) \
                else len(text)
            if r == 1 and filters:
                wanted += 3  # the filter button covers the end of the header
            widths[c] = max(widths.get(c, 8), min(wanted + 2, 45))
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c)].width = width
    for r, row in enumerate(rows, start=1):
        wrapped = []
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if r == 1:
                cell.font = font(bold=True)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
            if isinstance(value, str) and len(row) > 1 and len(value) > widths.get(c, 8):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                wrapped.append((value, widths.get(c, 8)))
        if wrapped:  # as high as its lines: an office program does not always work that out itself
            fit_row(sheet, r, wrapped)
    sheet.freeze_panes = "A2"
    if filters and rows:
        last = max((r for r, row in enumerate(rows, start=1) if len(row) > 1), default=1)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{last}"
    print_setup(sheet, page_header=page_header, repeat_rows="1:1")
    return sheet


def font(*, size: float = 11, **style: Any) -> Font:
    """Calibri, the font of a new Excel workbook, with ``style`` (``bold=True`` …). A font without a name is shown
    in the office program's default font (a serif in LibreOffice), not the workbook's."""
    from openpyxl.styles import Font

    return Font(name="Calibri", size=size, **style)


#: Points per line of 11-point text in a row.
LINE_HEIGHT = 15


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` wide. A character is counted as wide as a digit
    (the unit of a column's width): generous for Calibri, about right for the wider fonts an office program may show
    instead, so wrapped text is never cut."""
    import textwrap

    return sum(len(textwrap.wrap(part, max(int(width) - 3, 1))) or 1 for part in text.split("\n"))


def header_width(header: str, *, least: float = 8, lines: int = 2) -> float:
    """The narrowest column width, at least ``least``, in which ``header`` (bold) wraps on at most ``lines`` lines
    without a word broken."""
    width = max(least, max((len(word) for word in header.split()), default=0) + 3)
    while text_lines(header, width) > lines:
        width += 1
    return width


def fit_row(sheet: Worksheet, row: int, texts: Sequence[tuple[str, float]], size: float = 11, air: float = 0) -> None:
    """Make ``row`` as high as the most lines any of its wrapped ``texts`` (text, width of its cell) takes, and
    ``air`` points more (below a paragraph)."""
    lines = max((text_lines(text, width * 11 / size) for text, width in texts), default=1)
    sheet.row_dimensions[row].height = (lines * LINE_HEIGHT + (3 if lines > 1 else 0)) * size / 11 + air


def print_setup(sheet: Worksheet, *, page_header: str = "", landscape: bool = True, one_page: bool = False,
                repeat_rows: str | None = None) -> None:
    """Print ``sheet`` on A4 fitted to the page width (and height, when ``one_page``), with ``page_header`` in the
    middle of every page's header (``&A`` is the sheet's name, ``&&`` an ampersand) and the page number at its
    right; ``repeat_rows`` (``"1:1"``) on every page."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    fit, header = sheet.sheet_properties.pageSetUpPr, sheet.oddHeader
    assert fit is not None and header is not None  # openpyxl makes both with the sheet
    fit.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages down as it takes
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.5, header=0.3, footer=0.3)
    if page_header:
        header.center.text = page_header
    header.right.text = "Sida &P av &N"
    if repeat_rows:
        sheet.print_title_rows = repeat_rows
