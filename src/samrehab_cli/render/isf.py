"""ISF's results for people: the summary of a merge and the status of the master register (no personal data)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from samrehab_cli.render.common import console, is_terminal, number, share

if TYPE_CHECKING:
    from rich.console import Console

    from samrehab_cli.isf.merge import MergeResult
    from samrehab_cli.isf.status import ForbundStatus, Status


def _lines(out: Console, terminal: bool, title: str, rows: Sequence[tuple[str, str]]) -> None:
    """A small two-column table: rich on a terminal, aligned plain text otherwise."""
    if terminal:
        from rich import box
        from rich.table import Table

        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_header=False, pad_edge=False)
        table.add_column("")
        table.add_column("", justify="right")
        for label, value in rows:
            table.add_row(label, value)
        out.print(table)
        return
    out.print(title, markup=False)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        out.print(f"  {label.ljust(width)}  {value}", markup=False)


def merge_human(result: MergeResult, out: Console | None = None, terminal: bool | None = None) -> None:
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    merged, refused = result.merged, result.refused
    title = f"Inläsning i {result.register_file}" + (" (provkörning: ingenting skrevs)" if result.dry_run else "")
    _lines(out, terminal, title, [
        ("Filer inlästa", str(len(merged))),
        ("Filer redan inlästa (hoppades över)", str(len(result.skipped))),
        ("Filer som inte kunde läsas in", str(len(refused))),
        ("Rader nya", str(sum(f.new for f in merged))),
        ("Rader ändrade", str(sum(f.changed for f in merged))),
        ("Rader oförändrade", str(sum(f.unchanged for f in merged))),
        ("Konflikter", str(sum(f.conflicts for f in merged))),
        ("Problem att avgöra", str(len(result.problems))),
    ])
    if refused:
        out.print()
        out.print("Filer som inte lästes in:", markup=False)
        for report in refused:
            reason = next((p.description for p in result.problems if p.file == report.file and not p.serial), "")
            out.print(f"  {report.file}: {report.status}. {reason}".rstrip(), markup=False)
    rows = [p for p in result.problems if p.serial]
    if rows:
        out.print()
        out.print("Problem i raderna (värdena står i bladet Problem i huvudregistret):", markup=False)
        for problem in rows:
            column = f", {problem.column}" if problem.column else ""
            out.print(f"  {problem.forbund} {problem.serial}{column}: {problem.kind}. {problem.description}",
                      markup=False)
    unencrypted = [p.file for p in result.problems if p.kind == "Okrypterad fil"]
    if unencrypted:
        out.print()
        out.print("Kom okrypterade (påminn förbundet om att kryptera): " + ", ".join(unencrypted), markup=False)
    out.print()
    if result.written:
        out.print(f"Skrev {result.register_file} (krypterad med det senaste lösenordet).", markup=False)
    elif not result.dry_run:
        out.print(f"Inga nya filer: {result.register_file} är oförändrad.", markup=False)
    if result.receipts:
        folders = sorted({str(Path(receipt).parent) for receipt in result.receipts})
        noun = "kvittens" if len(result.receipts) == 1 else "kvittenser"
        out.print(f"Skrev {len(result.receipts)} {noun} i {', '.join(folders)}.", markup=False)


def _weeks(weeks: list[str], limit: int = 6) -> str:
    if not weeks:
        return "–"
    shown = ", ".join(weeks[:limit])
    return shown + (f" och {len(weeks) - limit} till" if len(weeks) > limit else "")


def _p(value: float | None) -> str:
    if value is None:
        return "–"
    return "< 0,001" if value < 0.001 else number(value, 3)


STATUS_HEADERS = ("Förbund", "Mottagna veckor", "Saknade veckor", "Senaste fil", "Inläst", "Samtycker", "Avböjer",
                  "Behandling", "Kontroll", "Andel behandling", "p-värde (60 %)")


def _status_cells(row: ForbundStatus) -> list[str]:
    return [row.forbund, str(len(row.weeks_received)) if row.weeks_received else "–", _weeks(row.weeks_missing),
            row.last_file or "–", row.last_merged or "–", str(row.consenting), str(row.declining), str(row.treatment),
            str(row.control), share(row.treatment_percent), _p(row.p_value)]


def status_human(result: Status, out: Console | None = None, terminal: bool | None = None) -> None:
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    title = f"Huvudregistret {result.register_file} den {result.today.isoformat()}"
    rows = [*result.forbund, result.total]
    if terminal:
        from rich import box
        from rich.markup import escape
        from rich.table import Table

        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
        for header in STATUS_HEADERS:
            table.add_column(header, justify="right" if header not in STATUS_HEADERS[:5] else "left")
        for row in result.forbund:
            table.add_row(*(escape(cell) for cell in _status_cells(row)))
        table.add_section()
        table.add_row(*(escape(cell) for cell in _status_cells(result.total)), style="bold")
        out.print(table)
    else:
        out.print(title, markup=False)
        for row in rows:
            out.print()
            for header, cell in zip(STATUS_HEADERS, _status_cells(row), strict=True):
                out.print(f"  {header}: {cell}", markup=False)
    out.print()
    audit = result.audit
    if audit.intact:
        out.print(f"Ändringsloggen är hel ({audit.log_entries} poster) och registret är som samrehab skrev det.",
                  markup=False)
        return
    if audit.chain_broken_at is not None:
        out.print(f"Ändringsloggen har ändrats utanför samrehab från post {audit.chain_broken_at}.", markup=False)
    if audit.edits:
        out.print(f"{len(audit.edits)} celler har ändrats utanför samrehab:", markup=False)
        for edit in audit.edits:
            place = f"{edit.cell} " if edit.cell else ""
            out.print(f"  {place}({edit.description})", markup=False)
