"""Commands for the teams' participant register: outcomes and the ORS working list (docs/utfall.md)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from samrehab_cli import errors
from samrehab_cli.cli import common
from samrehab_cli.cli.common import Force, PasswordFile, PasswordStdin, TodayOption, handled
from samrehab_cli.render import formats

if TYPE_CHECKING:
    from samrehab_cli.findings import Finding

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


@handled
def outcomes(
    period: Annotated[str, typer.Argument(metavar="PERIOD", help="Året (2020) eller halvåret (2020H1, 2020H2).")],
    register: RegisterPaths = None,
    ors: OrsFiles = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.OUTCOMES.help)]
    = formats.OUTCOMES.default,
    output: Annotated[Path | None, typer.Option(
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
    from samrehab_cli.participants import outcomes as oc
    from samrehab_cli.participants import read as participants
    from samrehab_cli.participants.period import parse_period
    from samrehab_cli.storage import files

    chosen = formats.OUTCOMES.choose(output_format)
    if chosen.save is not None and output is None:
        raise errors.BadOption(message="Ange rapportfilen med -o, till exempel -o rapport.xlsx.")
    if output is not None and chosen.name not in (formats.OUTCOMES.default, formats.OUTCOMES.file.name):
        raise errors.BadOption(message="-o skriver rapporten som Excel-arbetsbok; ta bort --format "
                                       f"{chosen.name} eller -o.")
    wanted = parse_period(period)
    day = common.date_or_today(today_option)
    paths = register_paths(register)
    if output is not None:
        files.check_output(output, force=force, inputs=tuple(paths))
    passwords = common.read_passwords(password_file, password_stdin)
    data = participants.load(paths, passwords, today=day, ors_paths=ors or ())
    if strict and data.has_errors:
        _refuse_with_errors(data.findings, as_json=chosen.name == "json")
    result = oc.compute(data, wanted)
    if output is not None:
        save = formats.OUTCOMES.file.save
        assert save is not None
        files.atomic_write(output, save(result))
        common.say(f"Skrev rapporten för {wanted.label} till {output}.")
        if result.excluded_rows:
            common.warn(f"{result.excluded_rows} rader med fel är inte med i rapporten. Se dem med "
                 f"samrehab outcomes {wanted.label}.")
    else:
        assert chosen.show is not None
        chosen.show(result)


@handled
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
    avslutas senast den dagen listas inte. Mätningar med fel räknas inte.

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
    data = participants.load(register_paths(register), common.read_passwords(password_file, password_stdin),
                             today=checked_on, ors_paths=ors_files or ())
    result = ors_lib.due(data, day, team.strip() if team else None)
    assert chosen.show is not None
    chosen.show(result)


def _refuse_with_errors(findings: "list[Finding]", *, as_json: bool) -> None:
    """--strict: show the findings and stop with exit code 1."""
    from samrehab_cli.findings import Report

    shown = formats.FINDINGS.choose("json" if as_json else "human").show
    assert shown is not None
    shown(Report.of(findings))
    common.say("Inget beräknades eftersom registret har fel (--strict). Rätta raderna ovan och kör igen.", err=True)
    raise typer.Exit(1)
