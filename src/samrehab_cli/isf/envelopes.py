"""``samrehab envelopes``: the allocation list behind the sealed envelopes (docs/uppfoljning.md), and reading it back.

Envelope numbers 1, 2, 3 … (or going on from a förbund's earlier list) each get a group, in randomly permuted blocks
of 5 or 10 envelopes, each block exactly 60 % Behandlingsgrupp (3 of 5, 6 of 10). The size of each block is drawn
at random too, so that the envelopes left in a block cannot be foretold from those already opened. The randomness is
the operating system's (:class:`secrets.SystemRandom`); only a test passes a seeded generator of its own.

The list is one encrypted workbook per förbund that grows: ``Kuvert`` holds every envelope (number, group, block,
batch, the day it was made), and each batch has a sheet of labels to print on A4 (the number only, with cut lines).
Going on from a list rewrites the same file with the new batch added, under a lock, so a number is never given twice.
docs/uppfoljning.md describes it.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.isf import outfiles
from samrehab_cli.schema import PROP_FORBUND, YES
from samrehab_cli.storage import crypto, lock

TREATMENT, CONTROL = "Behandlingsgrupp", "Kontrollgrupp"
BLOCK_SIZES = (5, 10)
TREATMENT_SHARE = (3, 5)  # 60 %: 3 of every 5
MAX_COUNT = 10_000
SHEET = "Kuvert"
HEADERS = ("Kuvertnummer", "Grupp", "Block", "Omgång", "Skapad")
KIND = "kuvertlista"
# the label sheet: 3 labels across and 8 down fill an A4 page (portrait) inside its margins
LABELS_ACROSS, LABELS_DOWN = 3, 8
LABEL_WIDTH, LABEL_HEIGHT = 28.5, 92  # Excel's units: characters of the default font, points


class ListExists(errors.SamrehabError):
    """Kuvertlistan {path} finns redan. Fortsätt den med samrehab envelopes --continue {path} --count N, så att inget
    kuvertnummer används två gånger. (En ny lista skrivs aldrig över en gammal.)"""


class WrongForbund(errors.SamrehabError):
    """Kuvertlistan {path} gäller {found}, inte {given}. Ange rätt lista, eller utelämna --forbund."""


class BadCount(errors.SamrehabError):
    """Antalet kuvert ska vara mellan 1 och {limit}. Ange det med --count, till exempel --count 200."""


class DisagreeingLists(errors.SamrehabError):
    """Kuvertlistorna {first} och {second} ger kuvert {number} i {forbund} olika grupper. Fortsätt alltid från den
    senaste listan och ange bara den med --allocation."""


@dataclass(frozen=True)
class Envelope:
    number: int
    group: str  # TREATMENT or CONTROL
    block: int
    batch: int
    made: dt.date


@dataclass
class AllocationList:
    """A förbund's envelopes, numbered 1, 2, 3 … in order."""

    forbund: str
    envelopes: list[Envelope] = field(default_factory=list)

    @property
    def last(self) -> int:
        return self.envelopes[-1].number if self.envelopes else 0

    @property
    def groups(self) -> dict[int, str]:
        return {e.number: e.group for e in self.envelopes}


class EnvelopeResult(BaseModel):
    """What ``samrehab envelopes`` made (never the groups: they stay in the encrypted list)."""

    file: str
    forbund: str
    batch: int  # 1 for a new list, then 2, 3 … as it is continued
    first: int  # the first new envelope number
    last: int
    count: int  # envelopes added (``asked`` rounded up to whole blocks of 5)
    asked: int
    blocks: int
    labels_sheet: str
    total: int  # envelopes in the whole list now


# --- drawing -------------------------------------------------------------------------------------------------------
def whole_blocks(count: int) -> int:
    """``count`` rounded up to whole blocks: a multiple of the smallest block."""
    return math.ceil(count / BLOCK_SIZES[0]) * BLOCK_SIZES[0]


def block_groups(size: int, rng: random.Random) -> list[str]:
    """A block of ``size`` envelopes, exactly 60 % Behandlingsgrupp, in a random order (every order equally likely)."""
    treated = size * TREATMENT_SHARE[0] // TREATMENT_SHARE[1]
    groups = [TREATMENT] * treated + [CONTROL] * (size - treated)
    rng.shuffle(groups)
    return groups


def draw(count: int, rng: random.Random, *, made: dt.date, start: int = 1, first_block: int = 1,
         batch: int = 1) -> list[Envelope]:
    """Envelopes ``start`` … for ``count`` (rounded up to whole blocks), in blocks of a random size (5 or 10, each as
    likely; 5 when only 5 are left), numbered on from ``first_block``."""
    total = whole_blocks(count)
    envelopes: list[Envelope] = []
    block = first_block
    while len(envelopes) < total:
        left = total - len(envelopes)
        size = rng.choice([s for s in BLOCK_SIZES if s <= left])
        for group in block_groups(size, rng):
            envelopes.append(Envelope(start + len(envelopes), group, block, batch, made))
        block += 1
    return envelopes


def extend(allocation: AllocationList, count: int, rng: random.Random, made: dt.date) -> AllocationList:
    """The list with a new batch of ``count`` envelopes after its last one."""
    batch = max((e.batch for e in allocation.envelopes), default=0) + 1
    block = max((e.block for e in allocation.envelopes), default=0) + 1
    added = draw(count, rng, start=allocation.last + 1, first_block=block, batch=batch, made=made)
    return AllocationList(allocation.forbund, [*allocation.envelopes, *added])


# --- the workbook ----------------------------------------------------------------------------------------------------
def labels_name(envelopes: Sequence[Envelope]) -> str:
    return f"Etiketter {envelopes[0].number}–{envelopes[-1].number}"


def to_bytes(allocation: AllocationList) -> bytes:
    """The list as an xlsx package: ``Kuvert`` (every envelope), then a label sheet per batch, the newest active."""
    book = outfiles.Book({PROP_FORBUND: allocation.forbund})
    book.table(outfiles.Table(
        SHEET, HEADERS, [(e.number, e.group, e.block, e.batch, e.made) for e in allocation.envelopes],
        title=f"Kuvertlista för {allocation.forbund} (hemlig: bara för den som förbereder kuverten)",
        widths=(14, 18, 8, 9, 12)))
    batches: dict[int, list[Envelope]] = {}
    for envelope in allocation.envelopes:
        batches.setdefault(envelope.batch, []).append(envelope)
    last = None
    for envelopes in batches.values():
        last = _labels(book, allocation.forbund, envelopes)
    if last is not None:
        last.activate()
    return book.bytes()


def _labels(book: outfiles.Book, forbund: str, envelopes: Sequence[Envelope]) -> Any:
    """A sheet of labels to print and cut: each label a cell with a dashed border and the number alone, large."""
    sheet = book.book.add_worksheet(labels_name(envelopes))
    label = book.book.add_format({"font_size": 44, "bold": True, "align": "center", "valign": "vcenter",
                                  "border": 3, "border_color": "#808080", "num_format": "0"})
    sheet.set_column(0, LABELS_ACROSS - 1, LABEL_WIDTH)
    rows = math.ceil(len(envelopes) / LABELS_ACROSS)
    for index, envelope in enumerate(envelopes):
        sheet.write_number(index // LABELS_ACROSS, index % LABELS_ACROSS, envelope.number, label)
    for row in range(rows):
        sheet.set_row(row, LABEL_HEIGHT)
    for index in range(len(envelopes), rows * LABELS_ACROSS):  # the last row's empty places: cut lines all round
        sheet.write_blank(index // LABELS_ACROSS, index % LABELS_ACROSS, None, label)
    sheet.set_paper(9)  # A4
    sheet.set_portrait()
    sheet.set_margins(left=0.3, right=0.3, top=0.55, bottom=0.4)
    sheet.center_horizontally()
    sheet.print_area(0, 0, rows - 1, LABELS_ACROSS - 1)
    sheet.set_h_pagebreaks(list(range(LABELS_DOWN, rows, LABELS_DOWN)))
    sheet.fit_to_pages(1, 0)
    sheet.set_header(f"&L{outfiles.page_text(forbund)}: kuvert {envelopes[0].number}–{envelopes[-1].number}"
                     "&RSida &P av &N", {"margin": 0.2})
    sheet.hide_gridlines(2)
    return sheet


def write(path: Path, allocation: AllocationList, passwords: crypto.Passwords) -> None:
    outfiles.save(path, to_bytes(allocation), passwords)


def read(path: Path, passwords: crypto.Passwords) -> AllocationList:
    """The list at ``path``, checked: numbers 1, 2, 3 … in order, a group each, blocks of 5 or 10 at 60 %."""
    rows, properties = outfiles.read(path, passwords, SHEET, HEADERS, KIND)
    forbund = properties.get(PROP_FORBUND, "").strip()
    if not forbund:
        raise outfiles.NotOurList(path=path, kind=KIND, reason=f"egenskapen {PROP_FORBUND} saknas")
    envelopes = []
    for position, (number, group, block, batch, made) in enumerate(rows, start=1):
        values = (_whole(number), _whole(block), _whole(batch))
        day = made.date() if isinstance(made, dt.datetime) else made
        if values[0] != position or group not in (TREATMENT, CONTROL) or None in values \
                or not isinstance(day, dt.date):
            raise outfiles.NotOurList(path=path, kind=KIND, reason=f"rad {position + 1} i bladet {SHEET} har ändrats")
        envelopes.append(Envelope(position, str(group), values[1] or 0, values[2] or 0, day))
    allocation = AllocationList(forbund, envelopes)
    for block, members in _blocks(envelopes).items():
        treated = sum(e.group == TREATMENT for e in members)
        if len(members) not in BLOCK_SIZES or treated * TREATMENT_SHARE[1] != len(members) * TREATMENT_SHARE[0]:
            raise outfiles.NotOurList(path=path, kind=KIND, reason=f"block {block} är inte 60 % Behandlingsgrupp")
    return allocation


def _whole(value: object) -> int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _blocks(envelopes: Iterable[Envelope]) -> dict[int, list[Envelope]]:
    blocks: dict[int, list[Envelope]] = {}
    for envelope in envelopes:
        blocks.setdefault(envelope.block, []).append(envelope)
    return blocks


# --- the command ---------------------------------------------------------------------------------------------------
def make(path: Path, passwords: crypto.Passwords, *, count: int, today: dt.date, forbund: str | None = None,
         continued: bool = False, rng: random.Random | None = None) -> EnvelopeResult:
    """A new list for ``forbund`` at ``path`` (refused when the file exists), or, ``continued``, the list at ``path``
    with ``count`` more envelopes; encrypted with the newest password, atomically, under a lock. ``rng`` is for tests
    only: the product draws from the operating system's secure source."""
    if not 1 <= count <= MAX_COUNT:
        raise BadCount(limit=MAX_COUNT)
    generator = rng if rng is not None else secrets.SystemRandom()
    if continued and not path.exists():  # said before the lock is taken: nothing is created for a wrong name
        raise errors.FileMissing(path=path)
    if not continued and not (forbund or "").strip():
        raise errors.BadOption(message="Ange samordningsförbundets namn med --forbund.")
    with lock.held(path):
        if continued:
            lock.refuse_if_open_in_excel(path)
            allocation = read(path, passwords)
            if forbund and forbund.strip().casefold() != allocation.forbund.casefold():
                raise WrongForbund(path=path, found=allocation.forbund, given=forbund.strip())
        else:
            if path.exists():
                raise ListExists(path=path)
            allocation = AllocationList((forbund or "").strip())
        grown = extend(allocation, count, generator, today)
        write(path, grown, passwords)
    added = grown.envelopes[len(allocation.envelopes):]
    return EnvelopeResult(file=str(path), forbund=grown.forbund, batch=added[0].batch, first=added[0].number,
                          last=added[-1].number, count=len(added), asked=count, blocks=len(_blocks(added)),
                          labels_sheet=labels_name(added), total=len(grown.envelopes))


# --- merge's check ---------------------------------------------------------------------------------------------------
def combine(paths: Sequence[Path], passwords: crypto.Passwords) -> dict[str, dict[int, str]]:
    """The groups of every envelope by förbund (casefolded) from the lists at ``paths``. Two lists of one förbund may
    overlap (a list and its continuation) but must agree."""
    combined: dict[str, dict[int, str]] = {}
    source: dict[str, Path] = {}
    for path in paths:
        allocation = read(path, passwords)
        key = allocation.forbund.casefold()
        known = combined.setdefault(key, {})
        for number, group in allocation.groups.items():
            if known.setdefault(number, group) != group:
                raise DisagreeingLists(first=source[key], second=path, number=number, forbund=allocation.forbund)
        source[key] = path
    return combined


def group_of(values: Mapping[str, Any]) -> str | None:
    """The group a consenting row says (None unless exactly one of the two is Ja)."""
    treatment, control = values.get("treatment") == YES, values.get("control") == YES
    if treatment == control:
        return None
    return TREATMENT if treatment else CONTROL
