"""What every renderer shares: the console, JSON, CSV for Swedish Excel, and numbers in the Swedish format.

Human output uses rich: on a terminal with colours, otherwise the same tables as plain text, at most
:data:`PLAIN_WIDTH` columns wide (``samrehab outcomes 2020 > utfall.txt``); ``json`` prints the library's model
exactly. Numbers shown to people use the Swedish format (``40 %``, ``5,6 år``). CSV is what Swedish Excel opens
with a double-click: ``;`` between fields, a decimal comma, UTF-8 with a BOM, and no text Excel would run as a
formula. Nothing in ``render`` computes a result.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import sys
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
    from pydantic import BaseModel
    from rich.console import Console


PLAIN_WIDTH = 100  # columns of the plain text written when standard out is not a terminal


def is_terminal() -> bool:
    return sys.stdout.isatty()


def console(stderr: bool = False) -> Console:
    """A console for people: the terminal's width, or :data:`PLAIN_WIDTH` plain columns for a file or a pipe."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, highlight=False, width=None if stream.isatty() else PLAIN_WIDTH)


def show(out: Console, renderable: object, *, plain: bool) -> None:
    """Print a rich table; as plain text without the spaces rich pads each line with (a text file's lines)."""
    if not plain:
        out.print(renderable)
        return
    with out.capture() as captured:
        out.print(renderable)
    out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))


def write(text: str) -> None:
    """Text on standard out as it is, ending in one line break."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write_bytes(data: bytes) -> None:
    """Bytes on standard out as they are (a CSV file's, with its BOM), after any text already written."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def print_json(model: BaseModel | DataclassInstance) -> None:
    write(to_json(model))


def to_json(model: BaseModel | DataclassInstance) -> str:
    """Exactly the library's result model, nothing added: a dataclass (the results of samrehab's commands) its
    fields in order, dates as ``ÅÅÅÅ-MM-DD``, text as it is; the same text pydantic writes for the same fields
    (tests/test_findings_json.py). A pydantic model is written by pydantic."""
    if dataclasses.is_dataclass(model):
        import json

        return json.dumps(dataclasses.asdict(model), ensure_ascii=False, indent=2, default=_iso_date)
    return model.model_dump_json(indent=2)


def json_bytes(model: BaseModel | DataclassInstance) -> bytes:
    """The JSON of ``--format json``, as the bytes of a file."""
    return (to_json(model) + "\n").encode("utf-8")


def _iso_date(value: object) -> str:
    import datetime as dt

    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} kan inte skrivas som JSON")


def number(value: float | Decimal | None, decimals: int = 1) -> str:
    """Swedish decimal comma, rounded half away from zero: ``5,6``; an em dash for no value."""
    if value is None:
        return "–"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded}".replace(".", ",").replace("-", "\u2212")


def percent(value: float | Decimal | None, decimals: int = 0) -> str:
    """``40 %`` (Swedish: a space before the sign)."""
    return "–" if value is None else f"{number(value, decimals)} %"


def csv_safe(value: object) -> object:
    """A cell for CSV that Excel will not run as a formula (a leading ``= + - @`` gets a ``'``)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_cell(value: object) -> object:
    """A cell as Swedish Excel reads it: a decimal comma in a number with decimals, text never a formula."""
    if isinstance(value, float | Decimal):
        return f"{value}".replace(".", ",")
    return csv_safe(value)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The bytes of a CSV file for Swedish Excel: UTF-8 with a BOM, ``;`` between fields, decimal commas."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def share(value: float | Decimal | None) -> str:
    """A percentage for people: ``40 %``, ``33,3 %`` (one decimal only when there is one)."""
    if value is None:
        return "–"
    return percent(value, 0 if Decimal(str(value)) % 1 == 0 else 1)



def figure(value: float | Decimal | None, unit: str) -> str:
    """A table cell in the Swedish format: ``40 %``, ``5,6 år``, ``+6,8``; an en dash for no value. ``unit`` is
    ``%``, ``±`` (signed), ``1`` (one decimal), a word (``år``) or ``""`` (a count, as it is)."""
    if value is None:
        return "–"
    if unit == "%":
        return share(value)
    if unit == "±":
        return ("+" if value > 0 else "") + number(value)
    if unit == "1":
        return number(value)
    return f"{number(value)} {unit}" if unit else str(value)

