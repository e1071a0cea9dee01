"""What the commands share: their common options, the passwords, questions, progress, and messages.

Errors and exit codes are not handled here but in one place for every command (:mod:`samrehab_cli.cli.swedish`): a
command raises a library error (one Swedish sentence, exit code 2) or ``typer.Exit(1)`` after reporting findings.
A command to paste in a message is written with :func:`samrehab_cli.shell.command`, quoted for the user's shell.

No ``from __future__ import annotations`` in ``cli``: Typer reads the annotations at start-up, and evaluating them as
strings would cost more than the rest of ``samrehab --help``.
"""

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from samrehab_cli import errors

if TYPE_CHECKING:
    import datetime as dt

    from samrehab_cli.storage import crypto

state = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# --- options shared by the commands ---------------------------------------------------------------------------
PasswordFile = Annotated[
    Path | None,
    typer.Option("--password-file", metavar="FIL", show_default=False,
                 help="Fil med lösenord, ett per rad, nyast först. Får inte kunna läsas av andra (chmod 600)."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Läs lösenordet (ett per rad, nyast först) från standard in."),
]
Force = Annotated[bool, typer.Option("--force", help="Ersätt utfilen om den redan finns.")]
Yes = Annotated[bool, typer.Option("--yes", help="Fråga inte om en stor ändring är avsedd (för skript).")]
TodayOption = Annotated[
    str | None, typer.Option("--today", metavar="DATUM", show_default=False,
                             help="Dagens datum för kontrollen av framtida datum, ÅÅÅÅ-MM-DD. Standard: i dag."),
]


def date_or_today(option: str | None) -> "dt.date":
    """The date given on the command line (ÅÅÅÅ-MM-DD), else today."""
    from samrehab_cli.dates import parse_date_option, today

    return parse_date_option(option) if option else today()


def default_path(key: str, given: Path | None, fallback: str) -> Path:
    """The path given on the command line, else the one ``samrehab.toml`` names for ``key``, else ``fallback``."""
    from samrehab_cli import config

    if given is not None:
        return given
    found = config.default(key, fallback)
    assert found is not None  # a fallback is given
    return found


def check_extension(path: Path, extension: str, kind: str) -> None:
    """Refuse an output file whose name does not end in ``extension`` (``.xlsx``): Excel goes by the name."""
    if path.suffix.lower() != extension:
        raise errors.WrongExtension(path=path, extension=extension, kind=kind,
                                    example=path.with_suffix(extension).name if path.stem else f"fil{extension}")


# --- passwords and questions at the terminal ------------------------------------------------------------------
def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def ask_password(purpose: "crypto.Purpose", path: Path | None) -> str:
    """The hidden prompt: asked twice to encrypt (three tries to type the same), and once more for an older
    password when the one typed did not open ``path`` (Enter gives up)."""
    with _paused():
        if purpose == "older":
            say(f"Lösenordet öppnade inte {path}; den kan vara krypterad med ett äldre lösenord.", err=True)
            return _typed("Äldre lösenord (Enter avbryter): ", empty=True)
        password = _typed("Lösenord: ")
        for attempt in range(3 if purpose == "write" else 0):
            if _typed("Upprepa lösenordet: ") == password:
                break
            if attempt == 2:
                raise errors.PasswordsDiffer()
            say("Lösenorden stämde inte överens. Skriv lösenordet igen.", err=True)
            password = _typed("Lösenord: ")
        return password


def _typed(prompt: str, *, empty: bool = False) -> str:
    import getpass

    try:
        text = getpass.getpass(prompt)
    except EOFError:  # Ctrl-D
        raise errors.PromptClosed() from None
    if not text and not empty:
        raise errors.EmptyPassword()
    return text


def read_passwords(password_file: Path | None, password_stdin: bool) -> "crypto.Passwords":
    """The passwords from the user's sources; ``password_file`` defaults to the one ``samrehab.toml`` names."""
    from samrehab_cli import config
    from samrehab_cli.storage import crypto

    if password_file is None and not password_stdin:
        password_file = config.default("password_file")
    interactive = not password_stdin and stdin_is_terminal()
    return crypto.passwords_from(password_file, password_stdin, ask=ask_password if interactive else None)


def confirm(question: str) -> bool:
    """A yes/no question on the terminal (``[j/N]``, no by default); False when nobody can answer it."""
    if not stdin_is_terminal():
        return False
    with _paused():
        sys.stderr.write(f"{question} [j/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline()
    return answer.strip().casefold() in ("j", "ja", "y", "yes")


# --- progress on stderr, on a terminal only --------------------------------------------------------------------
_shown: list[Any] = []  # the live progress displays (rich), paused while the user types


@contextlib.contextmanager
def working(text: str) -> Iterator[None]:
    """A spinner with ``text`` on stderr while the work inside runs; nothing when stderr is not a terminal."""
    if not stderr_is_terminal():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(text) as status:
        _shown.append(status)
        try:
            yield
        finally:
            _shown.remove(status)


def each(items: Sequence[T], text: str) -> Iterator[T]:
    """The items one by one, with a progress bar on stderr for more than one (a spinner for one) on a terminal."""
    if len(items) < 2 or not stderr_is_terminal():
        with working(text) if items else contextlib.nullcontext():
            yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        _shown.append(progress)
        try:
            task = progress.add_task(text, total=len(items))
            for item in items:
                yield item
                progress.advance(task)
        finally:
            _shown.remove(progress)


@contextlib.contextmanager
def progress(text: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for work a library function reports as it goes (``advance(done, total)``); on a
    terminal only (the callback does nothing otherwise)."""
    if not stderr_is_terminal():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        _shown.append(bar)
        task = bar.add_task(text, total=None)
        try:
            yield lambda done, total: bar.update(task, completed=done, total=total)
        finally:
            _shown.remove(bar)


@contextlib.contextmanager
def _paused() -> Iterator[None]:
    """Stop the progress display while the user types, and show it again after."""
    for display in _shown:
        display.stop()
    try:
        yield
    finally:
        for display in _shown:
            display.start()


# --- messages ---------------------------------------------------------------------------------------------------
def say(message: str, *, err: bool = False) -> None:
    typer.echo(message, err=err)


def warn(message: str) -> None:
    typer.echo(f"Varning: {message}", err=True)
