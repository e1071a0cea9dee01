"""The envelope labels printed as a person prints them: LibreOffice exports the allocation list to PDF, and the
PDF's pages and the places of its words show what is on paper. Skipped where LibreOffice or poppler's pdftotext is
missing; `.ci/run` installs both, so CI always runs these."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import sys
from pathlib import Path

import pytest

from samrehab_cli.isf import envelopes
from samrehab_cli.isf.envelopes import AllocationList

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "docs"))
from make_images import Page, pages, to_pdf  # noqa: E402  # docs/ is no package; make docs reads PDFs so too

REQUIRED = bool(os.environ.get("SAMREHAB_REQUIRE_INTEROP"))
pytestmark = [pytest.mark.interop,
              pytest.mark.skipif(not REQUIRED and not (shutil.which("soffice") and shutil.which("pdftotext")),
                                 reason="LibreOffice or pdftotext (poppler-utils) not installed")]
A4 = (595.3, 841.9)  # points


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    """A list of 60 envelopes continued with 10 more, printed to PDF by LibreOffice."""
    folder = tmp_path_factory.mktemp("etiketter")
    rng = random.Random(4)
    allocation = envelopes.extend(AllocationList("Avesta & Norberg"), 60, rng, dt.date(2021, 1, 4))
    allocation = envelopes.extend(allocation, 10, rng, dt.date(2021, 2, 1))
    (folder / "kuvert.xlsx").write_bytes(envelopes.to_bytes(allocation))
    [pdf] = to_pdf(folder / "kuvert.xlsx")
    return pages(pdf)


def labels(printed: list[Page]) -> list[Page]:
    return [page for page in printed if page.header.startswith("Avesta & Norberg: kuvert")]


def test_the_labels_are_numbers_only_three_across_on_a4(printed: list[Page]) -> None:
    found = labels(printed)
    assert [page.header.split(" Sida")[0] for page in found] == ["Avesta & Norberg: kuvert 1–60"] * 3 + [
        "Avesta & Norberg: kuvert 61–70"]  # 24 a page: 24, 24, 12, then the second batch on a page of its own
    numbers = [[int(w.text) for w in sorted(page.body, key=lambda w: (round(w.y0), w.x0))] for page in found]
    assert numbers == [list(range(1, 25)), list(range(25, 49)), list(range(49, 61)), list(range(61, 71))]
    for page in found:
        assert (round(page.width, 1), round(page.height, 1)) == A4  # portrait
        rows: dict[int, list[float]] = {}
        for word in page.body:
            assert 0 < word.x0 < word.x1 < page.width and 0 < word.y0 < word.y1 < page.height  # on the page
            rows.setdefault(round(word.y0), []).append(word.x0)
        assert all(len(xs) <= 3 for xs in rows.values()) and max(len(xs) for xs in rows.values()) == 3


def test_the_labels_are_large_and_evenly_spaced(printed: list[Page]) -> None:
    """A label's number is large (44-point figures), and the labels stand about 6 cm apart across and more than
    3 cm apart down: room for scissors between them."""
    first = labels(printed)[0].body
    heights = {round(w.y1 - w.y0) for w in first}
    assert min(heights) >= 30  # points: 44-point figures
    top = min(w.y0 for w in first)
    columns = sorted((w.x0 + w.x1) / 2 for w in first if w.y0 < top + 2)  # the first row: 1, 2 and 3
    assert len(columns) == 3 and all(150 < b - a < 200 for a, b in zip(columns, columns[1:], strict=False))
    tops = sorted({round(w.y0) for w in first})
    assert len(tops) == 8 and all(b - a > 85 for a, b in zip(tops, tops[1:], strict=False))


def test_the_list_sheet_prints_the_groups_and_the_labels_do_not(printed: list[Page]) -> None:
    listing = [page for page in printed if page.header.startswith("Kuvertlista för Avesta & Norberg")]
    assert listing and "Behandlingsgrupp" in {w.text for page in listing for w in page.words}
    assert not {"Behandlingsgrupp", "Kontrollgrupp"} & {w.text for page in labels(printed) for w in page.words}
