"""Every command that writes a file, as one list (:data:`WRITERS`) for the kill, fault and plaintext tests.

A :class:`Writer` makes its inputs in a fresh folder and says what it writes (``target``), whether that opens with
the tests' password, and how a complete new target looks. A new command gets one more entry, whose ``prepare``
writes the old target and the inputs and returns the :class:`Job` (with ``others`` naming what else it writes, such
as merge's receipts folder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.register_files import person, write_register

from samrehab_cli.isf import merge
from samrehab_cli.storage import crypto, workbooks

import merge_files
from conftest import FORBUND, PASSWORD, TODAY, make_workbook

ROW = {"consent": "Ja", "meeting_date": "2020-09-21", "envelope": 3, "personnummer": "199102051233",
       "name": "Anna Andersson", "language": "Svenska", "email": "anna@example.se", "treatment": "Ja",
       "control": "Nej"}


@dataclass(frozen=True)
class Job:
    args: list[object]  # samrehab's arguments (the password comes with --password-file, added by the caller)
    target: Path  # the file the command writes (it exists before, with old content)
    encrypted: bool  # the target opens with PASSWORD; else it is a plain workbook
    complete: Callable[[workbooks.Workbook], bool]  # what a complete new target holds
    others: tuple[Path, ...] = ()  # more that the command writes (merge's receipts folder): files, or folders


@dataclass(frozen=True)
class Writer:
    name: str
    prepare: Callable[[Path], Job]
    plaintext: bool = False  # its output is plaintext by design (decrypt -o): a leftover must say so in its name


def _template(folder: Path) -> Job:
    target = folder / "registrering.xlsx"
    target.write_bytes(make_workbook([], weeks=["2020-v30"], password=PASSWORD))
    return Job(["template", "-o", target, "--forbund", FORBUND, "--from", "2020-v39", "--to", "2021-v20", "--force"],
               target, True, lambda book: {"2020-v39", "2021-v20"} <= set(book.sheet_names))


def _weeks(folder: Path) -> Job:
    target = folder / "registrering.xlsx"
    target.write_bytes(make_workbook([ROW], password=PASSWORD))
    return Job(["weeks", target, "--to", "2021-v20"], target, True,
               lambda book: book.sheet_names[-1] == "2021-v20" and book.rows("2020-v39")[1][7] == "199102051233")


def _encrypt_in_place(folder: Path) -> Job:
    target = folder / "vecka.xlsx"
    target.write_bytes(make_workbook([ROW], weeks=[f"2020-v{n}" for n in range(40, 53)]))
    return Job(["encrypt", target, "--in-place"], target, True, lambda book: "2020-v52" in book.sheet_names)


def _validate_mark(folder: Path) -> Job:
    source = folder / "vecka.xlsx"
    source.write_bytes(make_workbook([ROW, {**ROW, "personnummer": "199102051234"}], password=PASSWORD,
                                     weeks=[f"2020-v{n}" for n in range(40, 53)]))
    target = folder / "granskad.xlsx"
    target.write_bytes(make_workbook([], password=PASSWORD))
    return Job(["validate", source, "--today", TODAY.isoformat(), "--mark", "-o", target, "--force"], target, True,
               lambda book: "2020-v52" in book.sheet_names)


def _outcomes(folder: Path) -> Job:
    register = write_register(folder / "deltagare.xlsx", [person(f"D{n}", end="2020-06-01" if n % 3 else None,
                                                                 exit_reason="Arbete" if n % 3 else None)
                                                          for n in range(200)])
    target = folder / "rapport.xlsx"
    target.write_bytes(make_workbook([]))
    return Job(["outcomes", "2020", "--register", register, "-o", target, "--force", "--today", "2021-06-30"],
               target, False, lambda book: {"Sammanfattning", "Per team"} <= set(book.sheet_names))


def _encrypt_copy(folder: Path) -> Job:
    source = folder / "vecka.xlsx"
    source.write_bytes(make_workbook([ROW], weeks=[f"2020-v{n}" for n in range(40, 53)]))
    target = folder / "krypterad.xlsx"
    target.write_bytes(make_workbook([], password=PASSWORD))
    return Job(["encrypt", source, "-o", target, "--force"], target, True, lambda book: "2020-v52" in book.sheet_names)


def _decrypt(folder: Path) -> Job:
    source = folder / "vecka.xlsx"
    source.write_bytes(make_workbook([ROW], password=PASSWORD, weeks=[f"2020-v{n}" for n in range(40, 53)]))
    target = folder / "klartext.xlsx"
    target.write_bytes(make_workbook([]))
    return Job(["decrypt", source, "-o", target, "--force"], target, False, lambda book: "2020-v52" in book.sheet_names)


def _merge(folder: Path) -> Job:
    """A register that already holds one file; the inbox brings two more (the new register holds their rows)."""
    inbox = folder / "inkorg"
    first = merge_files.person("202039-01", dt.date(1980, 1, 2), 1)
    merge_files.put(inbox / "Avesta" / "v39.xlsx", {"2020-v39": [first]}, minute=1)
    target = folder / "huvudregister.xlsx"
    merge.merge(inbox, target, folder / "kvitton", crypto.Passwords([PASSWORD]), today=TODAY, now=merge_files.NOW)
    for n, forbund in enumerate(("Hedemora", "Säter"), start=2):
        rows = [merge_files.person(f"202040-{i:02d}", dt.date(1950 + i, n, 3), 10 * n + i) for i in range(1, 31)]
        merge_files.put(inbox / forbund / "v40.xlsx", {"2020-v40": rows}, forbund=forbund, minute=n)
    return Job(["merge", inbox, "--register", target, "--receipts", folder / "kvitton", "--today", TODAY.isoformat()],
               target, True, lambda book: len(book.rows("Deltagare")) == 1 + 1 + 2 * 30, (folder / "kvitton",))


def _purge(folder: Path) -> Job:
    """A coordinator's file, merged at ISF with a receipt back: purge clears its confirmed rows."""
    rows = [merge_files.person(f"202039-{i:02d}", dt.date(1960 + i, 1, 2), i) for i in range(1, 31)]
    sent = merge_files.put(folder / "inkorg" / "Avesta" / "v39.xlsx", {"2020-v39": rows}, per_week=30)
    result = merge.merge(folder / "inkorg", folder / "isf" / "huvudregister.xlsx", folder / "isf" / "kvitton",
                         crypto.Passwords([PASSWORD]), today=TODAY, now=merge_files.NOW)
    target = sent.rename(folder / "v39.xlsx")  # the coordinator's copy, in the folder the fault tests act on
    return Job(["purge", target, "--receipt", result.receipts[0]], target, True,
               lambda book: not any(value for row in book.rows("2020-v39")[1:] for value in row[1:]))


WRITERS = [
    Writer("template", _template),
    Writer("weeks", _weeks),
    Writer("encrypt --in-place", _encrypt_in_place),
    Writer("encrypt -o", _encrypt_copy),
    Writer("validate --mark", _validate_mark),
    Writer("outcomes -o", _outcomes),
    Writer("decrypt -o", _decrypt, plaintext=True),
    Writer("merge", _merge),
    Writer("purge", _purge),
]


def opened(job: Job, data: bytes) -> workbooks.Workbook | None:
    """The target read as it must be (decrypted with the password when encrypted), or None when it does not open."""
    try:
        plain = crypto.open_bytes(data, crypto.Passwords([PASSWORD]), job.target)
        if job.encrypted and plain.encryption is None:
            return None
        return workbooks.read(plain.data, job.target)
    except Exception:
        return None


def intact(job: Job, old: bytes) -> bool:
    """The target holds its old content, or a complete new one that opens as it must."""
    data = job.target.read_bytes()
    if data == old:
        return True
    book = opened(job, data)
    return book is not None and job.complete(book)


def looks_plain(data: bytes) -> bool:
    """Readable without a password: a zip package (xlsx) or something that is not an encrypted container."""
    return data.startswith(b"PK") or (bool(data) and not data.startswith(crypto.OLE_MAGIC))


def password_file(folder: Path) -> Path:
    path = folder / "losenord.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path

