"""Inboxes for the merge tests: registration workbooks written by the project's own template, with set times."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from samrehab_cli.isf import register as master
from samrehab_cli.storage import crypto

from conftest import PASSWORD, make_workbook
from rule_cases import NO, YES, pnr

TODAY = dt.date(2020, 12, 31)
NOW = "2020-12-31 12:00"


def person(serial: str, born: dt.date, envelope: int, group: str = "treatment", **changes: object) -> dict[str, object]:
    """A consenting row with its own personnummer and kuvertnummer."""
    row: dict[str, object] = {**YES, "serial": serial, "envelope": envelope, "personnummer": pnr(born),
                              "treatment": "Ja" if group == "treatment" else "Nej",
                              "control": "Ja" if group == "control" else "Nej"}
    row.update(changes)
    return row


def declining(serial: str, **changes: object) -> dict[str, object]:
    return {**NO, "serial": serial, **changes}


def put(path: Path, rows: Mapping[str, Sequence[Mapping[str, object]]] | Sequence[Mapping[str, object]], *,
        forbund: str = "Avesta", password: str | None = PASSWORD, minute: int = 0, per_week: int = 5) -> Path:
    """A registration workbook at ``path`` (encrypted unless ``password`` is None), modified ``minute`` minutes
    after a fixed moment, so that the inbox's order is set by the test."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(make_workbook(rows, forbund=forbund, password=password, per_week=per_week))
    moment = dt.datetime(2020, 12, 1).timestamp() + 60 * minute
    os.utime(path, (moment, moment))
    return path


def without_property(data: bytes) -> bytes:
    """The same plain xlsx without its custom properties (a file made by hand in Excel has none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "docProps/custom.xml":
                body = source.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    body = body.replace(b'<Override PartName="/docProps/custom.xml" ContentType="application/'
                                        b'vnd.openxmlformats-officedocument.custom-properties+xml"/>', b"")
                if info.filename == "_rels/.rels":
                    body = body.replace(b"docProps/custom.xml", b"docProps/none.xml")
                target.writestr(info, body)
    return out.getvalue()


def calamine_killer() -> bytes:
    """A small plain xlsx with one cell at XFD1048576: python-calamine would ask for 512 GiB and abort the process;
    samrehab refuses it with a sentence before calamine sees it."""
    data = make_workbook([], weeks=["2020-v39"], per_week=2)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                body = body.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                                                     b"</is></c></row></sheetData>")
            target.writestr(info, body)
    return out.getvalue()


def _timeless(recorded: str) -> str:
    """A log entry's value without the time at which a file was merged (a file's row records it)."""
    if recorded.startswith("{") and '"Inläst"' in recorded:
        values = json.loads(recorded)
        values.pop("Inläst", None)
        return json.dumps(values, ensure_ascii=False)
    return recorded


def load(path: Path, password: str = PASSWORD) -> master.MasterRegister:
    return master.load(path, crypto.Passwords([password]))[0]


def state(register: master.MasterRegister) -> dict[str, object]:
    """What a register holds, without the times at which it was written."""
    def rows(table: Mapping[tuple[str, str], master.Row]) -> list[tuple[object, ...]]:
        return [(r.forbund, r.serial, r.week, tuple(master.canon(v) for v in r.values.values()), tuple(r.codes),
                 r.source) for r in table.values()]

    return {
        "deltagare": rows(register.participants),
        "avböjda": rows(register.declined),
        "filer": [(e.name, e.sha256, e.forbund, e.weeks, e.new, e.changed, e.unchanged, e.conflicts, e.problems,
                   e.encryption, e.status) for e in register.files.values()],
        "logg": [(e.event, e.sheet, e.forbund, e.serial, e.column, e.old, _timeless(e.new), e.file)
                 for e in register.log],
        "problem": [(p.forbund, p.file, p.serial, p.column, p.kind, p.register_value, p.file_value)
                    for p in register.problems],
        "kvittenser": register.fingerprints,
    }
