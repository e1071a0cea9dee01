"""What the commands share: their common options, the passwords, one-line Swedish errors, and messages.

No ``from __future__ import annotations`` in ``cli``: Typer reads the annotations at start-up, and evaluating them as
strings would cost more than the rest of ``samrehab --help``.
"""

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from samrehab_cli import errors

if TYPE_CHECKING:
    import datetime as dt

    from samrehab_cli.storage import crypto

state = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])

# --- options shared by the commands ---------------------------------------------------------------------------
PasswordFile = Annotated[
    Path | None,
    typer.Option("--password-file", metavar="FIL", readable=False, show_default=False,
                 help="Fil med lösenord, ett per rad, nyast först. Får inte kunna läsas av andra (chmod 600)."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Läs lösenordet (ett per rad, nyast först) från standard in."),
]
Force = Annotated[bool, typer.Option("--force", help="Ersätt utfilen om den redan finns.")]
TodayOption = Annotated[
    str | None, typer.Option("--today", metavar="DATUM", show_default=False,
                             help="Dagens datum för kontrollen av framtida datum, ÅÅÅÅ-MM-DD. Standard: i dag."),
]


def date_or_today(option: str | None) -> "dt.date":
    """The date given on the command line (ÅÅÅÅ-MM-DD), else today."""
    from samrehab_cli.dates import parse_date_option, today

    return parse_date_option(option) if option else today()


def handled(command: F) -> F:
    """Turn library errors into one Swedish line on stderr and exit code 2; a traceback only with --debug."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except errors.SamrehabError as exc:
            if state["debug"]:
                raise
            typer.echo(f"Fel: {exc}", err=True)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if state["debug"]:
                raise
            typer.echo(f"Fel: ett oväntat fel inträffade ({type(exc).__name__}). Ingen fil ändrades. "
                       "Kör kommandot igen med --debug och skicka utskriften till den som sköter samrehab.", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature Typer reads


def ask_password(confirm: bool) -> str:
    import getpass

    password = getpass.getpass("Lösenord: ")
    if confirm and getpass.getpass("Upprepa lösenordet: ") != password:
        raise errors.PasswordsDiffer()
    return password


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_passwords(password_file: Path | None, password_stdin: bool) -> "crypto.Passwords":
    """The passwords from the user's sources; ``password_file`` defaults to the one ``samrehab.toml`` names."""
    from samrehab_cli import config
    from samrehab_cli.storage import crypto

    if password_file is None and not password_stdin:
        password_file = config.default("password_file")
    interactive = not password_stdin and stdin_is_terminal()
    return crypto.passwords_from(password_file, password_stdin, ask=ask_password if interactive else None)


def say(message: str, *, err: bool = False) -> None:
    typer.echo(message, err=err)


def warn(message: str) -> None:
    typer.echo(f"Varning: {message}", err=True)
