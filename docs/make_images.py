"""make docs: the pictures in docs/bilder/, made from examples/ by samrehab's own commands and printed to PDF by a
headless LibreOffice, as a person would print them; then cut out of the PDF pages with poppler's pdftoppm.

Every workbook is made in a private temporary folder that is deleted at the end. The examples hold fictitious
people only; the marked copy, which samrehab writes encrypted, is decrypted there with the demo password of
examples/demo.sh, passed in the environment (never on a command line). Needs soffice, pdftoppm and pdftotext; the
font Carlito (Debian: fonts-crosextra-carlito, metric-compatible with Calibri) makes the pictures look as in Excel.
Run with the project's venv: ``make docs`` (an argument names another folder for the pictures).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "bilder"
SAMREHAB = Path(sys.executable).with_name("samrehab")
DEMO_PASSWORD = "demo-Lösenord-2020"  # as in examples/demo.sh
MARGIN = 6  # points of white around a picture
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass(frozen=True)
class Word:
    """A word printed on a page, and its box in points from the page's top left corner."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def header(self) -> str:
        """The first line: the page header samrehab gives every sheet."""
        top = min(w.y0 for w in self.words)
        return " ".join(w.text for w in self.words if w.y0 < top + 2)

    @property
    def body(self) -> list[Word]:
        """The words below the page header."""
        top = min(w.y0 for w in self.words)
        return [w for w in self.words if w.y0 >= top + 2]


def pages(pdf: Path) -> list[Page]:
    """The pages of a PDF with their words, as poppler's pdftotext finds them."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [Page(float(m[1]), float(m[2]),
                 [Word(unescape(w[5]), *(float(v) for v in w.groups()[:4])) for w in _WORD.finditer(m[3])])
            for m in _PAGE.finditer(html)]


def samrehab(*args: str | Path, folder: Path) -> None:
    """Run a samrehab command in ``folder``; validate's exit code 1 (the example's deliberate mistakes) is fine."""
    env = {**os.environ, "SAMREHAB_PASSWORD": DEMO_PASSWORD}
    done = subprocess.run([str(SAMREHAB), *map(str, args)], cwd=folder, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        sys.exit(f"samrehab {' '.join(map(str, args))} misslyckades:\n{done.stderr}")


def to_pdf(*workbooks: Path) -> list[Path]:
    """The workbooks printed to PDF, beside them, by LibreOffice with a profile of its own (so that it may run
    beside an office program already open)."""
    folder = workbooks[0].parent
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(folder / 'lo-profil').as_uri()}",
                    "--convert-to", "pdf", "--outdir", str(folder), *map(str, workbooks)],
                   check=True, capture_output=True, timeout=300)
    return [workbook.with_suffix(".pdf") for workbook in workbooks]


def picture(pdf: Path, page: int, out: Path, *, width: int, right_before: str | None = None,
            down_to: str | None = None) -> None:
    """Cut the page's text (and what lies between it: tables, charts) out as ``out``.png, ``width`` pixels wide;
    only the columns left of the header ``right_before`` and the rows down to the one holding ``down_to``."""
    found = pages(pdf)[page - 1].body
    x0, y0 = min(w.x0 for w in found), min(w.y0 for w in found)
    x1, y1 = max(w.x1 for w in found) + MARGIN, max(w.y1 for w in found)
    if right_before is not None:
        x1 = min(w.x0 for w in found if w.text == right_before) - MARGIN / 2
    if down_to is not None:
        y1 = max(w.y1 for w in found if w.text == down_to)
    x0, y0, y1 = x0 - MARGIN, y0 - MARGIN, y1 + MARGIN
    dpi = width * 72 / (x1 - x0)
    px = [round(v * dpi / 72) for v in (x0, y0, x1 - x0, y1 - y0)]
    subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", f"{dpi:.2f}", "-f", str(page), "-l", str(page),
                    "-x", str(px[0]), "-y", str(px[1]), "-W", str(px[2]), "-H", str(px[3]),
                    str(pdf), str(out)], check=True)
    print(f"{out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}.png")


def main(images: Path = IMAGES) -> None:
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if shutil.which(tool) is None:
            sys.exit(f"make docs behöver {tool} (LibreOffice och poppler-utils).")
    if b"Carlito" not in subprocess.run(["fc-list"], capture_output=True).stdout:
        print("Obs: typsnittet Carlito saknas (fonts-crosextra-carlito); bilderna får ett bredare typsnitt än Excel.")
    images.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="samrehab-bilder-") as name:
        folder = Path(name)  # mode 0700: the marked copy is decrypted here, and deleted with the folder
        examples = ROOT / "examples"

        # ISF: a new registration workbook (empty; no personal data, so no encryption is needed for the picture)
        samrehab("template", "-o", "registrering.xlsx", "--forbund", "Exempelförbundet", "--from", "2020-v39",
                 "--to", "2020-v41", "--no-encrypt", folder=folder)
        [template] = to_pdf(folder / "registrering.xlsx")
        picture(template, 1, images / "mall-instruktioner", width=900)
        picture(template, 2, images / "mall-vecka", width=1100, right_before="E-post", down_to="202039-12")

        # The coordinator: the marked copy of the filled-in example (written encrypted, decrypted here)
        samrehab("validate", examples / "registrering-exempel.xlsx", "--today", "2020-12-31", "--mark",
                 "-o", "granskad.xlsx", folder=folder)
        samrehab("decrypt", "granskad.xlsx", "-o", "granskad-klartext.xlsx", folder=folder)
        (folder / "granskad.xlsx").unlink()
        [marked] = to_pdf(folder / "granskad-klartext.xlsx")
        (folder / "granskad-klartext.xlsx").unlink()
        picture(marked, 2, images / "granskad", width=1100, right_before="E-post", down_to="202039-06")

        # The teams' steering groups: the report's summary sheet, the policy's worked example (2020)
        samrehab("outcomes", "2020", "--register", examples / "deltagarregister.xlsx", "-o", "rapport.xlsx",
                 folder=folder)
        picture(to_pdf(folder / "rapport.xlsx")[0], 1, images / "rapport-sammanfattning", width=1500)

        # ISF: the example inbox merged into the master register (two passwords: a password file, newest first),
        # decrypted here as above, and its Deltagare sheet pictured
        passwords = folder / "losenord.txt"
        passwords.write_text("demo-Lösenord-2021\ndemo-Lösenord-2020\n", encoding="utf-8")
        passwords.chmod(0o600)
        samrehab("merge", examples / "inkorg", "--register", "huvudregister.xlsx", "--receipts", "kvitton",
                 "--password-file", passwords, "--today", "2020-11-02", folder=folder)
        samrehab("decrypt", "huvudregister.xlsx", "-o", "huvudregister-klartext.xlsx", "--password-file", passwords,
                 folder=folder)
        (folder / "huvudregister.xlsx").unlink()
        [register] = to_pdf(folder / "huvudregister-klartext.xlsx")
        (folder / "huvudregister-klartext.xlsx").unlink()
        picture(register, 1, images / "huvudregister", width=1400, right_before="Namn")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else IMAGES)
