"""The follow-up for people: envelopes made, reminders, surveys due, rows purged (docs/uppfoljning.md).

Nothing here shows a name, an e-mail address or a phone number: the lists that hold them are files, encrypted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from samrehab_cli.render.common import console, csv_safe, is_terminal

if TYPE_CHECKING:
    from rich.console import Console

    from samrehab_cli.isf.envelopes import EnvelopeResult
    from samrehab_cli.isf.followup import Reminders, RowRef, Surveys
    from samrehab_cli.isf.outfiles import Table
    from samrehab_cli.isf.purge import KeptRow, PurgeResult


def _table(out: Console, terminal: bool, title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A rich table on a terminal; otherwise the title and tab-separated lines, written as they are."""
    if terminal:
        from rich import box
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=escape(title), title_justify="left", box=box.SIMPLE_HEAD)
        for header in headers:
            table.add_column(header)
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        out.print(table)
        return
    out.file.write(title + "\n" + "\t".join(headers) + "\n" + "".join("\t".join(row) + "\n" for row in rows))


def _start(terminal: bool | None, out: Console | None) -> tuple[Console, bool]:
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    return out, terminal


def _say(out: Console, text: str) -> None:
    out.print(text, markup=False)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _undated(out: Console, rows: Sequence[RowRef], what: str) -> None:
    if rows:
        _say(out, f"{_count(len(rows), 'rad', 'rader')} saknar datum för informationsmöte och samtycke, så {what} "
                  "kan inte räknas ut: " + ", ".join(f"{r.forbund} {r.serial}" for r in rows)
                  + ". Rätta dem i registreringsfilen.")


# --- envelopes -------------------------------------------------------------------------------------------------------
def envelopes_human(result: EnvelopeResult, out: Console | None = None, terminal: bool | None = None) -> None:
    out, _ = _start(terminal, out)
    first = "Skrev kuvertlistan" if result.batch == 1 else "Fortsatte kuvertlistan"
    _say(out, f"{first} {result.file} för {result.forbund}: kuvert {result.first}–{result.last} "
              f"({result.count} kuvert i {result.blocks} block, omgång {result.batch}; listan har nu {result.total} "
              "kuvert), krypterad med det senaste lösenordet.")
    if result.count != result.asked:
        _say(out, f"{result.asked} avrundades uppåt till {result.count}: varje block om 5 eller 10 kuvert är helt, "
                  "med 60 % Behandlingsgrupp.")
    _say(out, f"Etiketterna står på bladet {result.labels_sheet} (A4, bara numret; klipp längs de streckade "
              "linjerna). Grupperna står bara i den krypterade listan, bladet Kuvert.")


# --- reminders -------------------------------------------------------------------------------------------------------
def reminders_human(result: Reminders, out: Console | None = None, terminal: bool | None = None) -> None:
    out, terminal = _start(terminal, out)
    rows = [(f.forbund, r.serial, r.call_date.isoformat()) for f in result.forbund for r in f.reminders]
    if rows:
        _table(out, terminal, f"Påminnelser {result.window.describe()}: kontrollgruppen ska kallas om en månad",
               ("Förbund", "Löpnummer", "Kallas"), rows)
        _say(out, f"{_count(len(rows), 'person', 'personer')} i {len(result.forbund)} förbund.")
    else:
        _say(out, f"Ingen i kontrollgruppen ska påminnas om {result.window.describe()}.")
    written = [f.file for f in result.forbund if f.file]
    if written:
        _say(out, "Skrev en krypterad lista per förbund (bara löpnummer och datum): " + ", ".join(written))
    _undated(out, result.undated, "kallelsedagen")


# --- surveys ---------------------------------------------------------------------------------------------------------
CHANNEL_NAMES = {"e-post": "e-post", "sms": "SMS", "papper": "papper (till förbundet)", "saknas": "ingen kanal"}
SURVEY_NAMES = {"start": "start", "6m": "6 mån", "12m": "12 mån"}


def surveys_human(result: Surveys, out: Console | None = None, terminal: bool | None = None) -> None:
    out, terminal = _start(terminal, out)
    rows = [(d.forbund, d.serial, SURVEY_NAMES[d.survey], d.due.isoformat(), CHANNEL_NAMES[d.channel])
            for d in result.due]
    if rows:
        _table(out, terminal, f"Enkäter att skicka {result.window.describe()}",
               ("Förbund", "Löpnummer", "Enkät", "Förfallodag", "Kanal"), rows)
        counts = [f"{CHANNEL_NAMES[c]}: {n}" for c in CHANNEL_NAMES
                  if (n := sum(d.channel == c for d in result.due))]
        _say(out, f"{_count(len(rows), 'enkät', 'enkäter')} ({', '.join(counts)}).")
    else:
        _say(out, f"Inga enkäter att skicka {result.window.describe()}.")
    if result.already_sent:
        _say(out, f"{result.already_sent} redan skickade enligt {result.sent_log} visas inte.")
    unreachable = [d for d in result.due if d.channel == "saknas"]
    if unreachable:
        _say(out, "Kan inte nås (ingen giltig e-post eller mobil och ingen pappersenkät): "
                  + ", ".join(f"{d.forbund} {d.serial}" for d in unreachable)
                  + ". Be förbundet fylla i e-post, mobil eller Ja i Pappersenkät.")
    if result.files:
        _say(out, "Skrev: " + ", ".join(result.files))
    if result.marked_sent:
        _say(out, f"Markerade {result.marked_sent} enkäter som skickade i {result.sent_log}.")
    _undated(out, result.undated, "enkätdagarna")


def list_csv(table: Table) -> bytes:
    """A list as CSV for Swedish Excel and mailing tools: UTF-8 with BOM, ``;`` between fields, dates as
    ``ÅÅÅÅ-MM-DD``, and text that Excel would run as a formula neutralised."""
    import datetime as dt

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else v.isoformat() if isinstance(v, dt.date) else csv_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# --- purge -----------------------------------------------------------------------------------------------------------
def _rows(rows: Sequence[KeptRow]) -> str:
    return ", ".join(f"{r.serial} ({r.sheet} rad {r.row})" for r in rows)


def purge_human(result: PurgeResult, out: Console | None = None, terminal: bool | None = None) -> None:
    out, terminal = _start(terminal, out)
    if result.cleared:
        title = f"Tömde {_count(len(result.cleared), 'rad', 'rader')} i {result.file} (allt utom Löpnummer)"
        _table(out, terminal, title,
               ("Flik", "Rad", "Löpnummer", "Tömda kolumner"),
               [(r.sheet, str(r.row), r.serial, ", ".join(r.columns)) for r in result.cleared])
        kept = "krypterad med samma lösenord" if result.encrypted else "okrypterad, som förut"
        _say(out, f"Filen är kvar, {kept}. Löpnumren står kvar så att numreringen fortsätter.")
    else:
        _say(out, f"Ingenting att tömma: {result.file} är oförändrad.")
    if result.changed:
        _say(out, f"Tömdes inte, ändrade efter att filen skickades till ISF: {_rows(result.changed)}. Skicka filen "
                  "till ISF igen; när den nya kvittensen kommer kan de tömmas.")
    if result.not_in_receipt:
        _say(out, f"Rördes inte, finns inte i kvittensen (tillagda efteråt, eller skickade med fel eller konflikt): "
                  f"{_rows(result.not_in_receipt)}.")
    if result.already_cleared:
        _say(out, f"Redan tömda: {_count(len(result.already_cleared), 'rad', 'rader')}.")
    if result.missing:
        _say(out, "Finns inte i filen: " + ", ".join(result.missing) + ". Kontrollera att det är rätt fil.")
