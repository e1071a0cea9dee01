"""What reading a sheet will cost, measured before python-calamine sees it.

python-calamine (calamine 0.37) holds a sheet as one dense block of cells from the first to the last one it finds,
32 bytes a cell; it reserves the shared strings an xlsx declares and the cells an .xls's DIMENSIONS record declares.
A 12 KB file with one cell at ``XFD1048576`` asks for 512 GiB, and the failed allocation aborts the whole process,
with no exception to catch. So each sheet's extent is read from the raw parts first, and a sheet beyond
:data:`MAX_SHEET_CELLS`, or far sparser than a real one, is refused with a sentence:

- an xlsx sheet part up to :data:`EXACT_PART_BYTES` whose tags are all in the plain form Excel, LibreOffice and
  openpyxl write (``<c r="A123456" s=… t=…>``, ``<row r="123456" …>``, also closed by `` />``) is measured
  exactly from its row numbers and column letters; any other such part is walked tag by tag as calamine places
  cells (a ``<c>`` or ``<row>`` without ``r`` follows the one before it), kept on the safe side where calamine's
  way is unclear; a larger part (a register of many thousand rows) is measured by the tags that stand out from the
  plain form: plain tags lie within column Z and the rows of as many digits as their longest row number
  (A1:Z999999 at most, below :data:`MAX_SHEET_CELLS`), and a part with a tag calamine would place by position is
  walked whole. Where the optional C extension ``_sheetscan`` was built, it finds the same tags in one pass
  (about 6 times faster on a large part) and the rest is as above. A part is inflated with ISA-L where the isal
  wheel is installed (twice zlib's speed), else with zlib;
- ``sharedStrings.xml`` may not declare more strings than its size can hold;
- an .xls is measured from its BIFF records: every cell record and DIMENSIONS record, from the start of each
  workbook stream and from every sheet offset it names (calamine seeks to those).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from samrehab_cli import errors
from samrehab_cli.storage import native

#: No sheet is read beyond this many cells, counted from A1 to its last row and column: Excel's full height of
#: 1,048,576 rows with 26 columns (A–Z), about 870 MB in the reader. A register of a million participants has 9.
MAX_SHEET_CELLS = 1_048_576 * 26
#: A sheet may reach this many cells from A1, however few are filled (a stray value at Z40000) …
SPARSE_CELLS = 1_048_576
#: … and beyond that at most this many per filled cell: a real sheet is dense, an attack is nearly empty.
SPARSE_FACTOR = 16
#: Sheet parts up to this size are walked tag by tag; larger ones are measured by the tags that stand out.
EXACT_PART_BYTES = 4 * 2**20
_PLAIN_COLUMNS = 26  # what a plain tag can reach: column Z, and a row of at most six digits

_ATTRIBUTES = rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)"
#: every ``<row>`` and ``<c>`` start tag, with or without a namespace prefix, and its attributes (quotes respected)
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(row|c)(?=[\s/>])" + _ATTRIBUTES + rb">")
#: a plain tag whose row has ``n`` digits, for the rows plain tags can reach
_PLAIN_ROW = {n: re.compile(rb'<(?:c r="[A-Z]|row r=")\d{%d}"' % n) for n in range(6, 1, -1)}
#: a plain row's number: the last row's usually has the most digits
_PLAIN_DIGITS = re.compile(rb'<row r="(\d{1,6})"')
#: a cell or row tag not in the plain form (three patterns: one with a namespace prefix costs a pass of its own).
#: The repeats are possessive (``*+``), a sixth faster on a register: what follows each can never be part of it,
#: so giving back cannot make a match.
_CELL_STANDS_OUT = re.compile(rb'<c(?! r="[A-Z]\d{1,6}+"(?: [st]="[\w.]*+")*+ ?/?>)(?=[\s/>])')
_ROW_STANDS_OUT = re.compile(rb'<row(?! r="\d{1,6}+"(?: (?!r=)[\w:]++="[^"<>]*+")*+ ?/?>)(?=[\s/>])')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_COLONS_TESTED = 64  # one by one (_prefixed), before the pattern takes over
#: in a part of plain tags only: every row and cell number, and every cell's column letter
_PLAIN_NUMBER = re.compile(rb'<(?:c r="[A-Z]|row r=")(\d+)"')
_PLAIN_COLUMN = re.compile(rb'<c r="([A-Z])')
_R = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_CELL_REFERENCE = re.compile(rb"([A-Za-z]{1,7})(\d{1,12})")
_ROW_NUMBER = re.compile(rb"\+?(\d{1,12})")
_COUNT = re.compile(r"\s*\+?(\d+)\s*")


class _Unreadable(ValueError):
    """A reference no reader can place: the sheet is damaged."""


@dataclass(frozen=True)
class Size:
    """How far a sheet reaches, ``rows`` × ``columns`` from A1 as the reader allocates it, and how many cells it
    holds (None where they were not counted)."""

    rows: int
    columns: int
    cells: int | None = None

    @property
    def area(self) -> int:
        return self.rows * self.columns

    @property
    def last_cell(self) -> str:
        return f"{column_letters(self.columns)}{self.rows}" if self.area else "A1"


def column_letters(number: int) -> str:
    """1 → A, 27 → AA (for any number, also beyond Excel's XFD)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def describe() -> str:
    """Which sheet measurement and inflater are in use, in Swedish (``samrehab --version``)."""
    return (f"flikmätning: {'kompilerad' if native.extension('_sheetscan') else 'ren Python'}, "
            f"uppackning: {'ISA-L' if inflating() is not zlib else 'zlib'}")


@cache
def inflating() -> ModuleType:
    """ISA-L's zlib interface (``isal.isal_zlib``: the same calls, twice as fast on a register's sheet) where the
    isal wheel is installed, else zlib. A wheel, not a compiled part of samrehab: pure Python uses it too."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib
    return isal_zlib


def check(size: Size, path: Path, sheet: str | None) -> None:
    """Refuse a sheet (``sheet`` None: some sheet of the file) beyond :data:`MAX_SHEET_CELLS`, or far sparser than
    a real one."""
    too_sparse = size.cells is not None and size.area > SPARSE_CELLS + SPARSE_FACTOR * size.cells
    if size.area > MAX_SHEET_CELLS or too_sparse:
        if sheet is None:
            raise errors.WorkbookTooLarge(path=path, cell=size.last_cell)
        raise errors.SheetTooLarge(path=path, sheet=sheet, cell=size.last_cell)


# --- xlsx ---------------------------------------------------------------------------------------------------------
def sheet_parts(package: zipfile.ZipFile) -> dict[str, list[zipfile.ZipInfo]]:
    """The zip members each sheet (by name) may be read from, found as calamine finds them: ``xl/workbook.xml``
    names the sheets and their relationships, a target ``/x`` is the member ``x`` and any other is under ``xl/``,
    member names compared without case. The caller has refused a package with two members of one name."""
    from defusedxml.ElementTree import fromstring

    workbook = fromstring(package.read("xl/workbook.xml"))
    rels = "xl/_rels/workbook.xml.rels"
    relationships = fromstring(package.read(rels)) if rels in package.NameToInfo else None
    targets = {r.get("Id", ""): r.get("Target", "") for r in (relationships.iter() if relationships is not None else ())
               if r.tag.endswith("Relationship")}
    members = {info.filename.lower(): info for info in package.infolist()}
    parts: dict[str, list[zipfile.ZipInfo]] = {}
    for sheet in workbook.iter():
        if sheet.tag.rpartition("}")[2] != "sheet":
            continue
        found = parts.setdefault(sheet.get("name", ""), [])
        for key, value in sheet.attrib.items():
            target = targets.get(value, "") if key.startswith("{") and key.endswith("}id") else ""
            if target:
                name = target[1:] if target.startswith("/") else "xl/" + target
                found += [members[n.lower()] for n in {name, posixpath.normpath(name)} if n.lower() in members]
    return parts


def xlsx_size(package: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Path, sheet: str) -> Size:
    """The largest extent of the members one sheet may be read from (none found: the sheet cannot be read)."""
    if not members:
        raise errors.NotAWorkbook(path=path, reason=f"fliken {sheet} saknas i filen")
    sizes = []
    scanner = native.extension("_sheetscan")
    for info in members:
        data = _inflated(package, info)
        try:
            sizes.append(_measure(data, scanner))
        except _Unreadable:
            raise errors.NotAWorkbook(path=path, reason=f"fliken {sheet} är skadad") from None
    return max(sizes, key=lambda s: s.area)


def _inflated(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as calamine will inflate them (a register's sheet: 35 MB from 3.6). A deflated member is
    inflated in one call (:func:`inflating`: with ISA-L, 28 ms where zipfile's read takes 80): its CRC is left to
    calamine, which checks it as it reads, and bad deflate data, more bytes than the member declares, or a stream
    cut short, is damage."""
    stream = package.fp
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1 or stream is None:
        return package.read(info)
    stream.seek(info.header_offset)
    header = stream.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(info.filename)
    name, extra = struct.unpack_from("<HH", header, 26)
    stream.seek(info.header_offset + 30 + name + extra)
    inflate = inflating()
    inflater = inflate.decompressobj(-15)
    try:
        data: bytes = inflater.decompress(stream.read(info.compress_size), info.file_size + 1)
    except inflate.error:
        raise zipfile.BadZipFile(info.filename) from None
    if len(data) > info.file_size or not inflater.eof:
        raise zipfile.BadZipFile(info.filename)
    return data


def _measure(data: bytes, scanner: ModuleType | None) -> Size:
    """One part's extent: by the patterns (:func:`_plain`, :func:`_walk`, :func:`_coarse`), or the same from the
    tags the compiled ``scanner`` (``_sheetscan``) found."""
    if scanner is None:
        return _coarse(data) if len(data) > EXACT_PART_BYTES else _plain(data) or _walk(data)
    prefixed, digits, rows, letter, cells, stand_outs = scanner.scan(data)
    if prefixed:
        return _walk(data)
    if len(data) > EXACT_PART_BYTES:
        return _coarse(data, (digits, stand_outs))
    return _walk(data) if stand_outs else Size(rows, letter - 64 if letter else 0, cells)


def _plain(data: bytes) -> Size | None:
    """A part whose tags are all in the plain form, measured exactly as :func:`_walk` would, in a few passes in C
    (a file from Excel, LibreOffice or samrehab: ~6 times faster); None when a tag stands out."""
    if _prefixed(data) or _CELL_STANDS_OUT.search(data) or _ROW_STANDS_OUT.search(data):
        return None
    rows = max(map(int, set(_PLAIN_NUMBER.findall(data))), default=0)
    columns = max(set(_PLAIN_COLUMN.findall(data)), default=b"@")[0] - 64
    return Size(rows, columns, data.count(b'<c r="'))


def _walk(data: bytes) -> Size:
    """Every ``<row>`` and ``<c>`` tag in order, placed as calamine places them."""
    row = last_row = last_column = column = cells = 0  # 1-based; 0 = none yet
    for tag in _TAG.finditer(data):
        found = [_position(tag[1], reference) for reference in _references(tag[2])]
        if tag[1] == b"row":
            row = max((r for r, _ in found), default=last_row + 1)  # a row without r follows the last one
            column = 0
            last_row = max(last_row, row)
            continue
        cells += 1
        if found:
            cell_row, column = max(r for r, _ in found), max(c for _, c in found)
        else:  # a cell without r follows the one before it
            cell_row, column = row, column + 1
        last_row, last_column = max(last_row, cell_row), max(last_column, column)
    return Size(last_row, last_column, cells)


def _coarse(data: bytes, scanned: tuple[int, Iterable[int]] | None = None) -> Size:
    """A large part: the tags that stand out are measured one by one; the plain ones lie within column Z and the
    rows of as many digits as the longest plain row number has (999,999 at most). ``scanned``: those digits and
    where the tags that stand out start, when ``_sheetscan`` found them."""
    if scanned is None:
        if _prefixed(data):  # rare: such a part is walked whole
            return _walk(data)
        digits = _plain_digits(data)
        starts: Iterable[int] = (m.start() for pattern in (_CELL_STANDS_OUT, _ROW_STANDS_OUT)
                                 for m in pattern.finditer(data))
    else:
        digits, starts = scanned
    last_row, last_column = 10**digits - 1, _PLAIN_COLUMNS
    for start in starts:
        tag = _TAG.match(data, start)
        references = _references(tag[2]) if tag else []
        if tag is None or not references:  # placed by position (or not a tag calamine can read): walk it all
            return _walk(data)
        for cell_row, column in (_position(tag[1], reference) for reference in references):
            last_row, last_column = max(last_row, cell_row), max(last_column, column)
    return Size(last_row, last_column)


def _prefixed(data: bytes) -> bool:
    """Whether a tag has a namespace prefix (:data:`_PREFIXED`). The colons are found with ``bytes.find`` (memchr: a
    large part of samrehab's or openpyxl's has one or two, found in 1 ms where the pattern's scan takes 19) and each
    is tested; a part with many (Excel writes ``spans="1:9"`` on every row) is left to the pattern."""
    at = data.find(b":")
    for _ in range(_COLONS_TESTED):
        if at < 0:
            return False
        if _PREFIXED.match(data, at):
            return True
        at = data.find(b":", at + 1)
    return at >= 0 and _PREFIXED.search(data, at) is not None


def _plain_digits(data: bytes) -> int:
    """The most digits a plain row number has (1 when none has two): those of the last ``<row>``, unless a plain
    tag has more (rows out of order). A large register's last row has six: then no pass over the part is made."""
    at = data.rfind(b'<row r="')
    last = _PLAIN_DIGITS.match(data, at) if at >= 0 else None
    digits = len(last[1]) if last else 1
    return next((n for n, plain in _PLAIN_ROW.items() if n > digits and plain.search(data)), digits)


def _references(attributes: bytes) -> list[bytes]:
    """The values of the ``r`` attributes (one, unless the tag is damaged)."""
    return [double or single for double, single in _R.findall(attributes)]


def _position(kind: bytes, reference: bytes) -> tuple[int, int]:
    """(row, column) of a reference: ``XFD1048576`` → (1048576, 16384), letters in any case as calamine reads
    them; a row's ``r`` is its number (column 0)."""
    if kind == b"row":
        number = _ROW_NUMBER.fullmatch(reference.strip())
        if number is None:
            raise _Unreadable(reference)
        return int(number[1]), 0
    cell = _CELL_REFERENCE.fullmatch(reference.strip())
    if cell is None:
        raise _Unreadable(reference)
    column = 0
    for letter in cell[1].upper():
        column = column * 26 + letter - 64
    return int(cell[2]), column


def check_shared_strings(package: zipfile.ZipFile, path: Path) -> None:
    """calamine reserves the ``uniqueCount`` that ``sharedStrings.xml`` declares (4,294,967,295 is 96 GiB): a
    declaration is believed only as far as the part's size could hold that many strings (``<si/>`` is 5 bytes)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    for info in package.infolist():
        if info.filename.lower().rpartition("/")[2] != "sharedstrings.xml":
            continue
        with package.open(info) as stream:
            try:  # (a part without any element is a ParseError: XML has a root)
                _, root = next(iter(iterparse(stream, events=("start",))))
            except DefusedXmlException:
                raise errors.WorkbookBomb(path=path, reason="XML med entiteter") from None
            except ParseError:
                raise errors.NotAWorkbook(path=path, reason="delade texter är skadade") from None
        for key, value in root.attrib.items():
            count = _COUNT.fullmatch(value) if key.rpartition("}")[2] == "uniqueCount" else None
            if count and int(count[1]) > info.file_size // 5 + 1:
                raise errors.WorkbookBomb(path=path, reason=f"{info.filename} anger {count[1][:12]} texter")


# --- xls ----------------------------------------------------------------------------------------------------------
#: BIFF records that place a cell by (row, column) in their first four bytes (BIFF2 to BIFF8)
_CELL_RECORDS = {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205,
                 0x0206, 0x027E, 0x0406, 0x00BD, 0x00BE}
_MULTIPLE = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, …, last column in the last two bytes
_DIMENSIONS = {0x0000, 0x0200}  # BIFF8: first row, last row + 1 (4 bytes each), first column, last column + 1
_BOUNDSHEET = 0x0085  # a sheet: the offset of its records in the stream, in the first four bytes
_EOF = 0x000A


def xls_size(data: bytes, path: Path) -> Size:
    """The largest extent any sheet of an .xls may have, and its cells (all sheets together)."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        streams = [ole.openstream(entry).read() for entry in ole.listdir()
                   if entry[-1].lower() in ("workbook", "book")]
    except Exception as exc:  # olefile raises many kinds on a damaged container
        raise errors.NotAWorkbook(path=path, reason="filen är skadad") from exc
    rows = columns = cells = 0
    for stream in streams:
        offsets = {struct.unpack_from("<I", body)[0] for record, body in _records(stream, 0)
                   if record == _BOUNDSHEET and len(body) >= 4}
        work, limit = 0, 4 * len(stream) + 4096  # the sheets' records once more, and then some: more is damage
        for start in [0, *sorted(offsets)]:
            for record, body in _records(stream, start, until_eof=start != 0):
                work += 4 + len(body)
                if work > limit:
                    raise errors.NotAWorkbook(path=path, reason="filen är skadad")
                if record in _CELL_RECORDS and len(body) >= 4:
                    row, first = struct.unpack_from("<HH", body)
                    last = struct.unpack_from("<H", body, len(body) - 2)[0] if record in _MULTIPLE else first
                    rows, columns = max(rows, row + 1), max(columns, first + 1, last + 1)
                    cells += max(1, last - first + 1)
                elif record in _DIMENSIONS and len(body) >= 8:
                    # calamine reserves (last row - first row) × (last column - first column), wrapping around
                    first_row, last_row, first_column, last_column = struct.unpack_from(
                        "<IIHH" if len(body) >= 14 else "<HHHH", body)
                    rows = max(rows, (last_row - first_row) % 2**32)
                    columns = max(columns, (last_column - first_column) % 2**32)
    return Size(rows, columns, cells)


def _records(stream: bytes, start: int, *, until_eof: bool = False) -> Iterator[tuple[int, bytes]]:
    """The BIFF records from ``start``: (type, body); to the end of the stream, or to the first EOF record."""
    position = start
    while position + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, position)
        yield record, stream[position + 4:position + 4 + length]
        if until_eof and record == _EOF:
            return
        position += 4 + length
