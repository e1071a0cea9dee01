"""The ``samrehab`` command line: one short function per command over the library.

Heavy modules (openpyxl, pandas, msoffcrypto-tool, python-calamine, pydantic) are imported inside the commands,
so ``samrehab --help`` stays fast.
"""


import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional, TypeVar

import typer

from samrehab_cli import __version__, errors

app = typer.Typer(
    name="samrehab",
    help="Registrering, kryptering och uppföljning för ISF:s utvärdering av samordningsförbunden.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a password must never reach a screen or a log through a traceback
    rich_markup_mode=None,  # plain help: rich's help renderer alone would double the start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
)
_state = {"debug": False}

F = TypeVar("F", bound=Callable[..., Any])

# --- options shared by the commands ---------------------------------------------------------------------------
PasswordFile = Annotated[
    Optional[Path],
    typer.Option("--password-file", metavar="FIL", show_default=False,
                 help="Fil med lösenord, ett per rad, nyast först. Får inte kunna läsas av andra (chmod 600)."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Läs lösenordet (ett per rad, nyast först) från standard in."),
]
Force = Annotated[bool, typer.Option("--force", help="Ersätt utfilen om den redan finns.")]
TodayOption = Annotated[
    Optional[str], typer.Option("--today", metavar="DATUM", show_default=False,
                                help="Dagens datum för kontrollen av framtida datum, ÅÅÅÅ-MM-DD. Standard: i dag."),
]


def _format(value: str, *allowed: str) -> str:
    """The --format asked for, or one Swedish sentence naming the allowed ones."""
    chosen = value.strip().lower()
    if chosen not in allowed:
        names = ", ".join(allowed[:-1]) + " eller " + allowed[-1]
        raise errors.BadOption(message=f"Okänt format {value}. Välj {names}.")
    return chosen


def _date_or_today(option: str | None):  # -> datetime.date
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
            if _state["debug"]:
                raise
            typer.echo(f"Fel: {exc}", err=True)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if _state["debug"]:
                raise
            typer.echo(f"Fel: ett oväntat fel inträffade ({type(exc).__name__}). Ingen fil ändrades. "
                       "Kör kommandot igen med --debug och skicka utskriften till den som sköter samrehab.", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _ask_password(confirm: bool) -> str:
    import getpass

    password = getpass.getpass("Lösenord: ")
    if confirm and getpass.getpass("Upprepa lösenordet: ") != password:
        raise errors.PasswordsDiffer()
    return password


def _stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def _passwords(password_file: Path | None, password_stdin: bool):  # -> crypto.Passwords
    """The passwords from the user's sources; ``password_file`` defaults to the one ``samrehab.toml`` names."""
    from samrehab_cli import config
    from samrehab_cli.storage import crypto

    if password_file is None and not password_stdin:
        password_file = config.default("password_file")
    interactive = not password_stdin and _stdin_is_terminal()
    return crypto.passwords_from(password_file, password_stdin, ask=_ask_password if interactive else None)


def _say(message: str) -> None:
    typer.echo(message)


def _warn(message: str) -> None:
    typer.echo(f"Varning: {message}", err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"samrehab {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Visa versionen och avsluta.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Visa hela felutskriften (traceback) vid fel.")] = False,
) -> None:
    """Registrering, kryptering och uppföljning för ISF:s utvärdering av samordningsförbunden.

    Utskrifter och meddelanden är på svenska. Slutkoder: 0 klart (varningar tillåtna), 1 minst ett fel i
    filerna, 2 kommandot kunde inte köras.
    """
    _state["debug"] = debug


# --- the registration workbook ----------------------------------------------------------------------------------
@app.command()
@handled
def template(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FIL", help="Arbetsboken som skapas.")],
    forbund: Annotated[str, typer.Option("--forbund", metavar="NAMN", help="Samordningsförbundets namn.")],
    from_week: Annotated[Optional[str], typer.Option("--from", metavar="VECKA",
                                                     help="Första veckan, ÅÅÅÅ-vVV. Standard: denna vecka.")] = None,
    to_week: Annotated[Optional[str], typer.Option("--to", metavar="VECKA",
                                                   help="Sista veckan, ÅÅÅÅ-vVV. Standard: 12 veckor efter --from.")]
    = None,
    rows: Annotated[int, typer.Option("--rows", min=1, max=999, help="Rader (löpnummer) per vecka.")] = 40,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt",
                                             help="Spara utan kryptering (avråds: personuppgifter ska krypteras).")]
    = False,
    force: Force = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Skapa registreringsfilen: fliken Instruktioner och en flik per vecka, med rullistor.

    Filen krypteras med det senaste lösenordet, så att personuppgifter aldrig sparas okrypterade.

    Exempel:

        samrehab template -o registrering.xlsx --forbund "Södra Dalarnas Samordningsförbund" --from 2020-v39 --to 2021-v10
    """
    import datetime as dt

    from samrehab_cli.dates import parse_week, today, week_of, week_range
    from samrehab_cli.registration import template as tpl
    from samrehab_cli.storage import crypto, files, workbooks

    if not forbund.strip():
        raise errors.BadOption(message="Ange samordningsförbundets namn med --forbund.")
    first = parse_week(from_week) if from_week else week_of(today())
    last = parse_week(to_week) if to_week else week_of(first.monday + dt.timedelta(weeks=12))
    weeks = week_range(first, last)
    files.check_output(output, force=force)
    data = workbooks.to_bytes(tpl.new_workbook(forbund.strip(), weeks, rows))
    if not no_encrypt:
        data = crypto.encrypt(data, _passwords(password_file, password_stdin), output)
    files.atomic_write(output, data)
    state = "okrypterad" if no_encrypt else "krypterad med det senaste lösenordet"
    _say(f"Skapade {output}: {len(weeks)} veckoflikar ({weeks[0]}–{weeks[-1]}), {rows} rader per vecka, {state}.")
    if no_encrypt:
        _warn(f"{output} är inte krypterad. Kryptera den innan personuppgifter skrivs in: "
              f"samrehab encrypt {output} --in-place")


@app.command()
@handled
def weeks(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Registreringsfilen (krypterad eller inte).")],
    to_week: Annotated[str, typer.Option("--to", metavar="VECKA", help="Sista veckan som ska finnas, ÅÅÅÅ-vVV.")],
    from_week: Annotated[Optional[str], typer.Option("--from", metavar="VECKA",
                                                     help="Första veckan. Standard: filens första vecka.")] = None,
    rows: Annotated[Optional[int], typer.Option("--rows", min=1, max=999,
                                                help="Rader per ny vecka. Standard: som filens senaste vecka.")]
    = None,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Lägg till de veckoflikar som saknas i en befintlig registreringsfil.

    Allt som redan är ifyllt behålls, liksom krypteringen och lösenordet. Filen ersätts atomärt.

    Exempel:

        samrehab weeks registrering.xlsx --to 2021-v20
    """
    from samrehab_cli.dates import parse_week, today, week_of, week_range
    from samrehab_cli.registration import template as tpl
    from samrehab_cli.storage import crypto, files, workbooks

    passwords = _passwords(password_file, password_stdin)
    opened = crypto.open_bytes(files.read_bytes(file), passwords, file)
    book = workbooks.open_for_change(opened.data, file)
    existing = tpl.week_sheets(book)
    first = parse_week(from_week) if from_week else (existing[0] if existing else week_of(today()))
    added = tpl.add_weeks(book, week_range(first, parse_week(to_week)), rows or tpl.rows_in_last_week(book))
    if not added:
        _say(f"Inga veckor saknades i {file}; filen är oförändrad.")
        return
    data = workbooks.to_bytes(book)
    if opened.encryption is not None:
        data = crypto.encrypt(data, passwords, file, slot=opened.slot or 0)
    files.atomic_write(file, data)
    span = f"{added[0]}" if len(added) == 1 else f"{added[0]}–{added[-1]}"
    _say(f"La till {len(added)} veckoflikar ({span}) i {file}.")
    if opened.encryption is None:
        _warn(f"{file} är inte krypterad. Kryptera den innan den mailas: samrehab encrypt {file} --in-place")


# --- encryption -----------------------------------------------------------------------------------------------
@app.command()
@handled
def encrypt(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Arbetsboken som ska krypteras (.xlsx).")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="UTFIL",
                                                   help="Den krypterade filen.")] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Ersätt FIL med den krypterade filen.")] = False,
    force: Force = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Kryptera en arbetsbok med ISF:s senaste lösenord, som Excel gör (AES-256).

    En fil som redan är krypterad med ett äldre lösenord krypteras om med det senaste. Lösenorden tas från
    --password-file (nyast först), --password-stdin, SAMREHAB_PASSWORD eller en fråga i terminalen.

    Exempel:

        samrehab encrypt vecka.xlsx -o vecka-krypterad.xlsx --password-file ~/isf-losenord.txt
    """
    from samrehab_cli.storage import crypto, files, workbooks

    if (output is None) == (not in_place):
        raise errors.BadOption(message="Ange var den krypterade filen ska sparas med -o UTFIL, "
                                       "eller --in-place för att ersätta filen (inte båda).")
    target = file if in_place else output
    assert target is not None
    if not in_place:
        files.check_output(target, force=force, inputs=(file,))
    passwords = _passwords(password_file, password_stdin)
    opened = crypto.open_bytes(files.read_bytes(file), passwords, file)
    workbooks.read(opened.data, file)  # refuse what is not a workbook before encrypting it
    data = crypto.encrypt(opened.data, passwords, target)
    files.atomic_write(target, data)
    if opened.encryption is None:
        _say(f"Krypterade {file} → {target} med det senaste lösenordet.")
    elif opened.with_newest:
        _say(f"{file} var redan krypterad med det senaste lösenordet; {target} är krypterad på nytt med det.")
    else:
        _say(f"{file} var krypterad med ett äldre lösenord; {target} är nu krypterad med det senaste.")
    if not in_place and opened.encryption is None:
        _warn(f"{file} är fortfarande okrypterad. Radera den när du har kontrollerat {target}.")


@app.command()
@handled
def decrypt(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Den krypterade arbetsboken.")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="UTFIL", help="Den okrypterade kopian.")],
    force: Force = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Spara en okrypterad kopia (det enda sättet att få klartext på disk).

    Kopian får rättigheterna 0600 (bara du kan läsa den). Radera den när du är klar.

    Exempel:

        samrehab decrypt vecka.xlsx -o vecka-okrypterad.xlsx
    """
    from samrehab_cli.storage import crypto, files, workbooks

    files.check_output(output, force=force, inputs=(file,))
    opened = crypto.open_bytes(files.read_bytes(file), _passwords(password_file, password_stdin), file)
    workbooks.read(opened.data, file)
    files.atomic_write(output, opened.data)
    if opened.encryption is None:
        _say(f"{file} var inte krypterad; kopierade den till {output}.")
    else:
        _say(f"Dekrypterade {file} → {output}.")
    _warn(f"{output} innehåller personuppgifter i klartext. Radera den när du är klar.")


# --- checking the registration workbook (SPEC §2.3–2.5) ---------------------------------------------------------
@app.command()
@handled
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FIL...", show_default=False,
                                                help="Registreringsfilerna (krypterade eller inte).")],
    week: Annotated[Optional[str], typer.Option("--week", metavar="VECKA", show_default=False,
                                                help="Kontrollera bara den här veckans flik, ÅÅÅÅ-vVV.")] = None,
    today_option: TodayOption = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT",
                                               help="human (standard), json eller github (annoteringar).")]
    = "human",
    mark: Annotated[bool, typer.Option(
        "--mark", help="Skriv en krypterad kopia där celler med fel är röda och varningar gula, med meddelandet "
                       "som anteckning (kräver -o).")] = False,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="UTFIL", show_default=False,
                                                   help="Den granskade kopian (med --mark).")] = None,
    force: Force = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Kontrollera registreringsfiler mot reglerna (samrehab rules) innan de skickas till ISF.

    Varje fynd visas med fil, flik och cell, regelns kod och vad som ska rättas. Slutkod 0 när inget fel
    finns (varningar tillåtna), 1 när minst ett fel finns, 2 när kontrollen inte kunde köras. En fil som
    inte går att öppna blir ett fynd (S101, S102), så att övriga filer ändå kontrolleras.

    Exempel:

        samrehab validate vecka.xlsx

        samrehab validate vecka.xlsx --week 2020-v39 --mark -o granskad.xlsx

        samrehab validate inkorg/*.xlsx --format json
    """
    from samrehab_cli import render
    from samrehab_cli.dates import parse_week
    from samrehab_cli.findings import Report
    from samrehab_cli.registration import markup
    from samrehab_cli.registration import validate as check
    from samrehab_cli.storage import crypto, files

    fmt = _format(output_format, "human", "json", "github")
    if mark != (output is not None):
        raise errors.BadOption(message="--mark och -o hör ihop: skriv --mark -o granskad.xlsx för en granskad "
                                       "kopia av filen.")
    if mark and len(paths) > 1:
        raise errors.BadOption(message="--mark märker upp en fil i taget. Ange bara en fil.")
    wanted = parse_week(week) if week else None
    day = _date_or_today(today_option)
    if output is not None:
        files.check_output(output, force=force, inputs=tuple(paths))
    passwords = _passwords(password_file, password_stdin)
    checked = [check.check_file(path, passwords, day, wanted) for path in paths]
    report = Report.of(finding for result in checked for finding in result.findings)
    marked = None
    if output is not None and checked[0].opened is not None:  # before any output: an .xls stops here (exit 2)
        plain = markup.mark(checked[0].opened.data, paths[0], checked[0].findings)
        marked = crypto.encrypt(plain, passwords, output)
    if fmt == "json":
        typer.echo(render.to_json(report))
    elif fmt == "github":
        if report.findings:
            typer.echo(render.report_github(report))
    else:
        render.report_human(report)
        if report.counts.fel:
            _say("Rätta felen och kör samrehab validate igen. Med --mark -o granskad.xlsx markeras cellerna i en "
                 "kopia av filen; samrehab rules visar alla regler.")
        elif report.counts.varning:
            _say("Inga fel. Gå igenom varningarna innan filen skickas; samrehab rules visar alla regler.")
    if output is not None:
        if marked is None:
            typer.echo(f"Ingen granskad kopia skrevs: {paths[0]} kunde inte öppnas.", err=True)
        else:
            files.atomic_write(output, marked)
            typer.echo(f"Skrev den granskade kopian {output} (krypterad med det senaste lösenordet).",
                       err=fmt != "human")
    raise typer.Exit(0 if report.valid else 1)


@app.command()
@handled
def rules(
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT",
                                               help="human (standard), json eller markdown.")] = "human",
) -> None:
    """Visa alla regler med kod, allvarlighet och vad regeln gäller.

    Registreringsfilens regler (S, V, K, samrehab validate) och deltagarregistrets (D, samrehab outcomes och
    samrehab ors).

    fel måste rättas innan filen skickas, varning bör ses över, info är bara en notering.

    Exempel:

        samrehab rules

        samrehab rules --format json
    """
    from samrehab_cli import render
    from samrehab_cli.catalog import RULES as every

    fmt = _format(output_format, "human", "json", "markdown")
    if fmt == "json":
        typer.echo(render.rules_json(every))
    elif fmt == "markdown":
        typer.echo(render.rules_markdown(every), nl=False)
    else:
        render.rules_human(every)


# --- outcome measures (SPEC §5) -----------------------------------------------------------------------------------
RegisterPaths = Annotated[
    Optional[list[Path]],
    typer.Option("--register", metavar="FIL_ELLER_MAPP", show_default=False,
                 help="Deltagarregistret: en arbetsbok eller en mapp med arbetsböcker (kan ges flera gånger). "
                      "Standard: participant_register i samrehab.toml, annars deltagarregister.xlsx."),
]
OrsFiles = Annotated[
    Optional[list[Path]],
    typer.Option("--ors", metavar="FIL", show_default=False,
                 help="Arbetsbok med ORS-mätningar (flik ORS), om de inte finns i deltagarregistret."),
]


def _register_paths(register: list[Path] | None) -> list[Path]:
    from samrehab_cli import config

    default = config.default("participant_register", "deltagarregister.xlsx")
    return list(register) if register else [default] if default else []


@app.command()
@handled
def outcomes(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help="Året (2020) eller halvåret (2020H1, 2020H2).")],
    register: RegisterPaths = None,
    ors: OrsFiles = None,
    output_format: Annotated[str, typer.Option(
        "--format", metavar="FORMAT", help="human (tabeller), csv, json eller xlsx (kräver -o).")] = "human",
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", metavar="RAPPORT.xlsx", show_default=False,
        help="Skriv rapporten som Excel-arbetsbok med tabeller och diagram.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Räkna inte alls om registret har fel (slutkod 1).")] = False,
    today_option: TodayOption = None,
    force: Force = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Utfallsmåtten enligt Södra Dalarnas policy för ett år eller halvår: totalt, per team och per kön.

    Visar antal aktiva, avslut, dropouts, avslut per orsak, aktiva vid ingången av nästa period, positivt
    utfall och måluppfyllelse, jämfört med föregående period när registret täcker den, samt
    bakgrundsvariablerna, avslut till arbete med och utan arbetsmarknadsstöd och kommentarerna bakom Annat.
    Rader med fel räknas inte med; de listas under tabellerna. Registret får vara krypterat.

    Exempel:

        samrehab outcomes 2020 --register deltagarregister.xlsx

        samrehab outcomes 2020H2 --register deltagare/ -o rapport-2020H2.xlsx

        samrehab outcomes 2020 --format json
    """
    from samrehab_cli import render
    from samrehab_cli.participants import outcomes as oc
    from samrehab_cli.participants import read as participants
    from samrehab_cli.participants.period import parse_period
    from samrehab_cli.storage import files

    fmt = _format(output_format, "human", "csv", "json", "xlsx")
    if fmt == "xlsx" and output is None:
        raise errors.BadOption(message="Ange rapportfilen med -o, till exempel -o rapport.xlsx.")
    if output is not None and fmt in ("csv", "json"):
        raise errors.BadOption(message="-o skriver rapporten som Excel-arbetsbok; ta bort --format "
                                       f"{fmt} eller -o.")
    chosen = parse_period(period)
    day = _date_or_today(today_option)
    paths = _register_paths(register)
    if output is not None:
        files.check_output(output, force=force, inputs=tuple(paths))
    data = participants.load(paths, _passwords(password_file, password_stdin), today=day, ors_paths=ors or ())
    if strict and data.has_errors:
        _refuse_with_errors(data.findings, fmt)
    result = oc.compute(data, chosen)
    if output is not None:
        files.atomic_write(output, render.outcomes_xlsx(result))
        _say(f"Skrev rapporten för {chosen.label} till {output}.")
        if result.excluded_rows:
            _warn(f"{result.excluded_rows} rader med fel är inte med i rapporten. Se dem med "
                  f"samrehab outcomes {chosen.label}.")
    elif fmt == "json":
        typer.echo(render.to_json(result))
    elif fmt == "csv":
        typer.echo(render.outcomes_csv(result), nl=False)
    else:
        render.outcomes_human(result)


@app.command()
@handled
def ors(
    due: Annotated[bool, typer.Option("--due", help="Lista deltagarna som behöver ORS nu.")] = False,
    date: Annotated[Optional[str], typer.Option("--date", metavar="DATUM", show_default=False,
                                                help="Dagen listan gäller, ÅÅÅÅ-MM-DD. Standard: i dag.")] = None,
    team: Annotated[Optional[str], typer.Option("--team", metavar="TEAM", show_default=False,
                                                help="Bara deltagare i det här teamet, till exempel Avesta.")] = None,
    register: RegisterPaths = None,
    ors_files: OrsFiles = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT",
                                               help="human (tabell), json eller csv.")] = "human",
    today_option: TodayOption = None,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Teamets arbetslista för ORS: vilka deltagare som behöver en ORS-mätning nu (bara Deltagar-ID).

    En deltagare listas när den senaste ORS-mätningen (annars Inskrivningsdatum) är mer än en månad gammal.
    ORS senast är två månader efter den, som policyn kräver; Försenad när den dagen har passerat. Den som
    avslutas senast den dagen listas inte. Mätningar med fel räknas inte.

    Exempel:

        samrehab ors --due --team Avesta

        samrehab ors --due --date 2021-03-01 --register deltagarregister.xlsx --format csv
    """
    from samrehab_cli import render
    from samrehab_cli.participants import ors as ors_lib
    from samrehab_cli.participants import read as participants

    if not due:
        raise errors.BadOption(message="Lägg till --due för att lista vilka som behöver ORS. ORS-uppföljningen "
                                       "per period visas av samrehab outcomes.")
    fmt = _format(output_format, "human", "json", "csv")
    day = _date_or_today(date)
    checked_on = _date_or_today(today_option)
    data = participants.load(_register_paths(register), _passwords(password_file, password_stdin), today=checked_on,
                    ors_paths=ors_files or ())
    result = ors_lib.due(data, day, team.strip() if team else None)
    if fmt == "json":
        typer.echo(render.to_json(result))
    elif fmt == "csv":
        typer.echo(render.due_csv(result), nl=False)
    else:
        render.due_human(result)


def _refuse_with_errors(findings: list[Any], fmt: str) -> None:
    """--strict: show the findings and stop with exit code 1."""
    from samrehab_cli import render
    from samrehab_cli.findings import Report

    report = Report.of(findings)
    if fmt == "json":
        typer.echo(render.to_json(report))
    else:
        render.report_human(report)
    typer.echo("Inget beräknades eftersom registret har fel (--strict). Rätta raderna ovan och kör igen.", err=True)
    raise typer.Exit(1)


def main() -> None:
    app()
