"""``samrehab ors --due`` for people and Excel: the team's working list, Deltagar-ID only (docs/utfall.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from samrehab_cli.render.common import console, is_terminal, to_csv, write_bytes

if TYPE_CHECKING:
    from rich.console import Console

    from samrehab_cli.participants.ors import DueList, DueParticipant

DUE_HEADERS = ("Deltagar-ID", "Team", "Senaste ORS", "ORS senast", "Försenad")


def _due_cells(item: DueParticipant) -> list[str]:
    return [item.participant_id, item.team, item.last_ors.isoformat() if item.last_ors else "ingen ännu",
            item.next_required_by.isoformat(), "Ja" if item.overdue else ""]


def due_human(result: DueList, out: Console | None = None, terminal: bool | None = None) -> None:
    """The working list: a rich table on a terminal, tab-separated lines otherwise, then a summary line."""
    out = out or console()
    terminal = is_terminal() if terminal is None else terminal
    out.soft_wrap = not terminal
    team = f" i {result.team}" if result.team else ""
    late = sum(item.overdue for item in result.due)
    if terminal and result.due:
        from rich.markup import escape
        from rich.table import Table

        t = Table(title=f"ORS att göra {result.date.isoformat()}{escape(team)}", title_justify="left")
        for header in DUE_HEADERS:
            t.add_column(header)
        for item in result.due:
            t.add_row(*(escape(c) for c in _due_cells(item)), style="red" if item.overdue else None)
        out.print(t)
    elif result.due:  # tab-separated, written as is (rich would expand the tabs)
        out.file.write("\t".join(DUE_HEADERS) + "\n")
        for item in result.due:
            out.file.write("\t".join(_due_cells(item)) + "\n")
    if result.due:
        out.print(f"{len(result.due)} deltagare{team} behöver ORS, varav {late} försenade.", markup=False)
    else:
        out.print(f"Ingen deltagare{team} behöver ORS {result.date.isoformat()}.", markup=False)
    bad = [f for f in result.findings if f.severity == "fel"]
    if bad:
        from samrehab_cli.findings import Report, summary

        out.print(f"Registret har fel som påverkar listan ({summary(Report.of(result.findings).counts)}) "
                  "Se dem med samrehab outcomes.", markup=False)


def print_csv(result: DueList) -> None:
    write_bytes(due_csv(result))


def due_csv(result: DueList) -> bytes:
    return to_csv(DUE_HEADERS, [_due_cells(item) for item in result.due])
