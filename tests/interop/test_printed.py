"""Printed as a person prints them: LibreOffice exports the report workbook and the registration template to PDF,
and the PDF's pages and the places of its words show what a reader gets on paper. Skipped where LibreOffice or
poppler's pdftotext is missing; `.ci/run` installs both, so CI always runs these."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import FORBUND, week

from samrehab_cli.participants import outcomes, read
from samrehab_cli.participants.period import parse_period
from samrehab_cli.registration import template
from samrehab_cli.render.outcomes_workbook import outcomes_xlsx
from samrehab_cli.schema import WEEK
from samrehab_cli.storage import crypto, workbooks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs"))
from make_images import Page, Word, pages, to_pdf  # noqa: E402  # docs/ is no package; make docs reads PDFs so too

EXAMPLE = ROOT / "examples" / "deltagarregister.xlsx"
REQUIRED = bool(os.environ.get("SAMREHAB_REQUIRE_INTEROP"))  # set by .ci/run, which installs both
pytestmark = [pytest.mark.interop,
              pytest.mark.skipif(not REQUIRED and not (shutil.which("soffice") and shutil.which("pdftotext")),
                                 reason="LibreOffice or pdftotext (poppler-utils) not installed")]


def _overlap(a: Word, b: Word) -> bool:
    """Drawn over each other: more than a quarter of a line's height in common (a word's box holds the font's ascent
    and descent, so the boxes of two neighbouring lines touch)."""
    slack = min(a.y1 - a.y0, b.y1 - b.y0) / 4
    return a.x0 + 0.5 < b.x1 and b.x0 + 0.5 < a.x1 and a.y0 + slack < b.y1 and b.y0 + slack < a.y1


def _text(page: Page) -> str:
    """The page's lines below its header, top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(page.body, key=lambda w: (w.y1, w.x0)):
        if lines and abs(lines[-1][0].y1 - word.y1) < 1:
            lines[-1].append(word)
        else:
            lines.append([word])
    return "\n".join(" ".join(w.text for w in sorted(line, key=lambda w: w.x0)) for line in lines)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    """The policy's example report (2020) and a template with one week, printed to PDF by LibreOffice."""
    folder = tmp_path_factory.mktemp("utskrift")
    register = read.load([EXAMPLE], crypto.Passwords(), today=dt.date(2021, 6, 30))
    (folder / "rapport.xlsx").write_bytes(outcomes_xlsx(outcomes.compute(register, parse_period("2020"))))
    (folder / "mall.xlsx").write_bytes(workbooks.to_bytes(template.new_workbook(FORBUND, [week("2020-v39")])))
    report, blank = to_pdf(folder / "rapport.xlsx", folder / "mall.xlsx")
    return {"rapport": pages(report), "mall": pages(blank)}


def test_the_report_prints_one_page_per_sheet_the_summary_first(printed) -> None:
    report = printed["rapport"]
    titles = ["Utfall 2020 för Avesta, Hedemora och Säter", "Utfall 2020 per team", "Utfall 2020 per kön",
              "Avslut till arbete 2020, med och utan arbetsmarknadsstöd", "Vad som ligger bakom Annat 2020",
              "Bakgrundsvariabler 2020", "ORS och SRS 2020"]
    assert len(report) == len(titles)
    for page, title in zip(report, titles, strict=True):
        assert _text(page).startswith(title + "\nPerioden 2020-01-01–2020-12-31."), _text(page)[:80]
        assert page.header.startswith("Utfall 2020 (2020-01-01–2020-12-31)")
    summary = _text(report[0])
    for seen in ("\nTotalt 56 23 3 4 2 2 6 0 6 33 8 40 % 50 % -10,0\n", "\nAvesta 22 11 ", "\nHedemora 17 7 ",
                 "\nSäter 17 5 ", " 71,4 % ", "måluppfyllelse på 40 %, mot 50 % under 2019",
                 "Avslut per orsak och team 2020",
                 "\nAlla rader i deltagarregistret är med."):  # the summary's last words, on its page
        assert seen in summary, seen


def test_nothing_is_drawn_over_anything_else_or_off_the_page(printed) -> None:
    for name, document in printed.items():
        for number, page in enumerate(document, start=1):
            words = page.words
            for word in words:
                assert 0 <= word.x0 < word.x1 <= page.width and 0 <= word.y0 < word.y1 <= page.height, \
                    (name, number, word)
            clashes = [(a, b) for i, a in enumerate(words) for b in words[i + 1:] if _overlap(a, b)]
            assert not clashes, (name, number, clashes[:3])


def test_the_template_prints_its_instructions_and_a_week_on_one_page_each(printed) -> None:
    instructions, week_sheet = printed["mall"]
    text = _text(instructions).replace("\n", " ")
    assert text.startswith(f"Registreringsfil för ISF:s utvärdering av samordningsförbunden Samordningsförbund: "
                           f"{FORBUND}")
    assert "Vid Nej (inget samtycke): fyll bara i födelsedatum och kön." in text
    assert text.endswith("Spara bilagan på datorn och öppna den i Excel för Windows eller Mac.")
    assert week_sheet.header.startswith("Registrering vecka 2020-v39")
    first_row = next(w for w in week_sheet.body if w.text == "202039-01")
    headers = [w.text for w in week_sheet.body if w.y1 <= first_row.y0]  # within the header row
    for header in WEEK.headers:  # every word whole, none cut by the column or the row
        assert all(word in headers for word in header.split()), header
    assert "202039-40" in _text(week_sheet)  # all forty rows on the page


def test_make_docs_draws_the_pictures_the_readme_shows(tmp_path: Path) -> None:
    """docs/make_images.py (make docs) draws every picture of docs/bilder/ anew, and the README shows each one."""
    subprocess.run([sys.executable, str(ROOT / "docs" / "make_images.py"), str(tmp_path)], check=True,
                   capture_output=True, timeout=600)
    drawn = sorted(p.name for p in tmp_path.glob("*.png"))
    assert drawn == sorted(p.name for p in (ROOT / "docs" / "bilder").glob("*.png"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(re.findall(r"docs/bilder/([\w-]+\.png)", readme)) == drawn
    for name in drawn:
        head = (tmp_path / name).read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", head[16:24])
        assert width >= 900 and 100 < height < width * 2, (name, width, height)
