"""Hypothesis strategies for damaged workbooks: plain bytes, and mutations of real ones.

The seeds are real workbooks: the office-made fixtures (Excel, LibreOffice), the examples, the project's template
(plain and encrypted, empty and filled) and the crafted files. A mutation works on one of four levels:

- bytes: truncation, bit flips, a run of random bytes, bytes inserted or cut out;
- zip: a member renamed, duplicated, dropped, swapped with another, given a compression method no reader knows or a
  huge declared size in the central directory;
- XML (inside a member, mostly the sheets, the shared strings and the workbook part): a huge string, deep nesting,
  a DTD with entities, wrong cell types, far or broken cell references, odd sheet names, huge counts and sizes;
- OLE (.xls): bytes of the header, sector tables or directory changed; BIFF records with other lengths, rows,
  columns, dimensions, string counts and sheet offsets.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import struct
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PASSWORD = "Vinter-2020!"  # the password of the encrypted seeds made here (tests/conftest.py)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@cache
def seeds() -> dict[str, bytes]:
    """The real workbooks mutations start from (plaintext, except those named ``…-krypterad``)."""
    from tests.register_files import person, write_register

    from samrehab_cli.storage import crypto

    from conftest import make_workbook

    found = {p.name: p.read_bytes() for p in [*(FIXTURES / "crafted").iterdir(), *(ROOT / "examples").iterdir()]
             if p.suffix in (".xlsx", ".xls")}
    office = FIXTURES / "office-made"
    found["excel.xlsx"] = (office / "example_password.decrypted.xlsx").read_bytes()
    found["excel.xls"] = (office / "plain.xls").read_bytes()
    found["libreoffice.xlsx"] = crypto.open_bytes((office / "libreoffice_standard_password.xlsx").read_bytes(),
                                                  crypto.Passwords(["lopass"]), Path("lo.xlsx")).data
    found["excel-rc4.xls"] = crypto.open_bytes((office / "rc4cryptoapi_password.xls").read_bytes(),
                                               crypto.Passwords(["Password1234_"]), Path("rc4.xls")).data
    row = {"consent": "Ja", "meeting_date": "2020-09-21", "envelope": 3, "personnummer": "199102051233",
           "name": "Anna Andersson", "language": "Svenska", "email": "anna@example.se", "mobile": "0701234567",
           "treatment": "Ja", "control": "Nej"}
    found["mall.xlsx"] = make_workbook([], weeks=["2020-v39", "2020-v40"])
    found["ifylld.xlsx"] = make_workbook({"2020-v39": [row, {"consent": "Nej", "meeting_date": "2020-09-22",
                                                             "birth_date": "1980-01-01", "gender": "Kvinna"}],
                                          "2020-v40": [{**row, "personnummer": "199102051234"}]})
    found["ifylld-krypterad.xlsx"] = make_workbook([row], password=PASSWORD)
    with tempfile.TemporaryDirectory() as folder:
        register = write_register(Path(folder) / "register.xlsx", [
            person(f"D{n}", end="2020-06-01" if n % 2 else None, exit_reason="Arbete" if n % 2 else None)
            for n in range(12)], ors=[{"participant_id": "D1", "date": "2020-03-01", "ors": 20}])
        found["register.xlsx"] = register.read_bytes()
    return found


# --- bytes ------------------------------------------------------------------------------------------------------
def byte_damage(rnd: random.Random, data: bytes) -> bytes:
    if not data:
        return rnd.randbytes(rnd.randint(0, 64))
    kind = rnd.choice(["truncate", "flip", "overwrite", "insert", "cut"])
    at = rnd.randint(0, len(data) - 1)
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        out = bytearray(data)
        for position in [rnd.randrange(len(data)) for _ in range(rnd.randint(1, 8))]:
            out[position] ^= 1 << rnd.randint(0, 7)
        return bytes(out)
    if kind == "overwrite":
        run = rnd.randbytes(rnd.randint(1, 64))
        return data[:at] + run + data[at + len(run):]
    if kind == "insert":
        return data[:at] + rnd.randbytes(rnd.randint(1, 64)) + data[at:]
    return data[:at] + data[at + rnd.randint(1, 256):]


# --- XML ----------------------------------------------------------------------------------------------------------
_FAR = ["XFD1048576", "XFE1", "A1048577", "ZZZZ9", "A0", "a99999999999", "IV65536", "AAAAAAAAAA1", "$A$1", "A-1",
        " B2 ", "Z40000", "T999999"]
_NAMES = ["", "x" * 300, "2020-v39", "Instruktioner", "2020-v53", "9999-v52", "0000-v01", "a\x01b", "Listor",
          "&amp;", "ORS", "Deltagare", "'", "[]"]


def xml_damage(rnd: random.Random, text: bytes) -> bytes:
    kind = rnd.choice(["huge string", "deep", "entities", "cell type", "far reference", "sheet name",
                                 "count", "attribute", "drop tag", "value", "byte"])
    if kind == "huge string":
        size = rnd.choice([10_000, 1_000_000, 5_000_000])
        return text.replace(b"<v>", b"<v>" + b"9" * size, 1) if b"<v>" in text else \
            text.replace(b"<t>", b"<t>" + b"x" * size, 1)
    if kind == "deep":
        depth = rnd.choice([100, 10_000, 100_000])
        return text.replace(b"</sheetData>", b"<a>" * depth + b"</a>" * depth + b"</sheetData>", 1) \
            if b"</sheetData>" in text else re.sub(rb"(<[A-Za-z][^>]*[^/]>)", lambda m: m[1] + b"<a>" * depth +
                                                   b"</a>" * depth, text, count=1)
    if kind == "entities":
        dtd = rnd.choice([
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
            b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
            b'<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">'])
        body = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m[1] or b"") + dtd, text, count=1)
        return body.replace(b"<v>", b"<v>&b;&e;", 1)
    if kind == "cell type":
        kind_value = rnd.choice([b"x", b"e", b"d", b"s", b"b", b"n", b"inlineStr", b"str", b""])
        value = rnd.choice([b"1e309", b"-1", b"4294967296", b"NaN", b"9999-12-31T24:00:00", b"", b"\xff"])
        return re.sub(rb'<c r="([A-Z]+\d+)"[^>]*>', lambda m: b'<c r="%s" t="%s"><v>%s</v></c><c r="AA%s">' % (
            m[1], kind_value, value, re.sub(rb"\D", b"", m[1])), text, count=rnd.randint(1, 3))
    if kind == "far reference":
        far = rnd.choice(_FAR).encode()
        return text.replace(b"</sheetData>", b'<row><c r="%s"><v>1</v></c><c><v>2</v></c></row></sheetData>' % far) \
            if b"</sheetData>" in text else re.sub(rb'r="[A-Z]+\d+"', b'r="' + far + b'"', text, count=1)
    if kind == "sheet name":
        name = rnd.choice(_NAMES).encode()
        return re.sub(rb'name="[^"]*"', b'name="' + name + b'"', text, count=rnd.randint(1, 2))
    if kind == "count":
        number = rnd.choice([b"4294967295", b"99999999", b"-1", b"1e9", b"+7", b"0"])
        return re.sub(rb'((?:uniqueCount|count|spans|ht|s|sheetId|xfId|numFmtId)=")[^"]*"', lambda m: m[1] + number
                      + b'"', text, count=rnd.randint(1, 4))
    if kind == "attribute":
        return re.sub(rb'(ref|r)="[^"]*"', lambda m: m[1] + b'="' + rnd.choice(_FAR).encode() + b'"',
                      text, count=1)
    if kind == "drop tag":
        tags = [m.start() for m in re.finditer(rb"<[A-Za-z]", text)]
        if not tags:
            return text
        at = rnd.choice(tags)
        end = text.find(b">", at)
        return text[:at] + text[end + 1:] if end > 0 else text[:at]
    if kind == "value":
        return re.sub(rb"<v>[^<]*</v>", b"<v>" + rnd.choice([b"", b"abc", b"1e400", b"-0", b"99999999999"
                                                                         b"9999999"]) + b"</v>", text, count=1)
    return byte_damage(rnd, text)


# --- zip ----------------------------------------------------------------------------------------------------------
def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


def zipped(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, body in parts:
            with package.open(zipfile.ZipInfo(name), "w") as member:  # duplicates allowed (a warning only)
                member.write(body)
    return out.getvalue()


def _patch_central(data: bytes, index: int, field: str, value: int) -> bytes:
    """Set the compression method or declared sizes of the ``index``-th central directory entry."""
    positions = [m.start() for m in re.finditer(rb"PK\x01\x02", data)]
    if not positions:
        return data
    at = positions[index % len(positions)]
    out = bytearray(data)
    offset, form = {"method": (10, "<H"), "size": (24, "<I"), "packed": (20, "<I")}[field]
    if at + offset + struct.calcsize(form) <= len(out):
        struct.pack_into(form, out, at + offset, value)
    return bytes(out)


def zip_damage(rnd: random.Random, data: bytes) -> bytes:
    try:
        parts = members(data)
    except Exception:
        return byte_damage(rnd, data)
    if not parts:
        return data
    kind = rnd.choice(["xml", "xml", "xml", "rename", "duplicate", "drop", "swap", "method", "size"])
    index = rnd.randint(0, len(parts) - 1)
    name, body = parts[index]
    if kind == "xml":
        sheets = [i for i, (n, _) in enumerate(parts) if re.search(r"sheet|sharedStrings|workbook|custom", n)]
        index = rnd.choice(sheets) if sheets and rnd.random() < 0.5 else index
        name, body = parts[index]
        parts[index] = (name, xml_damage(rnd, body))
    elif kind == "rename":
        parts[index] = (rnd.choice(["xl/worksheets/sheet9.xml", name.upper(), name + "x", "",
                                              "../../etc/x", "xl/workbook.bin", parts[0][0]]), body)
    elif kind == "duplicate":
        parts.insert(rnd.randint(0, len(parts)), (name, xml_damage(rnd, body) if rnd.random() < 0.5 else body))
    elif kind == "drop":
        del parts[index]
    elif kind == "swap":
        other = rnd.randint(0, len(parts) - 1)
        parts[index], parts[other] = (name, parts[other][1]), (parts[other][0], body)
    packed = zipped(parts)
    if kind == "method":
        return _patch_central(packed, index, "method", rnd.choice([1, 6, 9, 12, 14, 93, 95, 98, 99]))
    if kind == "size":
        return _patch_central(packed, index, rnd.choice(["size", "packed"]),
                              rnd.choice([0, 1, 2**31, 2**32 - 1, 10**9]))
    return packed


# --- OLE / BIFF ---------------------------------------------------------------------------------------------------
_BIFF = [0x0200, 0x00FD, 0x0203, 0x027E, 0x00BD, 0x00BE, 0x00FC, 0x0085, 0x0809, 0x000A, 0x0006, 0x003C, 0x00E0]


def ole_damage(rnd: random.Random, data: bytes) -> bytes:
    kind = rnd.choice(["record", "record", "header", "sectors", "bytes"])
    if kind == "header":
        out = bytearray(data)
        for position in [rnd.randint(8, max(8, min(511, len(data) - 1))) for _ in range(rnd.randint(1, 4))]:
            out[position] = rnd.randint(0, 255)
        return bytes(out)
    if kind == "sectors":
        at = rnd.randint(512, max(512, len(data) - 4))
        return data[:at] + rnd.choice([b"\xff\xff\xff\xff", b"\xfe\xff\xff\xff", b"\x00\x00\x00\x00",
                                                 b"\x01\x00\x00\x00"]) + data[at + 4:]
    if kind == "record":
        record = rnd.choice(_BIFF)
        found = [m.start() for m in re.finditer(re.escape(struct.pack("<H", record)), data)]
        if not found:
            return byte_damage(rnd, data)
        at = rnd.choice(found)
        if at + 4 > len(data):
            return data
        out = bytearray(data)
        field = rnd.choice(["length", "body"])
        if field == "length":
            struct.pack_into("<H", out, at + 2, rnd.choice([0, 1, 3, 8224, 65535]))
        else:
            for offset in range(4, 4 + rnd.randint(1, 16)):
                if at + offset < len(out):
                    out[at + offset] = rnd.choice([0x00, 0xFF, 0x7F, 0x80, 0x01])
        return bytes(out)
    return byte_damage(rnd, data)


# --- all of it ----------------------------------------------------------------------------------------------------
class Damaged(bytes):
    """A damaged workbook's bytes, shown short (a failing example prints its inputs)."""

    def __repr__(self) -> str:
        return f"<{len(self)} bytes, sha256 {hashlib.sha256(self).hexdigest()[:16]}>"


@st.composite
def damaged_workbook(draw: st.DrawFn, prefer: tuple[str, ...] = ()) -> tuple[str, bytes]:
    """(the seed's name, the damaged bytes); now and then plain random bytes after a workbook's magic start, and
    mostly a seed of ``prefer`` when it names some. The choices come from a random generator hypothesis seeds
    (uniform, unlike its own integers, which favour the edges: a cut at byte 0 is no workbook at all)."""
    rnd = draw(st.randoms(use_true_random=False))
    if rnd.randrange(20) == 0:
        return "bytes", Damaged(rnd.choice([b"", b"PK\x03\x04", OLE_MAGIC]) + rnd.randbytes(rnd.randint(0, 4096)))
    everything = seeds()
    crafted = sorted(n for n in everything if (FIXTURES / "crafted" / n).exists())
    name = rnd.choice(crafted if rnd.random() < 0.15 else list(prefer) if prefer and rnd.random() < 0.7 else
                      sorted(set(everything) - set(crafted)))
    data = everything[name]
    for _ in range(rnd.choice([1, 1, 1, 2, 3])):
        if data.startswith(b"PK") and rnd.random() < 0.85:
            data = zip_damage(rnd, data)
        elif data.startswith(OLE_MAGIC) and rnd.random() < 0.75:
            data = ole_damage(rnd, data)
        else:
            data = byte_damage(rnd, data)
    return name, Damaged(data)
