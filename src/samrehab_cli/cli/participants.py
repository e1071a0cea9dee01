"""Commands for the teams' participant register: outcomes and the ORS working list (docs/utfall.md)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from samrehab_cli import errors, shell
from samrehab_cli.cli import common
from samrehab_cli.cli.common import Force, PasswordFile, PasswordStdin, TodayOption
from samrehab_cli.render import formats

if TYPE_CHECKING:
    from samrehab_cli.participants.read import ParticipantRegister

RegisterPaths = Annotated[
    list[Path] | None,
    typer.Option("--register", metavar="FIL_ELLER_MAPP", show_default=False,
                 help="Deltagarregistret: en arbetsbok eller en mapp med arbetsböcker (kan ges flera gånger). "
                      "Standard: participant_register i samrehab.toml, annars deltagarregister.xlsx."),
]
OrsFiles = Annotated[
    list[Path] | None,
    typer.Option("--ors", metavar="FIL", show_default=False,
                 help="Arbetsbok med ORS-mätningar (flik ORS), om de inte finns i deltagarregistret."),
]


def register_paths(register: list[Path] | None) -> list[Path]:
    """The participant register's files: those given, else the default of ``samrehab.toml``, else the usual name."""
    from samrehab_cli import config

    default = config.default("participant_register", "deltagarregister.xlsx")
    return list(register) if register else [default] if default else []


def outcomes(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help="Året (2020) eller halvåret (2020H1, 2020H2).")],
    register: RegisterPaths = None,
    ors: OrsFiles = None,
    output_format: Annotated[str | None, typer.Option("--format", metavar="FORMAT", show_default=False,
                                                      help=formats.OUTCOMES.help)] = None,
    output: Annotated[Path | None, typer.Option(
        "-o", "--output", metavar="RAPPORT", show_default=False,
        help="Skriv rapporten till en fil: .xlsx (arbetsbok med tabeller och diagram), .csv eller .json.")] = None,
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
    Rader med fel räknas inte med; de listas under tabellerna, och slutkoden blir 1. Har alla rader fel
    räknas ingenting. Registret får vara krypterat. CSV är för svenska Excel: semikolon, decimalkomma och
    UTF-8 med BOM, så att filen öppnas rätt med ett dubbelklick.

    Exempel:

        samrehab outcomes 2020 --register deltagarregister.xlsx

        samrehab outcomes 2020H2 --register deltagare/ -o rapport-2020H2.xlsx

        samrehab outcomes 2020 --format csv > utfall-2020.csv
    """
    from samrehab_cli.participants import frames
    from samrehab_cli.participants import outcomes as oc
    from samrehab_cli.participants import read as participants
    from samrehab_cli.participants.period import parse_period
    from samrehab_cli.storage import files

    chosen = formats.OUTCOMES.choose(output_format or formats.OUTCOMES.default)
    if output is not None:
        chosen = formats.OUTCOMES.for_output(output, output_format)
    elif chosen.show is None:
        raise errors.BadOption(message=f"--format {chosen.name} skrivs till en fil: ange den med -o, till exempel "
                                       f"-o rapport{chosen.extension}.")
    wanted = parse_period(period)
    day = common.date_or_today(today_option)
    paths = register_paths(register)
    if output is not None:
        files.check_output(output, force=force, inputs=tuple(paths))
    passwords = common.read_passwords(password_file, password_stdin)
    with common.working("Läser deltagarregistret …"):
        data = participants.load(paths, passwords, today=day, ors_paths=ors or (),
                                 meanwhile=frames.import_numpy_meanwhile)
    if (strict and data.has_errors) or _nothing_counts(data):
        _refuse_with_errors(data, as_json=chosen.name == "json", written=output is not None, strict=strict)
    result = oc.compute(data, wanted)
    if output is not None:
        save = chosen.save
        assert save is not None
        files.atomic_write(output, save(result))
        common.say(f"Skrev rapporten för {wanted.label} till {output}.")
        if result.excluded_rows:
            common.warn(f"{result.excluded_rows} rader med fel är inte med i rapporten. Se dem med "
                        f"{shell.command('samrehab', 'outcomes', wanted.label, *_register_words(register))}.")
    else:
        chosen.render(result)
    if data.has_errors:
        raise typer.Exit(1)


def _register_words(register: list[Path] | None) -> list[object]:
    """``--register FIL`` as given, for a command to paste."""
    return [word for path in register or () for word in ("--register", path)]


def ors(
    due: Annotated[bool, typer.Option("--due", help="Lista deltagarna som behöver ORS nu.")] = False,
    date: Annotated[str | None, typer.Option("--date", metavar="DATUM", show_default=False,
                                                help="Dagen listan gäller, ÅÅÅÅ-MM-DD. Standard: i dag.")] = None,
    team: Annotated[str | None, typer.Option("--team", metavar="TEAM", show_default=False,
                                                help="Bara deltagare i det här teamet, till exempel Avesta.")] = None,
    register: RegisterPaths = None,
    ors_files: OrsFiles = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.DUE.help)]
    = formats.DUE.default,
    today_option: TodayOption = None,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Teamets arbetslista för ORS: vilka deltagare som behöver en ORS-mätning nu (bara Deltagar-ID).

    En deltagare listas när den senaste ORS-mätningen (annars Inskrivningsdatum) är mer än en månad gammal.
    ORS senast är två månader efter den, som policyn kräver; Försenad när den dagen har passerat. Den som
    avslutas senast den dagen listas inte. Mätningar och rader med fel räknas inte (slutkod 1). CSV är för
    svenska Excel: semikolon, decimalkomma och UTF-8 med BOM.

    Exempel:

        samrehab ors --due --team Avesta

        samrehab ors --due --date 2021-03-01 --register deltagarregister.xlsx --format csv
    """
    from samrehab_cli.participants import ors as ors_lib
    from samrehab_cli.participants import read as participants

    if not due:
        raise errors.BadOption(message="Lägg till --due för att lista vilka som behöver ORS. ORS-uppföljningen "
                                       "per period visas av samrehab outcomes.")
    chosen = formats.DUE.choose(output_format)
    day = common.date_or_today(date)
    checked_on = common.date_or_today(today_option)
    passwords = common.read_passwords(password_file, password_stdin)
    with common.working("Läser deltagarregistret …"):
        data = participants.load(register_paths(register), passwords, today=checked_on, ors_paths=ors_files or ())
    if _nothing_counts(data):
        _refuse_with_errors(data, as_json=chosen.name == "json", written=False, strict=False)
    result = ors_lib.due(data, day, team.strip() if team else None)
    chosen.render(result)
    if data.has_errors:
        raise typer.Exit(1)


def _nothing_counts(data: "ParticipantRegister") -> bool:
    """Every participant row has a fel: any table would be all zeros."""
    return bool(data.excluded) and len(data.participants) == 0


def _refuse_with_errors(data: "ParticipantRegister", *, as_json: bool, written: bool, strict: bool) -> None:
    """Show the findings, say why nothing was computed, and stop with exit code 1 (--strict, or no row counts)."""
    from collections import Counter

    from samrehab_cli.catalog import RULE
    from samrehab_cli.findings import Report

    formats.FINDINGS.choose("json" if as_json else "human").render(Report.of(data.findings))
    nothing = " och ingen fil skrevs" if written else ""
    if not _nothing_counts(data):
        common.say(f"Inget beräknades{nothing} eftersom registret har fel (--strict). Rätta raderna ovan och kör "
                   "igen.", err=True)
        raise typer.Exit(1)
    codes = Counter(f.code for f in data.findings if f.severity == "fel" and not f.code.startswith("D42"))  # not ORS
    code, count = codes.most_common(1)[0]
    cause = f"vanligast är {code}, {RULE[code].title.lower()} ({count} gånger)."
    files = {f.file for f in data.findings if f.code == "D401"}  # a duplicate across files is found in each
    if code == "D401" and len(files) > 1:
        cause = (f"samma Deltagar-ID finns i flera filer ({', '.join(sorted(files))}): ligger samma register där "
                 "två gånger?")
    common.say(f"Fel: Alla {data.excluded} rader i deltagarregistret har fel, så ingenting räknades{nothing}: "
               f"{cause} Rätta raderna ovan och kör igen.", err=True)
    raise typer.Exit(1)
