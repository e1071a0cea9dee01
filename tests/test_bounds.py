"""storage.bounds: a sheet's extent measured from the raw parts as calamine would place its cells, before it reads.

Each case is a real workbook (the project's template) with one part changed, read by the same code every command
uses; the crafted files of tests/fixtures/crafted are in test_crafted.py.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli import errors
from samrehab_cli.storage import bounds, workbooks

from conftest import OFFICE, make_workbook

PLAIN = make_workbook([], weeks=["2020-v39"])
SHEET = "xl/worksheets/sheet2.xml"  # the tab 2020-v39


def _with(part: str, change: bytes | None = None, data: bytes = PLAIN, **more: bytes | None) -> bytes:
    """The workbook with ``part`` replaced (None: removed) and more parts given by name (``__`` for ``/``)."""
    replace = {part: change, **{k.replace("__", "/"): v for k, v in more.items()}}
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            body = replace.pop(info.filename, source.read(info)) if info.filename in replace else source.read(info)
            if body is not None:
                package.writestr(info.filename, body)
        for name, body in replace.items():
            if body is not None:
                package.writestr(name, body)
    return out.getvalue()


def _sheet(rows: bytes) -> bytes:
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows
            + b"</sheetData></worksheet>")


def _size(rows: bytes) -> bounds.Size:
    return workbooks.read(_with(SHEET, _sheet(rows)), Path("f.xlsx")).size("2020-v39")


@pytest.mark.parametrize(("rows", "extent"), [
    (b'<row r="3"><c r="B3"><v>1</v></c></row>', (3, 2)),
    (b"<row><c><v>1</v></c><c><v>2</v></c></row><row><c/></row>", (2, 2)),  # placed one after another
    (b'<row r="60"><c/><c r="E60"/><c/></row>', (60, 6)),  # a cell without r follows the one before it
    (b'<x:row xmlns:x="urn:x" r="7"><x:c r="ac7"/></x:row>', (7, 29)),  # a prefix, letters in any case
    (b"<row r='9'><c t=\"n\" r='Z9'/></row>", (9, 26)),  # single quotes, r not first
    (b'<row r="2"><c foo="a>b" r="XFD2"/></row>', (2, 16384)),  # a ">" inside a value hides nothing
    (b'<row r="4"><c r="A4" r="C9"/></row>', (9, 3)),  # r twice: the larger counts
    (b'<!-- <c r="ZZ99"/> --><row r="1"><c r="A1"/></row>', (99, 702)),  # a comment counts too (the safe side)
])
def test_cells_are_placed_as_calamine_places_them(rows: bytes, extent: tuple[int, int]) -> None:
    size = _size(rows)
    assert (size.rows, size.columns) == extent


def test_a_sparse_sheet_is_refused_and_named_by_its_last_cell() -> None:
    with pytest.raises(errors.SheetTooLarge, match="Z1048576"):
        _size(b'<row r="1"><c r="A1"/></row><row r="1048576"><c r="Z1048576"/></row>')
    assert _size(b'<row r="40000"><c r="Z40000"/></row>').area == 40000 * 26  # a stray cell: within the slack


@pytest.mark.parametrize("reference", [b"A-1", b"$A$1", b"1A", b"A", b"AAAAAAAA1", b"A1" * 10])
def test_a_reference_no_reader_can_place_is_a_damaged_sheet(reference: bytes) -> None:
    with pytest.raises(errors.NotAWorkbook, match="fliken 2020-v39 är skadad"):
        _size(b'<row r="1"><c r="' + reference + b'"/></row>')
    with pytest.raises(errors.NotAWorkbook, match="skadad"):
        _size(b'<row r="x1"><c/></row>')


def test_a_large_part_is_measured_by_the_tags_that_stand_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "EXACT_PART_BYTES", 100)  # every part here is "large"
    plain = b"".join(b'<row r="%d" spans="1:2"><c r="A%d" s="1" t="n"><v>1</v></c></row>' % (n, n)
                     for n in range(1, 50))
    assert (_size(plain).rows, _size(plain).columns) == (99, 26)  # what plain tags of two-digit rows can reach
    assert _size(plain + b'<row r="60"><c r="AB60" cm="1"/></row>').columns == 28
    assert _size(plain + b'<row r="1048576"><c r="A1048576"/></row>').rows == 1_048_576
    with pytest.raises(errors.SheetTooLarge):
        _size(plain + b'<row r="70"><c r="XFD70000"/></row>')
    placed = _size(plain + b'<row r="80"><c r="A80"/><c/></row>')  # a cell without r: the whole part is walked
    assert (placed.rows, placed.columns, placed.cells) == (80, 2, 51)
    assert _size(b'<x:row xmlns:x="urn:x" r="5"><x:c r="C5"/></x:row>' + plain).columns == 3  # walked too


def test_sheet_parts_are_found_as_calamine_finds_them() -> None:
    package = zipfile.ZipFile(io.BytesIO(PLAIN))
    rels = package.read("xl/_rels/workbook.xml.rels")
    for target in (b"worksheets/sheet2.xml", b"/xl/worksheets/sheet2.xml", b"Worksheets/Sheet2.XML"):
        data = _with("xl/_rels/workbook.xml.rels", rels.replace(b"/xl/worksheets/sheet2.xml", target))
        assert workbooks.read(data, Path("f.xlsx")).size("2020-v39").rows == 41
    gone = _with("xl/_rels/workbook.xml.rels", rels.replace(b"/xl/worksheets/sheet2.xml", b"nowhere.xml"))
    with pytest.raises(errors.NotAWorkbook, match="fliken 2020-v39 saknas"):
        workbooks.read(gone, Path("f.xlsx")).rows("2020-v39")
    with pytest.raises(errors.NotAWorkbook):  # calamine itself finds no sheet without relationships
        workbooks.read(_with("xl/_rels/workbook.xml.rels", None), Path("f.xlsx")).rows("2020-v39")


@pytest.mark.parametrize(("count", "refused"), [(b"2", False), (b"+4294967295", True), (b"99", True),
                                                (b"many", False)])
def test_shared_strings_declare_no_more_than_their_size_holds(count: bytes, refused: bool) -> None:
    strings = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="'
               + count + b'"><si><t>a</t></si><si><t>b</t></si></sst>')
    data = _with("xl/sharedStrings.xml", strings, data=(OFFICE / "example_password.decrypted.xlsx").read_bytes())
    if refused:
        with pytest.raises(errors.WorkbookBomb, match="texter"):
            workbooks.read(data, Path("f.xlsx"))
    else:
        workbooks.read(data, Path("f.xlsx"))


def test_damaged_shared_strings_are_refused_or_skipped() -> None:
    excel = (OFFICE / "example_password.decrypted.xlsx").read_bytes()
    with pytest.raises(errors.NotAWorkbook, match="delade texter"):
        workbooks.read(_with("xl/sharedStrings.xml", b"<sst uniqueCount=", data=excel), Path("f.xlsx"))
    with pytest.raises(errors.WorkbookBomb, match="entiteter"):
        workbooks.read(_with("xl/sharedStrings.xml", b'<!DOCTYPE s [<!ENTITY a "b">]><sst>&a;</sst>', data=excel),
                       Path("f.xlsx"))
    with pytest.raises(errors.NotAWorkbook):
        workbooks.read(_with("xl/sharedStrings.xml", b"", data=excel), Path("f.xlsx")).rows("Sheet1")


def _xls_with(record: int, body: bytes, *, replace: str, after: bytes = b"") -> bytes:
    """plain.xls with one record's body replaced (``after``: more records, so that the stream keeps its length)."""
    data = (OFFICE / "plain.xls").read_bytes()
    old = struct.pack("<HH", record, len(bytes.fromhex(replace))) + bytes.fromhex(replace)
    new = struct.pack("<HH", record, len(body)) + body + after
    assert data.count(old) == 1 and len(new) == len(old)
    return data.replace(old, new)


def test_xls_extent_comes_from_cell_and_dimension_records() -> None:
    plain = bounds.xls_size((OFFICE / "plain.xls").read_bytes(), Path("a.xls"))
    assert (plain.rows, plain.columns) == (1, 2)
    moved = _xls_with(0x00FD, struct.pack("<HHH", 5, 0, 0x0F) + b"\0\0\0\0", replace="000000000f0000000000")
    assert bounds.xls_size(moved, Path("a.xls")).rows == 6
    old_style = _xls_with(0x0200, struct.pack("<HHHHH", 0, 300, 0, 20, 0), replace="0000000001000000000002000000",
                          after=struct.pack("<HH", 0x1234, 0))  # BIFF5's form, and an empty record: same length
    assert bounds.xls_size(old_style, Path("a.xls")).area == 300 * 20  # BIFF5's narrower DIMENSIONS
    inverted = _xls_with(0x0200, struct.pack("<IIHHH", 9, 1, 0, 2, 0), replace="0000000001000000000002000000")
    with pytest.raises(errors.WorkbookTooLarge):  # calamine's subtraction wraps around
        workbooks.read(inverted, Path("a.xls"))


def test_an_xls_that_sends_the_reader_round_and_round_is_damaged() -> None:
    """Sheet offsets, each walked to the end of the stream: more work than the stream's records once more."""
    import olefile

    data = (OFFICE / "plain.xls").read_bytes()
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        size = ole.get_size("Workbook")
    start = data.find(struct.pack("<HH", 0x0809, 16))  # the stream's first record (its sectors lie in a row here)
    offsets = b"".join(struct.pack("<HHI", 0x0085, 4, n) for n in range(0, size, 8))
    damaged = data[:start] + (offsets * 2)[:size] + data[start + size:]
    with pytest.raises(errors.NotAWorkbook, match="skadad"):
        bounds.xls_size(damaged, Path("a.xls"))


def test_column_letters() -> None:
    assert [bounds.column_letters(n) for n in (1, 26, 27, 702, 703, 16384)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]
    assert bounds.Size(0, 0).last_cell == "A1"


def test_what_a_workbook_may_hold_is_capped_across_its_sheets() -> None:
    book = workbooks.read(make_workbook([], weeks=["2020-v39", "2020-v40"]), Path("f.xlsx"), max_cells=41 * 19 + 1)
    book.rows("2020-v39")
    with pytest.raises(errors.SheetTooLarge, match="2020-v40"):
        book.rows("2020-v40")


def test_a_package_of_too_many_parts_or_a_broken_container_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbooks, "MAX_MEMBERS", 5)
    with pytest.raises(errors.WorkbookBomb, match="delar"):
        workbooks.read(PLAIN, Path("f.xlsx"))
    with pytest.raises(errors.NotAWorkbook, match="skadad"):
        bounds.xls_size(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, Path("a.xls"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 999_999), st.lists(st.tuples(st.sampled_from("ABCXYZ"),
                                                                        st.integers(0, 999_999),
                                                                        st.sampled_from(["", ' s="3"', ' t="s"'])),
                                                              max_size=4)), max_size=6),
       st.sampled_from(["", ' spans="1:3"', ' ht="30" customHeight="1"']))
def test_a_part_of_plain_tags_is_measured_as_the_walk_measures_it(
        rows: list[tuple[int, list[tuple[str, int, str]]]], extra: str) -> None:
    part = _sheet(b"".join(b'<row r="%d"%s>' % (number, extra.encode()) + b"".join(
        b'<c r="%s%d"%s />' % (letter.encode(), cell, more.encode()) for letter, cell, more in cells)
        + b"</row>" for number, cells in rows))
    assert bounds._plain(part) == bounds._walk(part)


@pytest.mark.parametrize("tag", [b'<c r="A1" cm="1"/>', b"<c/>", b'<x:c r="A1"/>', b'<row r="1" r="2">',
                                 b'<c r="AA1"/>', b'<c r="A1234567"/>'])
def test_a_tag_that_stands_out_leaves_the_part_to_the_walk(tag: bytes) -> None:
    assert bounds._plain(_sheet(b'<row r="1"><c r="A1"/></row>' + tag)) is None


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b'<row r="%d">', b'<c r="B%d"/>', b'<row r="%d" spans="1:2">', b'<row r="0%d">',
                                 b'<c r="%d"/>', b"<row>", b"</row>"]), max_size=8),
       st.lists(st.integers(0, 10**7), min_size=8, max_size=8))
def test_the_longest_plain_row_number_is_found_from_the_end_when_it_can(tags: list[bytes], numbers: list[int]) -> None:
    """The last ``<row>`` usually has the most digits (then the part is not searched); rows out of order, cells
    beyond the last row and numbers of seven digits (not plain) still give what a search for each length gives."""
    part = b"".join(tag % number if b"%d" in tag else tag for tag, number in zip(tags, numbers, strict=False))
    assert bounds._plain_digits(part) == next((n for n, plain in bounds._PLAIN_ROW.items() if plain.search(part)), 1)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([b'<row r="1" spans="1:9">', b":", b":c", b":c ", b":c/", b":row>", b":rowx", b":r",
                                 b"<x:c>", b"c", b" "]), max_size=150))
def test_a_prefix_is_found_as_the_pattern_finds_it(tokens: list[bytes]) -> None:
    """Colons tested one by one, and past the first 64 (Excel's ``spans="1:9"`` on every row) the pattern."""
    part = b"".join(tokens)
    assert bounds._prefixed(part) is bool(bounds._PREFIXED.search(part))


@pytest.mark.parametrize("rows", [0, 1, 63, 64, 65, 500])
def test_a_prefix_after_many_colons_is_found(rows: int) -> None:
    spans = b'<row r="1" spans="1:9"></row>' * rows
    assert not bounds._prefixed(spans)
    assert bounds._prefixed(spans + b'<x:c r="A1"/>')
    assert bounds._prefixed(b'<x:row r="1">' + spans)


def _declared(data: bytes, member: str, **fields: int) -> bytes:
    """The package with ``member``'s ``crc``, ``packed`` or ``size`` (uncompressed) changed in its local header and
    in the central directory alike: what a damaged or crafted file declares."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    out = bytearray(data)
    central = out.find(b"PK\x01\x02")
    while out[central + 46:central + 46 + len(member)] != member.encode():
        central = out.find(b"PK\x01\x02", central + 4)
    for crc_at in (info.header_offset + 14, central + 16):
        for name, value in fields.items():
            struct.pack_into("<I", out, crc_at + {"crc": 0, "packed": 4, "size": 8}[name], value)
    return bytes(out)


INFLATERS = ["zlib", pytest.param("isal", marks=pytest.mark.skipif(
    importlib.util.find_spec("isal") is None, reason="isal has no wheel for this machine"))]


@pytest.fixture(params=INFLATERS)
def inflater(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each inflater bounds may use: ISA-L's where the isal wheel is installed, zlib's everywhere."""
    module = zlib if request.param == "zlib" else importlib.import_module("isal.isal_zlib")
    monkeypatch.setattr(bounds, "inflating", lambda: module)
    return str(request.param)


def test_isal_is_used_where_it_is_installed() -> None:
    installed = importlib.util.find_spec("isal") is not None
    assert (bounds.inflating() is not zlib) is installed
    assert ("uppackning: ISA-L" in bounds.describe()) is installed


def test_a_sheet_is_measured_from_the_bytes_zipfile_reads(inflater: str) -> None:
    for data in (PLAIN, *(p.read_bytes() for p in OFFICE.glob("*.xlsx") if p.read_bytes()[:2] == b"PK")):
        package = zipfile.ZipFile(io.BytesIO(data))
        for info in package.infolist():
            assert bounds._inflated(package, info) == package.read(info), info.filename


def _bad_deflate(data: bytes, member: str) -> bytes:
    """The package with ``member``'s deflate stream starting with a block of the reserved type 3: no inflater
    can read it."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    name, extra = struct.unpack_from("<HH", data, info.header_offset + 26)
    start = info.header_offset + 30 + name + extra
    return data[:start] + bytes([data[start] | 0b110]) + data[start + 1:]


def test_a_sheet_with_bad_deflate_data_larger_than_declared_cut_short_or_with_a_wrong_crc_is_damaged(
        inflater: str) -> None:
    info = zipfile.ZipFile(io.BytesIO(PLAIN)).getinfo(SHEET)
    for damaged in (_bad_deflate(PLAIN, SHEET),
                    _declared(PLAIN, SHEET, size=info.file_size - 1),  # it would unpack to more than it says
                    _declared(PLAIN, SHEET, packed=info.compress_size // 2)):  # its deflate stream is cut short
        with pytest.raises(errors.NotAWorkbook, match="trasig"):
            workbooks.read(damaged, Path("f.xlsx")).size("2020-v39")
    book = workbooks.read(_declared(PLAIN, SHEET, crc=info.CRC ^ 1), Path("f.xlsx"))
    assert book.size("2020-v39").rows == 41  # measured: the CRC is calamine's to check …
    with pytest.raises(errors.NotAWorkbook, match="skadad"):  # … and it does, as it reads
        book.rows("2020-v39")
