"""Reading workbooks in memory, and refusing what is not one."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from tests.conftest import make_workbook

from samrehab_cli import errors
from samrehab_cli.storage import crypto, files, workbooks

PLAIN = make_workbook([{"consent": "Nej"}])


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _replace(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = content
    return _zip(members)


def test_reads_properties_sheets_and_typed_cells() -> None:
    book = workbooks.read(PLAIN, Path("p.xlsx"))
    assert book.format == "xlsx"
    assert book.sheet_names == ["Instruktioner", "2020-v39"]
    assert book.properties == {"Samordningsförbund": "Södra Dalarnas Samordningsförbund", "Schemaversion": "1"}
    rows = book.rows("2020-v39")
    assert rows[1][:3] == ["202039-01", None, "Nej"]


@pytest.mark.parametrize(("data", "error", "words"), [
    (b"", errors.NotAWorkbook, "okänt filformat"),
    (os.urandom(5000), errors.NotAWorkbook, "okänt filformat"),
    (PLAIN[: len(PLAIN) // 2], errors.NotAWorkbook, "trasig eller ofullständig"),
    (_zip({"hello.txt": b"hej"}), errors.NotAWorkbook, "ingen arbetsbok"),
    (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), errors.NotAWorkbookButWord,
     "Word-dokument"),
    (crypto.OLE_MAGIC + os.urandom(3000), errors.NotAWorkbook, "ingen Excel-arbetsbok"),
])
def test_refuses_what_is_not_a_workbook(data: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        workbooks.read(crypto.open_bytes(data, crypto.Passwords(), Path("f")).data, Path("f"))


def test_zip_bomb_is_refused_without_unpacking() -> None:
    bomb = _replace(PLAIN, "xl/worksheets/sheet2.xml", b"\0" * 30_000_000)
    start = time.perf_counter()
    with pytest.raises(errors.WorkbookBomb):
        workbooks.read(bomb, Path("bomb.xlsx"))
    assert time.perf_counter() - start < 5  # refused from the directory, not by expanding it


def test_total_unpacked_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbooks, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(errors.WorkbookBomb):
        workbooks.read(PLAIN, Path("p.xlsx"))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"><lolz>&lol3;</lolz>
</Properties>"""


def test_xml_entities_are_refused_never_expanded() -> None:
    with pytest.raises(errors.WorkbookBomb, match="entiteter"):
        workbooks.read(_replace(PLAIN, "docProps/custom.xml", BILLION_LAUGHS), Path("lol.xlsx"))


def test_openpyxl_path_parses_through_defusedxml() -> None:
    bomb = _replace(PLAIN, "xl/worksheets/sheet1.xml", BILLION_LAUGHS.replace(b"Properties", b"worksheet"))
    with pytest.raises(errors.NotAWorkbook):
        workbooks.open_for_change(bomb, Path("lol.xlsx"))


def test_formula_like_text_is_written_as_text() -> None:
    from openpyxl import Workbook, load_workbook

    book = Workbook()
    workbooks.set_text(book.active["A1"], "=HYPERLINK(\"http://x\")")
    workbooks.set_text(book.active["A2"], 7)
    again = load_workbook(io.BytesIO(workbooks.to_bytes(book)))
    assert again.active["A1"].data_type == "s" and again.active["A1"].value.startswith("=")
    assert again.active["A2"].value == 7
    assert workbooks.read(workbooks.to_bytes(book), Path("f.xlsx")).rows("Sheet")[0] == ["=HYPERLINK(\"http://x\")"]


def test_atomic_write_is_0600_and_leaves_nothing_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ut.xlsx"
    files.atomic_write(target, b"first")
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(errors.CannotWrite):
        files.atomic_write(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["ut.xlsx"]


def test_read_bytes_errors(tmp_path: Path) -> None:
    with pytest.raises(errors.FileMissing):
        files.read_bytes(tmp_path / "saknas.xlsx")
    with pytest.raises(errors.IsAFolder):
        files.read_bytes(tmp_path)


def test_saving_writes_no_temporary_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl writes each worksheet to a NamedTemporaryFile unless given a buffer (the strace test sees the
    processes; this sees the library), also for a write-only workbook made after the patch is in place."""
    import tempfile

    from openpyxl import Workbook

    def no_disk(*args: object, **kwargs: object) -> None:
        raise AssertionError("plaintext temporary file")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_disk)
    from openpyxl.worksheet import _writer

    monkeypatch.setattr(_writer, "NamedTemporaryFile", no_disk)
    book = workbooks.open_for_change(PLAIN, Path("p.xlsx"))
    assert workbooks.read(workbooks.to_bytes(book), Path("p.xlsx")).sheet_names == ["Instruktioner", "2020-v39"]
    workbooks.keep_worksheets_in_memory()
    streaming = Workbook(write_only=True)
    streaming.create_sheet("Rader").append(["199102051233", "Anna"])
    assert workbooks.read(workbooks.to_bytes(streaming), Path("s.xlsx")).rows("Rader") == [["199102051233", "Anna"]]


def test_a_change_in_place_is_refused_while_excel_has_the_file_open(tmp_path: Path) -> None:
    from samrehab_cli.storage import lock

    target = tmp_path / "registrering.xlsx"
    target.write_bytes(PLAIN)
    (tmp_path / "~$registrering.xlsx").write_bytes(b"owner")
    with pytest.raises(lock.OpenInExcel, match="Stäng filen i Excel"):
        workbooks.rewrite(target, crypto.Passwords(), lambda book: True)
    assert target.read_bytes() == PLAIN and not lock.lock_path(target).exists()


def test_a_workbook_too_large_to_change_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbooks, "MAX_CHANGE_CELLS", 100)
    with pytest.raises(errors.SheetTooLarge):
        workbooks.open_for_change(make_workbook([{"consent": "Nej"}] * 10), Path("p.xlsx"))


def test_xlsb_is_refused_and_unparsable_properties_are_none() -> None:
    with pytest.raises(errors.NotAWorkbook, match="xlsb"):
        workbooks.read(_replace(PLAIN, "xl/workbook.bin", b"\0"), Path("p.xlsb"))
    assert workbooks.read(_replace(PLAIN, "docProps/custom.xml", b"<Properties"), Path("p.xlsx")).properties == {}


def test_entities_in_the_workbook_part_and_a_property_without_value() -> None:
    workbook = zipfile.ZipFile(io.BytesIO(PLAIN)).read("xl/workbook.xml")
    with pytest.raises(errors.WorkbookBomb, match="entiteter"):
        workbooks.read(_replace(PLAIN, "xl/workbook.xml", b'<!DOCTYPE w [<!ENTITY a "b">]>' + workbook),
                       Path("p.xlsx"))
    props = (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties">'
             b'<property name="Tom"/></Properties>')
    assert workbooks.read(_replace(PLAIN, "docProps/custom.xml", props), Path("p.xlsx")).properties == {}
