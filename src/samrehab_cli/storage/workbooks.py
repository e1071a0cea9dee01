"""Workbooks in memory: read any xlsx/xlsm/xls from bytes, write xlsx to bytes.

This module knows the file formats and their limits (zip bombs, XML entities, truncated or foreign files) and
nothing about the registration schema. Reading uses python-calamine (about 20 times faster than openpyxl);
changing and writing workbooks uses openpyxl.
"""

from __future__ import annotations

import contextlib
import io
import lzma
import os
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from samrehab_cli import errors
from samrehab_cli.storage import bounds, crypto, files, lock

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.cell import Cell, MergedCell
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

#: A register of a million participants unpacks to about 360 MB; a zip bomb to far more, or at a ratio no data has.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 200  # a member over 10 MB that packs better than this is not a sheet (real ones: 1:5 to 1:30)
_RATIO_FROM = 10 * 1024 * 1024
MAX_MEMBERS = 10_000
#: openpyxl holds every cell as an object: a workbook is changed (weeks, --mark) only up to this many cells
MAX_CHANGE_CELLS = 1_000_000
_WORKBOOK_PART = "xl/workbook.xml"
_CUSTOM_PROPS = "docProps/custom.xml"
#: what any reading of a zip member may raise on damage: bad data, an unknown compression, an encrypted member
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, NotImplementedError,
               RuntimeError, EOFError, OSError, ValueError, KeyError)  # bz2 raises OSError


@dataclass
class Workbook:
    """A workbook read into memory. ``rows(name)`` gives a sheet's cells from A1.

    Each sheet is measured before the reader sees it (:mod:`.bounds`); ``max_cells``, when set, caps the cells of
    all the sheets read from this workbook together.
    """

    path: Path
    format: Literal["xlsx", "xls"]
    sheet_names: list[str]
    hidden: set[str]
    properties: dict[str, str]
    encryption: crypto.Encryption | None = None
    max_cells: int | None = None
    _book: Any = field(default=None, repr=False)  # a CalamineWorkbook (the library has no types)
    _zip: zipfile.ZipFile | None = field(default=None, repr=False)  # the package, its directory read once
    _parts: dict[str, list[zipfile.ZipInfo]] = field(default_factory=dict, repr=False)
    _xls_size: bounds.Size | None = field(default=None, repr=False)
    _cells_read: int = field(default=0, repr=False)
    _sizes: dict[str, bounds.Size] = field(default_factory=dict, repr=False)

    def size(self, name: str) -> bounds.Size:
        """How far the sheet ``name`` reaches, measured without reading it; refused when beyond the bounds."""
        size = self._xls_size or self._sizes.get(name)
        if size is None:
            assert self._zip is not None  # an xlsx keeps its package
            with _parsing(self.path):
                size = self._sizes[name] = bounds.xlsx_size(self._zip, self._parts.get(name, []), self.path, name)
        bounds.check(size, self.path, name)
        return size

    def rows(self, name: str, *, empty_as_text: bool = False) -> list[list[object]]:
        """The sheet's cells from A1, an empty cell as None; as ``""`` when ``empty_as_text`` (as python-calamine
        gives it: no pass over every row, for :func:`samrehab_cli.sheets.parse_sheets`, which reads both)."""
        size = self.size(name)
        self._cells_read += size.area
        if self.max_cells is not None and self._cells_read > self.max_cells:
            raise errors.SheetTooLarge(path=self.path, sheet=name, cell=size.last_cell)
        with _reader(self.path, f"fliken {name} är skadad"):
            rows: list[list[object]] = self._book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        if not empty_as_text:
            for row in rows:  # cleaned in place: a second copy of a large sheet would double the peak memory
                if "" in row:
                    row[:] = [None if value == "" else value for value in row]
        return rows


def load(path: Path, passwords: crypto.Passwords, *, max_cells: int | None = None) -> tuple[Workbook, crypto.Opened]:
    """Read ``path`` (encrypted or not) into memory; no plaintext is written anywhere."""
    opened = crypto.open_bytes(files.read_bytes(path), passwords, path)
    book = read(opened.data, path, max_cells=max_cells)
    book.encryption = opened.encryption
    return book, opened


def read(data: bytes, path: Path, *, max_cells: int | None = None) -> Workbook:
    """Read plaintext workbook bytes: xlsx/xlsm (a zip package) or xls (an OLE file), measured before a reader
    sees them."""
    if data.startswith(crypto.OLE_MAGIC):
        size = bounds.xls_size(data, path)  # before calamine, which reads every sheet of an .xls when it opens it
        bounds.check(size, path, None)
        book = _calamine(data, path, "xls", {})
        book._xls_size = size
    elif not data.startswith(crypto.ZIP_MAGIC):
        raise errors.NotAWorkbook(path=path, reason="okänt filformat")
    else:
        package = _package(data, path)
        with _parsing(path):
            check_package(package, path)
            properties = _custom_properties(package, path)
            bounds.check_shared_strings(package, path)
            parts = bounds.sheet_parts(package)
        book = _calamine(data, path, "xlsx", properties)
        book._parts, book._zip = parts, package
    book.max_cells = max_cells
    return book


def _package(data: bytes, path: Path) -> zipfile.ZipFile:
    """The zip package in memory (kept open by the workbook: each sheet is measured from it)."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise errors.NotAWorkbook(path=path, reason="filen är trasig eller ofullständig") from None


@contextlib.contextmanager
def _parsing(path: Path) -> Iterator[None]:
    """Damage met while reading zip members or their XML (with defusedxml: entities are refused) is the file's."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    try:
        yield
    except DefusedXmlException:
        raise errors.WorkbookBomb(path=path, reason="XML med entiteter") from None
    except (*_ZIP_ERRORS, ParseError, UnicodeError, RecursionError):
        raise errors.NotAWorkbook(path=path, reason="filen är trasig eller ofullständig") from None


def check_package(package: zipfile.ZipFile, path: Path) -> None:
    """Refuse a zip that is not an xlsx workbook, or that would unpack to far more than any workbook does."""
    members = package.infolist()
    if len(members) > MAX_MEMBERS:
        raise errors.WorkbookBomb(path=path, reason=f"{len(members)} delar")
    names = {info.filename.lower() for info in members}
    if len(names) < len(members):  # which of two parts a reader takes is anyone's guess
        raise errors.NotAWorkbook(path=path, reason="två delar har samma namn")
    total = sum(info.file_size for info in members)
    if total > MAX_UNPACKED_BYTES:
        raise errors.WorkbookBomb(path=path, reason=f"{total // 2**20} MB")
    for info in members:
        if info.file_size > _RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise errors.WorkbookBomb(path=path, reason=f"{info.filename} packas upp {info.file_size // 2**20} MB")
    if "word/document.xml" in names:
        raise errors.NotAWorkbookButWord(path=path)
    if "xl/workbook.bin" in names:
        raise errors.NotAWorkbook(path=path, reason="binär arbetsbok, .xlsb")
    if _WORKBOOK_PART not in package.NameToInfo:
        raise errors.NotAWorkbook(path=path, reason="zip-filen innehåller ingen arbetsbok")


def _custom_properties(package: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """The custom document properties (name → text), read with defusedxml: entities are refused, never expanded.
    A part whose XML cannot be parsed is no properties; one whose zip data is damaged is a damaged file."""
    if _CUSTOM_PROPS not in package.NameToInfo:
        return {}
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    with _parsing(path):
        part = package.read(_CUSTOM_PROPS)
    try:
        root = fromstring(part)
    except DefusedXmlException:
        raise errors.WorkbookBomb(path=path, reason="XML med entiteter") from None
    except (ParseError, UnicodeError, RecursionError, ValueError):
        return {}
    properties: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            properties[name] = (prop[0].text or "").strip()
    return properties


def _calamine(data: bytes, path: Path, kind: Literal["xlsx", "xls"], properties: dict[str, str]) -> Workbook:
    with _reader(path, "filen är trasig eller ofullständig"):
        from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = book.sheets_metadata
        names = [m.name for m in metadata if m.typ == SheetTypeEnum.WorkSheet]
        hidden = {m.name for m in metadata if m.visible != SheetVisibleEnum.Visible}
    return Workbook(path, kind, names, hidden, properties, None, None, book)


@contextlib.contextmanager
def _reader(path: Path, reason: str) -> Iterator[None]:
    """Around python-calamine: each failure is the file's, a Rust panic too (it arrives as a ``BaseException``,
    after printing its message on standard error, which is shut meanwhile: the user sees one sentence)."""
    saved = _shut_stderr()
    try:
        yield
    except (KeyboardInterrupt, SystemExit, errors.SamrehabError):
        raise
    except BaseException as exc:  # calamine's own error classes, and pyo3's PanicException
        raise errors.NotAWorkbook(path=path, reason=reason) from exc
    finally:
        _reopen_stderr(saved)


def _shut_stderr() -> int | None:
    with contextlib.suppress(OSError, ValueError):
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        return saved
    return None


def _reopen_stderr(saved: int | None) -> None:
    if saved is not None:
        os.dup2(saved, 2)
        os.close(saved)


# --- writing --------------------------------------------------------------------------------------------------
def set_text(cell: Cell | MergedCell, value: Any) -> None:
    """Put a value in a cell; text stays text even when it starts with ``=`` (never a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def to_bytes(book: OpenpyxlWorkbook) -> bytes:
    """The xlsx bytes of ``book``, made in memory only: every save of the project goes through here."""
    keep_worksheets_in_memory()
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def keep_worksheets_in_memory() -> None:
    """openpyxl writes every worksheet to ``tempfile.NamedTemporaryFile`` while it saves (plaintext on disk, left
    there when the process is killed): its worksheet writer is given an in-memory buffer instead, and the zip it
    saves into is a :class:`_MemoryZip`, which takes that buffer where openpyxl passes a file name. A write-only
    worksheet gets its writer when its first row is added: call this before (:func:`to_bytes` calls it at saving,
    which is early enough for every other workbook)."""
    from openpyxl.worksheet import _writer
    from openpyxl.writer import excel

    if getattr(_writer.create_temporary_file, "in_memory", False):
        return
    cleanup = _writer.WorksheetWriter.cleanup

    def in_memory(suffix: str = "") -> io.BytesIO:
        return io.BytesIO()

    def cleanup_files_only(self: Any) -> None:
        if not isinstance(self.out, io.BytesIO):
            cleanup(self)

    in_memory.in_memory = True  # type: ignore[attr-defined]  # a mark that the patch is in place
    _writer.create_temporary_file = in_memory  # type: ignore[assignment]  # returns a buffer, not a name
    _writer.WorksheetWriter.cleanup = cleanup_files_only  # type: ignore[method-assign]  # nothing to remove
    excel.ZipFile = _MemoryZip  # type: ignore[attr-defined]  # the zip openpyxl's save_workbook opens (untyped name)


class _MemoryZip(zipfile.ZipFile):
    """A zip that also takes a worksheet written to a buffer, where openpyxl calls ``write(file_name, arcname)``."""

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        if isinstance(filename, io.BytesIO):
            self.writestr(arcname, filename.getvalue(), compress_type, compresslevel)
        else:
            super().write(filename, arcname, compress_type, compresslevel)


def check(data: bytes, path: Path) -> Workbook:
    """Read ``data`` and measure every sheet, without reading one: what ``encrypt`` and ``decrypt`` ask of a file
    before they make a copy of it."""
    book = read(data, path)
    for name in book.sheet_names:
        book.size(name)
    return book


def open_for_change(data: bytes, path: Path) -> OpenpyxlWorkbook:
    """Open plaintext xlsx bytes with openpyxl (which parses through defusedxml) to change and save them: after the
    same checks as every read, and only as many cells as openpyxl can hold (:data:`MAX_CHANGE_CELLS`)."""
    if data.startswith(crypto.OLE_MAGIC):
        raise errors.CannotChangeXls(path=path)
    book = read(data, path)
    cells = 0
    for name in book.sheet_names:
        size = book.size(name)
        cells += size.cells if size.cells is not None else size.area
        if cells > MAX_CHANGE_CELLS:
            raise errors.SheetTooLarge(path=path, sheet=name, cell=size.last_cell)
    import openpyxl

    try:
        with _quiet_warnings():
            return openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
    except Exception as exc:
        raise errors.NotAWorkbook(path=path, reason="filen kunde inte öppnas för ändring") from exc


@contextlib.contextmanager
def _quiet_warnings() -> Iterator[None]:
    """openpyxl warns on stderr about parts it does not keep (an extension, a data validation): not the user's."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


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
    replaced atomically, and only when ``edit`` returns something true. Returns that and how the file was opened.

    The read, the change and the write happen under the lock beside ``path`` (:mod:`.lock`), so two runs on one file
    at once lose neither's change; a file open in Excel is refused (Excel would save over the change)."""
    files.check_input(path)
    lock.refuse_if_open_in_excel(path)
    lock_file = lock.lock_path(path)
    litter = not lock_file.exists()
    with lock.held(path):
        try:
            opened = crypto.open_bytes(files.read_bytes(path), passwords, path)
            result, data = changed(opened, path, passwords, edit)
            if data is not None:
                files.atomic_write(path, data)
        finally:
            if litter:  # removed while still held: a waiter then finds it gone and makes its own
                with contextlib.suppress(OSError):
                    lock_file.unlink()
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
