"""Foundation figures, each next to its naive alternative timed in the same run (make bench)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import msoffcrypto
import openpyxl
from msoffcrypto.method.ecma376_agile import ECMA376Agile
from python_calamine import CalamineWorkbook
from tests.benchmarks.timing import paired, show
from tests.conftest import PASSWORD

from samrehab_cli.storage import crypto, workbooks


def _ours(path: Path) -> int:
    book, _ = workbooks.load(path, crypto.Passwords([PASSWORD]))
    return sum(len(book.rows(name)) for name in book.sheet_names)


def _naive(path: Path) -> int:
    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    office.load_key(password=PASSWORD, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    book = openpyxl.load_workbook(plain, read_only=False)
    return sum(len(list(sheet.iter_rows(values_only=True))) for sheet in book.worksheets)


def test_decrypt_and_read(year_workbook: Path) -> None:
    assert _ours(year_workbook) == _naive(year_workbook)
    speedup = 1 / show("dekryptera + läs 53 veckor × 40 rader",
                       paired(lambda: _ours(year_workbook), lambda: _naive(year_workbook), repeat=5),
                       "naivt (msoffcrypto verify + openpyxl)")
    print(f"  {speedup:.1f}× snabbare än den naiva vägen (mål ≥ 5×)")
    office = msoffcrypto.OfficeFile(io.BytesIO(year_workbook.read_bytes()))
    info = office.info
    plain = crypto.open_bytes(year_workbook.read_bytes(), crypto.Passwords([PASSWORD]), year_workbook).data

    def calamine_read() -> int:
        book = CalamineWorkbook.from_filelike(io.BytesIO(plain))
        return sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names)

    def floor() -> None:
        ECMA376Agile.makekey_from_password(PASSWORD, info["passwordSalt"], info["passwordHashAlgorithm"],
                                           info["encryptedKeyValue"], info["spinValue"], info["passwordKeyBits"])
        calamine_read()

    show("  samma sak", paired(lambda: _ours(year_workbook), floor), "golvet (en nyckelhärledning + calamine-läsning)",
         "mål ≤ 1,2")


def test_help_is_fast() -> None:
    def run(code: str) -> None:
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)

    help_run = paired(lambda: run("import sys; sys.argv=['samrehab','--help']\nfrom samrehab_cli.cli.app import main\n"
                                  "try:\n    main()\nexcept SystemExit:\n    pass"),
                      lambda: run("import typer"))
    show("samrehab --help", help_run, "python -c 'import typer'", "mål ≤ 2,5")
