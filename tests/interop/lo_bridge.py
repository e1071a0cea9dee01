"""Drive a real, headless LibreOffice through UNO (run with the system python3, which has ``uno``).

Reads one JSON request on stdin -- passwords travel there, never in argv -- and prints one JSON answer:
  {"op": "read", "path": ..., "password": ...}
      → {"sheets": {name: [[cell text, ...], ...]}, "validations": {name: {"C2": "LIST", ...}}}
  {"op": "write", "path": ..., "password": ..., "filter": "Calc MS Excel 2007 XML" | "MS Excel 97",
   "sheet": name, "rows": [[...], ...]}
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time

import uno  # isort: skip  # uno must be imported first: it makes the com.sun.star modules importable
from com.sun.star.beans import PropertyValue  # isort: skip


def _prop(name: str, value: object) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _start(profile: str, pipe: str) -> tuple[subprocess.Popen, object]:
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
         f"-env:UserInstallation=file://{profile}", f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
            return office, desktop
        except Exception:
            time.sleep(0.25)
    office.kill()
    raise SystemExit("LibreOffice did not start")


def _read(desktop, request: dict) -> dict:
    props = [_prop("Hidden", True)]
    if request.get("password"):
        props.append(_prop("Password", request["password"]))
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["path"]), "_blank", 0, tuple(props))
    if doc is None:
        return {"error": "could not open"}
    sheets, validations = {}, {}
    try:
        for index in range(doc.Sheets.Count):
            sheet = doc.Sheets.getByIndex(index)
            cursor = sheet.createCursor()
            cursor.gotoEndOfUsedArea(False)
            last_row, last_col = cursor.RangeAddress.EndRow, cursor.RangeAddress.EndColumn
            rows = sheet.getCellRangeByPosition(0, 0, last_col, min(last_row, 60)).DataArray
            sheets[sheet.Name] = [[str(v) for v in row] for row in rows]
            found = {}
            for col in range(last_col + 1):
                cell = sheet.getCellByPosition(col, 1)
                kind = cell.Validation.Type.value
                if kind != "ANY":
                    found[sheet.getCellByPosition(col, 0).String] = kind
            validations[sheet.Name] = found
    finally:
        doc.close(True)
    return {"sheets": sheets, "validations": validations}


def _write(desktop, request: dict) -> dict:
    doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (_prop("Hidden", True),))
    try:
        sheet = doc.Sheets.getByIndex(0)
        sheet.Name = request["sheet"]
        for r, row in enumerate(request["rows"]):
            for c, value in enumerate(row):
                cell = sheet.getCellByPosition(c, r)
                if isinstance(value, (int, float)):
                    cell.Value = value
                else:
                    cell.String = str(value)
        props = [_prop("FilterName", request["filter"]), _prop("Overwrite", True)]
        if request.get("password"):
            props.append(_prop("Password", request["password"]))
        doc.storeToURL(uno.systemPathToFileUrl(request["path"]), tuple(props))
    finally:
        doc.close(True)
    return {"written": request["path"]}


def _fill(desktop, request: dict) -> dict:
    props = [_prop("Hidden", True)]
    if request.get("password"):
        props.append(_prop("Password", request["password"]))
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(request["path"]), "_blank", 0, tuple(props))
    try:
        sheet = doc.Sheets.getByName(request["sheet"])
        for ref, typed in request["cells"].items():
            sheet.getCellRangeByName(ref).setFormula(typed)  # what typing into the cell does
        doc.storeToURL(uno.systemPathToFileUrl(request["out"]),
                       (_prop("FilterName", request["filter"]), _prop("Overwrite", True)))
    finally:
        doc.close(True)
    return {"written": request["out"]}


OPERATIONS = {"read": _read, "write": _write, "fill": _fill}


def main() -> None:
    requests = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as profile:
        office, desktop = _start(profile, f"samrehab{os.getpid()}")
        try:
            answers = [OPERATIONS[r["op"]](desktop, r) for r in requests]
        finally:
            with contextlib.suppress(Exception):
                desktop.terminate()
            office.wait(timeout=30)
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
