"""The ``samrehab`` Typer app: global options, and every command in the order ``samrehab --help`` lists them.

Every command is a :class:`swedish.Command` under the :class:`swedish.Group`: Swedish help pages and usage errors,
``--debug`` before or after the command, and one place for the exit codes (:func:`swedish.run`).
"""

from typing import Annotated

import typer

from samrehab_cli import __version__
from samrehab_cli.cli import followup, isf, params, participants, registration, swedish
from samrehab_cli.cli.common import state

params.install()  # text and path options read without pydantic (cli/params.py)

app = typer.Typer(
    name="samrehab",
    cls=swedish.Group,
    help="Registrering, kryptering och uppföljning för ISF:s utvärdering av samordningsförbunden.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a password must never reach a screen or a log through a traceback
    rich_markup_mode=None,  # plain help: rich's help renderer alone would double the start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)

for command in (registration.template, registration.weeks, registration.encrypt, registration.decrypt,
                registration.validate, registration.rules, isf.merge, isf.status, *followup.COMMANDS,
                participants.outcomes, participants.ors):
    app.command(cls=swedish.Command)(command)


def _version(value: bool) -> None:
    if value:
        from samrehab_cli.storage import agile, bounds

        typer.echo(f"samrehab {__version__} ({agile.describe()}; {bounds.describe()})")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Visa versionen och avsluta.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help=swedish.DEBUG_TEXT)] = False,
) -> None:
    """Registrering, kryptering och uppföljning för ISF:s utvärdering av samordningsförbunden.

    Utskrifter och meddelanden är på svenska. Slutkoder: 0 klart (varningar tillåtna), 1 minst ett fel i
    filerna, 2 kommandot kunde inte köras, 130 avbrutet med Ctrl-C.
    """
    state["debug"] = state["debug"] or debug


def main() -> None:
    app()
