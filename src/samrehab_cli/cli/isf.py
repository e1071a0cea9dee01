"""Commands at ISF: merge the inbox into the master register, and the register's status (docs/huvudregister.md)."""

from pathlib import Path
from typing import Annotated

import typer

from samrehab_cli.cli import common
from samrehab_cli.cli.common import PasswordFile, PasswordStdin, TodayOption
from samrehab_cli.render import formats

RegisterFile = Annotated[
    Path | None,
    typer.Option("--register", metavar="FIL", show_default=False,
                 help="Huvudregistret. Standard: register i samrehab.toml, annars huvudregister.xlsx."),
]


def merge(
    inbox: Annotated[Path | None, typer.Argument(metavar="INKORG", show_default=False,
                                                  help="Mappen med de inkomna filerna, gärna en undermapp per "
                                                       "förbund. Standard: inbox i samrehab.toml.")] = None,
    register: RegisterFile = None,
    receipts: Annotated[Path | None, typer.Option("--receipts", metavar="MAPP", show_default=False,
                                                   help="Mappen för kvittenserna. Standard: receipts i "
                                                        "samrehab.toml, annars kvitton/.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Visa vad som skulle hända, men skriv ingenting.")]
    = False,
    retry: Annotated[bool, typer.Option("--retry", help="Läs in igen filer som inte kunde läsas förra gången (till "
                                                        "exempel när ett lösenord saknades).")] = False,
    allocation: Annotated[list[Path] | None, typer.Option("--allocation", metavar="FIL", show_default=False,
                                                         help="Ett förbunds kuvertlista (samrehab envelopes); ges "
                                                              "en gång per förbund. En grupp som inte stämmer med "
                                                              "kuvertet blir K330.")] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.MERGE.help)]
    = formats.MERGE.default,
    today_option: TodayOption = None,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Läs in alla nya filer i inkorgen i ISF:s krypterade huvudregister, med kvittens per fil.

    En fil som redan är inläst (samma SHA-256) hoppas över, så samma inkorg kan läsas in hur många gånger som helst.
    Ändrade rader uppdateras och loggas; en tom cell raderar aldrig något; en ändrad grupp är en konflikt som inte
    genomförs. Filer som inte kan öppnas rapporteras och resten läses in. Inga filer i inkorgen ändras.
    Slutkod 1 när något behöver åtgärdas (en fil som inte lästes in, en konflikt, rader med fel).

    Exempel:

        samrehab merge inkorg/

        samrehab merge inkorg/ --dry-run

        samrehab merge inkorg/ --allocation kuvert-Avesta.xlsx --allocation kuvert-Hedemora.xlsx
    """
    from samrehab_cli.dates import now
    from samrehab_cli.isf import merge as merging

    chosen = formats.MERGE.choose(output_format)
    folder = common.default_path("inbox", inbox, "inkorg")
    day = common.date_or_today(today_option)
    passwords = common.read_passwords(password_file, password_stdin)
    with common.progress("Läser in filer") as progress:
        result = merging.merge(folder, common.default_path("register", register, "huvudregister.xlsx"),
                               common.default_path("receipts", receipts, "kvitton"), passwords, today=day, now=now(),
                               dry_run=dry_run, retry=retry, allocations=allocation or (), progress=progress)
    chosen.render(result)
    if result.not_retried and chosen.name == "human":
        count = len(result.not_retried)
        files = "1 fil" if count == 1 else f"{count} filer"
        common.say(f"{files} som inte kunde läsas in förra gången provades inte igen; lägg till --retry för att "
                   "läsa in igen (till exempel när ett lösenord saknades).", err=True)
    raise typer.Exit(1 if result.has_errors else 0)


def status(
    register: RegisterFile = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.STATUS.help)]
    = formats.STATUS.default,
    today_option: TodayOption = None,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Visa vad som har kommit in från varje förbund och om huvudregistret är orört.

    Per förbund: mottagna veckor, den senaste filen och när den lästes in, veckor som saknas sedan förbundets
    första vecka, antal som samtycker och avböjer, och fördelningen mellan behandlings- och kontrollgrupp jämfört
    med planerade 60/40 (med ett exakt binomialtest). Ändringsloggen kontrolleras, och varje cell som har ändrats
    utanför samrehab visas. Slutkod 1 när registret har ändrats utanför samrehab.

    Exempel:

        samrehab status

        samrehab status --register huvudregister.xlsx --format json
    """
    from samrehab_cli.isf import status as checking

    chosen = formats.STATUS.choose(output_format)
    result = checking.status(common.default_path("register", register, "huvudregister.xlsx"),
                             common.read_passwords(password_file, password_stdin),
                             common.date_or_today(today_option))
    chosen.render(result)
    raise typer.Exit(0 if result.audit.intact else 1)
