"""The Swedish command line: the help pages, the usage errors and the exit codes of every command, in one place.

typer vendors click as ``typer._click``, and click's own words are English (``Usage``, ``Options``, ``[required]``,
``Missing option``, ``No such option`` …), most of them written into f-strings rather than looked up with gettext.
This module does not rewrite those strings; it uses the hooks click and Typer offer:

- :class:`Context` (``Command.context_class``) makes a :class:`Formatter` (``Context.formatter_class``), which
  writes ``Användning:``;
- :class:`Command` and :class:`Group` (Typer's ``cls``) write the usage line, the help records and the list of
  commands themselves, give every command ``--debug``, and raise :class:`Usage` (a ``UsageError`` that holds its
  Swedish sentence) for an unknown or missing command and for extra arguments;
- :func:`usage_message` makes one Swedish sentence of each kind of click usage error from the exception's data (the
  parameter, the option name, click's close matches), never from its English text;
- :func:`run` is every command's ``main``: the one place where what happened becomes an exit code and at most one
  Swedish line on stderr — 0 done, 1 findings of severity fel (the command raises ``typer.Exit(1)`` itself), 2 could
  not run (a usage error, a library error, an unexpected error; with ``--debug`` after the traceback), 130
  interrupted (Ctrl-C); a closed pipe (``samrehab rules | head -1``) is no error: the rest of the output goes
  nowhere.

Nothing here may be slow to import: ``samrehab --help`` loads it.
"""

import contextlib
import difflib
import os
import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer import _click
from typer._coercion import bool_flag_type_descriptor
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from samrehab_cli import errors
from samrehab_cli.cli.common import state

PROGRAM = "samrehab"
DEBUG_VARIABLE = "SAMREHAB_DEBUG"
HELP_TEXT = "Visa den här hjälpen och avsluta."
DEBUG_TEXT = "Visa hela felutskriften (traceback) vid fel. Går också att slå på med SAMREHAB_DEBUG=1."
INTERRUPTED = "Avbrutet (Ctrl-C). Ingen fil sparades till hälften."


class Usage(_click.exceptions.UsageError):
    """A usage error whose message is already the Swedish sentence."""


class Formatter(_click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Användning: ")

    def write_text(self, text: str) -> None:
        """Paragraphs as click wraps them, except indented ones (the examples), which are kept line for line so that
        a command can be copied whole."""
        for number, paragraph in enumerate(text.split("\n\n")):
            if number:
                self.write("\n")
            if paragraph.startswith("    "):
                self.write("".join(f"{'':>{self.current_indent}}{line}\n" for line in paragraph.splitlines()))
            else:
                super().write_text(paragraph)


class Context(_click.Context):
    formatter_class = Formatter


def _names(param: _click.Parameter) -> str:
    """``-o, --output``: the short name first, as click writes them."""
    return ", ".join(sorted([*param.opts, *param.secondary_opts], key=lambda name: len(name) - len(name.lstrip("-"))))


def _annotation(param: _click.Parameter | None) -> object:
    return param.type_descriptor.annotation if isinstance(param, TyperArgument | TyperOption) else None


def _metavar(param: _click.Parameter) -> str:
    """The parameter's own metavar, else a Swedish word for its type (click's would be ``<int range>``)."""
    if param.metavar:  # FIL... for an argument that takes many
        return param.metavar
    annotation = _annotation(param)
    if isinstance(param, TyperArgument) and param.nargs == -1:
        return f"{(param.name or 'fil').upper()}..."
    return "ANTAL" if annotation is int else "TAL" if annotation is float else "FIL" if "Path" in str(annotation) \
        else "TEXT"


def _record(param: _click.Parameter, help_option: _click.Parameter | None) -> tuple[str, str] | None:
    """One line of the help page: the names and value, then what it is for, with [obligatorisk], [standard: …]."""
    if getattr(param, "hidden", False):
        return None
    if isinstance(param, TyperArgument):
        first = _metavar(param)
    else:
        flag = isinstance(param, TyperOption) and param.is_flag
        first = _names(param) + ("" if flag else f" {_metavar(param)}")
    notes = []
    if param.required:
        notes.append("obligatorisk")
    default = param.default
    if getattr(param, "show_default", False) and default not in (None, False, (), []) and not callable(default):
        notes.append(f"standard: {default}")
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None or high is not None:
        notes.append(f"{'' if low is None else low}–{'' if high is None else high}")
    text = HELP_TEXT if param is help_option else getattr(param, "help", None) or ""
    return first, " ".join(filter(None, [text, f"[{'; '.join(notes)}]" if notes else ""]))


def _write_params(command: _click.Command, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
    help_option = command.get_help_option(ctx)
    records = [(param, record) for param in command.get_params(ctx) if (record := _record(param, help_option))]
    for heading, kind in (("Argument", TyperArgument), ("Flaggor", TyperOption)):
        rows = [record for param, record in records if isinstance(param, kind)]
        if rows:
            with formatter.section(heading):
                formatter.write_dl(rows)


def _usage_pieces(command: _click.Command, ctx: _click.Context) -> list[str]:
    pieces = ["[FLAGGOR]"]
    for param in command.get_params(ctx):
        if isinstance(param, TyperArgument):
            name = _metavar(param)
            pieces.append(name if param.required else f"[{name}]")
    return pieces


def _set_debug(ctx: _click.Context, param: _click.Parameter, value: bool) -> None:
    if value:
        state["debug"] = True


def debug_option() -> TyperOption:
    """``--debug``, on every command as well as before it (a flag like Typer's own ``--help``)."""
    return TyperOption(param_decls=["debug", "--debug"], is_flag=True, expose_value=False, is_eager=True,
                       help=DEBUG_TEXT, callback=_set_debug, type_descriptor=bool_flag_type_descriptor())


def _parse(command: _click.Command, parse: Any, ctx: _click.Context, args: list[str]) -> list[str]:
    """``parse(ctx, args)``, with the context put on the usage errors that click's parser raises without it."""
    try:
        rest: list[str] = parse(ctx, args)
    except _click.exceptions.UsageError as exc:
        if exc.ctx is None:
            exc.ctx, exc.cmd = ctx, command
        raise
    return rest


class Command(TyperCommand):
    """One samrehab command, Swedish all the way; extra arguments are refused here, with a sentence."""

    context_class = Context
    allow_extra_args = True  # collected, then refused by parse_args with a Swedish sentence

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.append(debug_option())

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        return _usage_pieces(self, ctx)

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        _write_params(self, ctx, formatter)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        rest = _parse(self, super().parse_args, ctx, args)
        if rest and not ctx.resilient_parsing:
            words = " ".join(rest)
            raise Usage(f"{ctx.command_path} vet inte vad {words} är (ett värde för mycket, eller en flagga som "
                        f"saknar sitt --namn).", ctx)
        return rest

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        return run(self, args, standalone_mode, windows_expand_args, **extra)


class Group(TyperGroup):
    """``samrehab`` itself: its options, the list of commands, and the command to run."""

    context_class = Context

    def collect_usage_pieces(self, ctx: _click.Context) -> list[str]:
        return [*_usage_pieces(self, ctx), "KOMMANDO [FLAGGOR] ..."]

    def format_options(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        _write_params(self, ctx, formatter)
        rows = [(name, command.get_short_help_str(formatter.width - 6 - max(map(len, self.commands))))
                for name, command in self.commands.items() if not command.hidden]
        with formatter.section("Kommandon"):
            formatter.write_dl(rows)

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        return _parse(self, super().parse_args, ctx, args)

    def invoke(self, ctx: _click.Context) -> Any:
        if not ctx._protected_args and not self.invoke_without_command:  # as click's Group.invoke decides it
            raise Usage(f"Ange ett kommando, till exempel {PROGRAM} validate FIL.", ctx)
        return super().invoke(ctx)

    def resolve_command(self, ctx: _click.Context, args: list[str]) -> tuple[str | None, _click.Command | None,
                                                                                list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            if name.startswith("-"):
                self.parse_args(ctx, args)  # an unknown option: click's NoSuchOption, with its close matches
            matches = difflib.get_close_matches(name, list(self.commands))
            hint = f" Menade du {errors.listed(matches)}?" if matches else ""
            raise Usage(f"{PROGRAM} har inget kommando {name}.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        return run(self, args, standalone_mode, windows_expand_args, **extra)


# --- usage errors ---------------------------------------------------------------------------------------------------
def _option(ctx: _click.Context | None, name: str) -> _click.Parameter | None:
    if ctx is None:
        return None
    return next((p for p in ctx.command.get_params(ctx) if name in (*p.opts, *p.secondary_opts)), None)


def _what(param: _click.Parameter) -> tuple[str, str]:
    """(``FIL``, ``Arbetsboken som skapas``): the parameter's value as the help shows it, and the help's first
    sentence."""
    text = (getattr(param, "help", None) or "").split(". ")[0].rstrip(".")
    return _metavar(param), text


def _bad_value(param: _click.Parameter | None) -> str:
    if param is None:
        return "Ett värde på kommandoraden kan inte användas."
    name = "/".join(param.opts) if isinstance(param, TyperOption) else _metavar(param)
    annotation = _annotation(param)
    if annotation in (int, float):
        kind = "ett heltal" if annotation is int else "ett tal"
        low, high = getattr(param, "min", None), getattr(param, "max", None)
        span = (f" från {low} till {high}" if low is not None and high is not None else
                f" minst {low}" if low is not None else f" högst {high}" if high is not None else "")
        return f"{name} ska vara {kind}{span}."
    return f"Värdet för {name} kan inte användas."


def usage_message(exc: _click.exceptions.UsageError) -> str:
    """One Swedish sentence for a usage error, and where to read more (``Se samrehab validate --help.``)."""
    e = _click.exceptions
    ctx = exc.ctx
    where = ctx.command_path if ctx is not None else PROGRAM
    if isinstance(exc, Usage):
        text = exc.message
    elif isinstance(exc, e.NoSuchOption):
        matches = list(exc.possibilities or ())
        hint = f" Menade du {errors.listed(sorted(matches))}?" if matches else ""
        text = f"{where} har ingen flagga {exc.option_name}.{hint}"
    elif isinstance(exc, e.MissingParameter) and exc.param is not None:
        value, purpose = _what(exc.param)
        names = "" if isinstance(exc.param, TyperArgument) else "/".join(exc.param.opts) + " "
        text = f"{where} behöver {names}{value}" + (f": {purpose}." if purpose else ".")
    elif isinstance(exc, e.BadOptionUsage):
        param = _option(ctx, exc.option_name)
        if param is None or (isinstance(param, TyperOption) and param.is_flag):
            text = f"{exc.option_name} tar inget värde; skriv bara {exc.option_name}."
        else:
            value, purpose = _what(param)
            text = f"{exc.option_name} behöver ett värde ({value})" + (f": {purpose}." if purpose else ".")
    elif isinstance(exc, e.BadParameter):
        text = _bad_value(exc.param)
    else:
        text = "Kommandoraden kunde inte tolkas."
    return f"{text} Se {where} --help."


# --- running a command ----------------------------------------------------------------------------------------------
def run(command: _click.Command, args: Sequence[str] | None, standalone_mode: bool = True,
        windows_expand_args: bool = True, **extra: Any) -> int:
    """Run ``samrehab`` with ``args`` (the command line's when None) and return or exit with its exit code."""
    if args is None:
        args = sys.argv[1:]
        if os.name == "nt" and windows_expand_args:
            args = _click.utils._expand_args(args)
    for stream in (sys.stdout, sys.stderr):  # a file on Windows would get the ANSI code page: no "−", no "ő"
        if (stream.encoding or "").lower().replace("-", "") != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    stdout, sys.stdout = sys.stdout, _Pipe(sys.stdout)
    try:
        code = _exit_code(command, list(args), extra)
    finally:
        sys.stdout = stdout
    if standalone_mode:
        sys.exit(code)
    return code


class _Pipe:
    """Standard out that a closed pipe (``samrehab rules | head -1``) cannot break: what can no longer be written
    goes nowhere, and the command ends as it would have, with its own exit code and files, without a word about it."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    @property
    def buffer(self) -> "_Pipe":
        return _Pipe(self._stream.buffer)

    def write(self, data: Any) -> int:
        try:
            return int(self._stream.write(data))
        except BrokenPipeError:
            _quiet_stdout()
            return len(data)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _quiet_stdout()


def _exit_code(command: _click.Command, args: list[str], extra: dict[str, Any]) -> int:
    state["debug"] = os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")
    try:
        try:
            with command.make_context(PROGRAM, args, **extra) as ctx:
                command.invoke(ctx)
        finally:
            sys.stdout.flush()  # here, so that a closed pipe is noticed here (not at exit, as an error)
        return 0
    except typer.Exit as exc:
        return exc.exit_code
    except _click.exceptions.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help(), err=True)
        return 2
    except _click.exceptions.UsageError as exc:
        _line(usage_message(exc))
        return 2
    except (KeyboardInterrupt, typer.Abort):
        _line(INTERRUPTED, prefix="\n" if sys.stderr.isatty() else "")  # after the ^C the terminal shows
        return 130
    except BrokenPipeError:  # from a stream other than the one _Pipe guards
        _quiet_stdout()
        return 0
    except errors.SamrehabError as exc:
        _line(str(exc), exc)
        return 2
    except Exception as exc:
        _line(f"Ett oväntat fel inträffade ({type(exc).__name__}). Ingen fil ändrades. Kör kommandot igen med --debug "
              "och skicka utskriften till den som sköter samrehab.", exc)
        return 2


def _line(text: str, exc: BaseException | None = None, prefix: str = "Fel: ") -> None:
    """One line on stderr; with --debug the traceback comes first (never local variables: no password in it)."""
    if exc is not None and state["debug"]:
        import traceback

        traceback.print_exception(exc)
    with contextlib.suppress(OSError):  # stderr closed as well: nobody to tell
        typer.echo(f"{prefix}{text}", err=True)


def _quiet_stdout() -> None:
    """After a closed pipe: standard out goes nowhere from now on, so that nothing more fails (at exit neither)."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: not a real file (a test's buffer)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
