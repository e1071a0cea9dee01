"""The compiled sheet scan (storage/_sheetscan.c) finds exactly what storage/bounds.py's regular expressions find.

Compared on sheet parts made of plain tags, tags that stand out in every way the patterns tell apart, namespace
prefixes, quotes holding ``<`` and ``>``, cut-off ends and random bytes; then every size measured both ways, the
large-part way too. Where the extension was not built (no C compiler) there is nothing to compare: bounds.py's own
tests cover the pure path, which is then what runs.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.storage import bounds, native

from conftest import FIXTURES, OFFICE

BUILT = importlib.util.find_spec("samrehab_cli.storage._sheetscan") is not None
pytestmark = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no C compiler)")
_sheetscan = importlib.import_module("samrehab_cli.storage._sheetscan") if BUILT else None

TOKENS = [
    b'<row r="1">', b'<row r="12" spans="1:3">', b'<row r="123456" ht="30" customHeight="1" />', b"</row>",
    b'<c r="A1"/>', b'<c r="Z99" s="3" t="s">', b'<c r="B123456" t="n" />', b"</c>", b"<v>1</v>",
    b'<c r="AA1"/>', b'<c r="a1"/>', b'<c r="A1234567"/>', b'<c r="A1" cm="1"/>', b"<c/>", b"<c>", b'<c\tr="A1"/>',
    b'<c r="A1" s="1 "/>', b'<c r=\'A1\'/>', b'<c  r="A1"/>', b'<c r="A1"  />', b'<c r="A1" s="x"', b'<c r="A',
    b'<row r="1" r="2">', b'<row r="1" x="a<c r=\\"ZZ9\\">">', b'<row r="2" x:y="1">', b'<row r="3" a="b" >',
    b'<row r="4"/ >', b"<row>", b'<row r="">', b'<row r="9999999">', b'<row r="77" =""/>', b'<row r="5" r ="6">',
    b'<row r="6" x="a>b">', b"<row r=\"7\" x='a'>", b'<row r="8" x="">', b'<c r="A1" s="a>b"/>', b'<c r="B2" s=""/>',
    b'<x:c r="A1"/>', b'<x:row r="1">', b":c ", b":row>", b":c", b":cx", b"<col ", b"<cols>", b"<rowBreaks>",
    b'<c r="C12"', b'"', b" ", b"<", b">", b"/", b"\n", b"\x0b", b"1", b"r=", b's="', b"<is><t>&lt;c</t></is>",
]


def _reference(data: bytes) -> tuple[bool, int, list[int], tuple[int, int, int] | None]:
    """What bounds.py's regular expressions find: (prefixed, digits, stand-outs, (rows, letter, cells) when every
    tag is plain)."""
    prefixed = bool(bounds._PREFIXED.search(data))
    digits = next((n for n, plain in bounds._PLAIN_ROW.items() if plain.search(data)), 1)
    stand_outs = sorted(m.start() for p in (bounds._CELL_STANDS_OUT, bounds._ROW_STANDS_OUT) for m in p.finditer(data))
    plain = None
    if not stand_outs:
        plain = (max(map(int, bounds._PLAIN_NUMBER.findall(data)), default=0),
                 max(bounds._PLAIN_COLUMN.findall(data), default=b"\0")[0], data.count(b'<c r="'))
    return prefixed, digits, stand_outs, plain


def _agrees(data: bytes) -> None:
    assert _sheetscan is not None
    prefixed, digits, rows, letter, cells, stand_outs = _sheetscan.scan(data)
    expected = _reference(data)
    assert (prefixed, digits, stand_outs) == expected[:3], data
    if expected[3] is not None:
        assert (rows, letter, cells) == expected[3], data


def _measured_both_ways(data: bytes) -> None:
    """The size bounds.py gives with the scan equals the one it gives without (or both find the part unreadable)."""
    assert _sheetscan is not None
    results = []
    for scanner in (_sheetscan, None):
        try:
            results.append(bounds._measure(data, scanner))
        except bounds._Unreadable:
            results.append("unreadable")
    assert results[0] == results[1], data


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.integers(0, 2000))
def test_scan_equals_the_patterns_on_parts_of_tags(tokens: list[bytes], cut: int) -> None:
    data = b"<worksheet><sheetData>" + b"".join(tokens)
    _agrees(data)
    _agrees(data[:cut])  # ends cut anywhere, also inside a tag


@settings(max_examples=2000, deadline=None)
@given(st.binary(max_size=200), st.lists(st.tuples(st.integers(0, 400), st.sampled_from(TOKENS)), max_size=8))
def test_scan_equals_the_patterns_on_random_bytes(noise: bytes, inserted: list[tuple[int, bytes]]) -> None:
    data = noise
    for at, token in inserted:
        data = data[:at] + token + data[at:]
    _agrees(data)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=30), st.sampled_from([16, 64, 4 * 2**20]))
def test_sizes_are_the_same_with_and_without_the_scan(tokens: list[bytes], exact_up_to: int) -> None:
    """Also the large-part way (a part above EXACT_PART_BYTES, made small here to reach it)."""
    original = bounds.EXACT_PART_BYTES
    bounds.EXACT_PART_BYTES = exact_up_to
    try:
        _measured_both_ways(b"<worksheet><sheetData>" + b"".join(tokens))
    finally:
        bounds.EXACT_PART_BYTES = original


def _sheet_parts() -> list[bytes]:
    """Every sheet part of the unencrypted xlsx fixtures and examples (office-made, crafted, samrehab's own)."""
    parts = []
    for path in [*FIXTURES.rglob("*.xlsx"), *(FIXTURES.parent.parent / "examples").rglob("*.xlsx")]:
        try:
            package = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
        except zipfile.BadZipFile:  # encrypted: an OLE file
            continue
        for info in package.infolist():
            if info.filename.startswith("xl/worksheets/"):
                try:
                    parts.append(package.read(info))
                except (NotImplementedError, zipfile.BadZipFile, EOFError, OSError):  # a crafted zip
                    continue
    return parts


def test_every_fixture_sheet_is_measured_the_same_both_ways() -> None:
    parts = _sheet_parts()
    assert len(parts) >= 5
    for data in parts:
        _agrees(data)
        _measured_both_ways(data)


def test_a_large_register_part_is_scanned_as_the_patterns_scan_it() -> None:
    rows = b"".join(b'<row r="%d" spans="1:9"><c r="A%d" t="s"><v>%d</v></c><c r="I%d" s="2"><v>4</v></c></row>'
                    % (n, n, n, n) for n in range(1, 120_001))
    data = b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>"
    assert len(data) > bounds.EXACT_PART_BYTES
    assert _sheetscan is not None and _sheetscan.scan(data) == (False, 6, 120_000, ord("I"), 240_000, [])
    _agrees(data)
    _measured_both_ways(data)
    far = data.replace(b'<c r="A7"', b'<c r="XFD1048576" cm="1"', 1)
    _agrees(far)
    assert bounds._measure(far, _sheetscan) == bounds._coarse(far) == bounds.Size(1_048_576, 16_384)


def test_the_scan_is_used_unless_pure_python_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    called = []
    monkeypatch.delenv(native.PURE_ENV, raising=False)
    monkeypatch.setattr(_sheetscan, "scan", lambda data: called.append(data) or (True, 1, 0, 0, 0, []))
    package = zipfile.ZipFile(io.BytesIO((OFFICE / "example_password.decrypted.xlsx").read_bytes()))
    members = [info for info in package.infolist() if info.filename.startswith("xl/worksheets/")]
    bounds.xlsx_size(package, members, Path("x.xlsx"), "Sheet1")
    assert len(called) == len(members)
    monkeypatch.setenv(native.PURE_ENV, "1")
    bounds.xlsx_size(package, members, Path("x.xlsx"), "Sheet1")
    assert len(called) == len(members)
