"""Receipts (kvittenser): ISF's word to a förbund that a file has been merged and its rows may be deleted.

A receipt is a small Swedish text file without personal data: förbund, file, SHA-256, weeks, counts, the sentence
that the förbund may now delete what it registered for those weeks, and one line per confirmed row: its Löpnummer
and a fingerprint, an HMAC of the row's values keyed from ISF's password. ``samrehab purge`` at the förbund clears
exactly the rows whose values still give the same fingerprint; without the password a fingerprint says nothing,
so a guessed personnummer cannot be confirmed from a receipt. The format is described in docs/huvudregister.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from samrehab_cli import errors
from samrehab_cli.isf import outfiles
from samrehab_cli.schema import WEEK
from samrehab_cli.sheets import Cell

MARKER = "Radkontroller"
_LINE = re.compile(r"^(\S+) ([0-9a-f]{32})$")


class NotAReceipt(errors.SamrehabError):
    """{path} är ingen kvittens från ISF (raderna {marker} saknas). Använd kvittensfilen som ISF skickade."""


def fingerprint(key: bytes, serial: str, cells: Sequence[Cell]) -> str:
    """A row's fingerprint: its Löpnummer and the text of every registration column as typed (in the schema's
    order), HMAC-SHA256 under ``key``, 32 hex digits."""
    message = json.dumps([serial, [cell.text for cell in cells]], ensure_ascii=False).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def row_cells(table_cells: dict[str, list[Cell]], index: int) -> list[Cell]:
    """The cells of row ``index`` of a week table, in the schema's order, as :func:`fingerprint` reads them."""
    return [table_cells[c.key][index] for c in WEEK.columns]


def file_name(forbund: str, sha256: str) -> str:
    """``Södra-Dalarna-1a2b3c4d5e6f.txt``: named after the förbund and the file's SHA-256, so one file gets one."""
    return f"{outfiles.slug(forbund)}-{sha256[:12]}.txt"


@dataclass(frozen=True)
class Receipt:
    forbund: str
    file: str
    sha256: str
    time: str
    weeks: str
    new: int
    changed: int
    unchanged: int
    conflicts: int
    rows: list[tuple[str, str]]  # (Löpnummer, fingerprint) of every confirmed row

    def text(self) -> str:
        counts = f"{self.new} nya, {self.changed} ändrade, {self.unchanged} oförändrade"
        if self.conflicts:
            counts += f", {self.conflicts} med konflikt"
        lines = [
            "KVITTENS FRÅN ISF – registreringsfilen är mottagen och inläst",
            "",
            f"Samordningsförbund: {self.forbund}",
            f"Fil: {self.file}",
            f"SHA-256: {self.sha256}",
            f"Inläst: {self.time}",
            f"Veckor: {self.weeks or '–'}",
            f"Rader: {counts}",
            "",
            f"{self.forbund} får nu radera de registrerade uppgifterna för veckorna ovan. Radera dem med",
            f"    samrehab purge REGISTRERINGSFIL.xlsx --receipt {file_name(self.forbund, self.sha256)}",
            "så töms de rader som ISF har tagit emot, och löpnumren står kvar så att numreringen fortsätter.",
            "En rad som har ändrats efter att filen skickades, har fel eller har en konflikt töms inte: den",
            "finns inte med nedan. Rätta den och skicka filen igen.",
            "",
            "Öppna registreringsfilen i Excel för skrivbordet (Windows eller Mac). Excel på webben,",
            "Outlooks förhandsvisning och mobilens förhandsvisning kan inte öppna en lösenordskrypterad",
            "arbetsbok.",
            "",
            f"{MARKER} ({len(self.rows)} rader; för samrehab purge, innehåller inga personuppgifter):",
            *(f"{serial} {mark}" for serial, mark in self.rows),
        ]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Parsed:
    """What ``samrehab purge`` reads from a receipt."""

    forbund: str
    file: str
    sha256: str
    weeks: list[str]
    rows: dict[str, str]  # Löpnummer → fingerprint


def parse(text: str, path: Path) -> Parsed:
    fields: dict[str, str] = {}
    rows: dict[str, str] = {}
    in_rows = False
    for line in text.splitlines():
        if line.startswith(MARKER):
            in_rows = True
        elif in_rows and (match := _LINE.match(line.strip())):
            rows[match[1]] = match[2]
        elif not in_rows and ": " in line:
            name, _, value = line.partition(": ")
            fields.setdefault(name.strip(), value.strip())
    if not in_rows or "SHA-256" not in fields:
        raise NotAReceipt(path=path, marker=MARKER)
    weeks = [w.strip() for w in fields.get("Veckor", "").split(",") if w.strip() and w.strip() != "–"]
    return Parsed(fields.get("Samordningsförbund", ""), fields.get("Fil", ""), fields["SHA-256"], weeks, rows)
