"""The follow-up after the merge: sealed envelopes, reminders, surveys at ISF, and purge at the förbund
(docs/uppfoljning.md)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from samrehab_cli import errors
from samrehab_cli.cli import common
from samrehab_cli.cli.common import Force, PasswordFile, PasswordStdin
from samrehab_cli.cli.isf import RegisterFile
from samrehab_cli.render import formats

if TYPE_CHECKING:
    import datetime as dt

REGISTER = "huvudregister.xlsx"


def envelopes(
    count: Annotated[int, typer.Option("--count", metavar="ANTAL", min=1, max=10_000,
                                       help="Antal nya kuvert (avrundas uppåt till hela block om 5).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="FIL", show_default=False,
                                                   help="Den nya kuvertlistan (krypterad). Finns den redan: använd "
                                                        "--continue.")] = None,
    forbund: Annotated[str | None, typer.Option("--forbund", metavar="NAMN", show_default=False,
                                                   help="Samordningsförbundets namn (krävs för en ny lista).")] = None,
    continue_list: Annotated[Path | None, typer.Option("--continue", metavar="FIL", show_default=False,
                                                          help="Fortsätt förbundets kuvertlista: de nya kuverten "
                                                               "läggs efter de gamla i samma fil.")] = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.ENVELOPES.help)]
    = formats.ENVELOPES.default,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Gör kuvertlistan för förslutna kuvert: kuvertnummer med grupp, lottade i block.

    Blocken har 5 eller 10 kuvert (storleken lottas också) med exakt 60 % Behandlingsgrupp, i slumpvis ordning
    från operativsystemets säkra slumpkälla. Listan sparas krypterad, med ett blad etiketter att skriva ut (bara
    numret, A4, klipplinjer). En lista fortsätts i samma fil, så ett kuvertnummer används aldrig två gånger.

    Exempel:

        samrehab envelopes --forbund Avesta --count 200 -o kuvert-Avesta.xlsx

        samrehab envelopes --continue kuvert-Avesta.xlsx --count 100
    """
    from samrehab_cli.dates import today
    from samrehab_cli.isf import envelopes as allocation

    chosen = formats.ENVELOPES.choose(output_format)
    if (output is None) == (continue_list is None):
        raise errors.BadOption(message="Ange en ny lista med -o FIL (och --forbund NAMN), eller fortsätt en "
                                       "tidigare med --continue FIL (inte båda).")
    path = continue_list or output
    assert path is not None
    result = allocation.make(path, common.read_passwords(password_file, password_stdin), count=count,
                             today=today(), forbund=forbund, continued=continue_list is not None)
    chosen.render(result)


def reminders(
    register: RegisterFile = None,
    from_date: Annotated[str | None, typer.Option("--from", metavar="DATUM", show_default=False,
                                                     help="Första dagen, ÅÅÅÅ-MM-DD. Standard: i dag.")] = None,
    weeks: Annotated[int, typer.Option("--weeks", metavar="VECKOR", min=1, max=520,
                                       help="Hur många veckor från --from.")] = 4,
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="MAPP", show_default=False,
                                                   help="Skriv en krypterad lista per förbund i MAPP.")] = None,
    force: Force = False,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.REMINDERS.help)]
    = formats.REMINDERS.default,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Vilka i kontrollgruppen förbunden ska påminnas om: de som ska kallas om en månad.

    Kallelsedagen är datum samtycke (annars datum informationsmöte) plus 6 månader; påminnelsen är en månad
    före. Listan visar per förbund löpnummer och kallelsedag, inga namn. Med -o MAPP skrivs en krypterad lista per
    förbund att skicka.

    Exempel:

        samrehab reminders

        samrehab reminders --from 2021-03-01 --weeks 4 -o paminnelser/
    """
    from samrehab_cli.isf import followup

    chosen = formats.REMINDERS.choose(output_format)
    result = followup.reminders(common.default_path("register", register, REGISTER),
                                common.read_passwords(password_file, password_stdin),
                                common.date_or_today(from_date), weeks, folder=output, force=force)
    chosen.render(result)


def surveys(
    register: RegisterFile = None,
    date: Annotated[str | None, typer.Option("--date", metavar="DATUM", show_default=False,
                                             help="Sista dagen, ÅÅÅÅ-MM-DD. Standard: i dag.")] = None,
    from_date: Annotated[str | None, typer.Option("--from", metavar="DATUM", show_default=False,
                                                     help="Första dagen. Standard: samma som --date; med --sent "
                                                          "från början.")] = None,
    sent: Annotated[Path | None, typer.Option("--sent", metavar="FIL", show_default=False,
                                                 help="Loggen över skickade enkäter (krypterad): de som står där "
                                                      "visas inte.")] = None,
    mark_sent: Annotated[bool, typer.Option("--mark-sent", help="Lägg till enkäterna i listorna i loggen --sent "
                                                                "(skapas om den saknas).")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="MAPP", show_default=False,
                                                   help="Skriv listorna i MAPP: e-post och SMS (krypterade) och "
                                                        "pappersenkäter per förbund.")] = None,
    plaintext: Annotated[bool, typer.Option("--plaintext", help="Skriv e-post- och SMS-listorna som okrypterad CSV "
                                                                "(för utskicksverktyget).")] = False,
    force: Force = False,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.SURVEYS.help)]
    = formats.SURVEYS.default,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Vilka som ska få start-, 6-månaders- eller 12-månadersenkäten, per kanal.

    Startdagen är datum samtycke (annars datum informationsmöte); enkäterna ska skickas den dagen och 6 och 12
    månader senare. Kanalen är papper när förbundet har skrivit Ja i Pappersenkät (listan går till förbundet, bara
    löpnummer), annars e-post, annars SMS. Med -o MAPP skrivs listorna; e-post och SMS krypterade, eller med
    --plaintext som CSV. Med --sent och --mark-sent skickas varje enkät en gång.

    Exempel:

        samrehab surveys --date 2021-04-01

        samrehab surveys --sent skickat.xlsx --mark-sent -o enkater/
    """
    from samrehab_cli.dates import parse_date_option, today
    from samrehab_cli.isf import followup
    from samrehab_cli.render.followup import list_csv

    chosen = formats.SURVEYS.choose(output_format)
    if plaintext and output is None:
        raise errors.BadOption(message="--plaintext gäller listorna som skrivs med -o MAPP.")
    last = common.date_or_today(date)
    if from_date:
        first: dt.date | None = parse_date_option(from_date)
    else:  # one day; with a sent-log, everything not sent yet
        first = None if sent is not None else last
    if first is not None and first > last:
        raise errors.BadOption(message=f"--from {first} är efter {last}. Ange den tidigare dagen med --from.")
    result = followup.surveys(common.default_path("register", register, REGISTER),
                              common.read_passwords(password_file, password_stdin),
                              followup.Window(first=first, last=last), sent_log=sent, mark_sent=mark_sent,
                              folder=output, today=today(), plaintext=list_csv if plaintext else None, force=force)
    chosen.render(result)
    if plaintext and result.files:
        common.warn("e-post- och SMS-listorna är okrypterade CSV-filer med kontaktuppgifter. Radera dem så snart "
                    "utskicket är gjort.")


def purge(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Förbundets registreringsfil (krypterad eller inte).")],
    receipt: Annotated[Path, typer.Option("--receipt", metavar="KVITTENS",
                                          help="Kvittensen från ISF för den skickade filen.")],
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.PURGE.help)]
    = formats.PURGE.default,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Töm de rader som ISF har bekräftat i kvittensen (på förbundet, efter ISF:s kvittens).

    Varje rad som kvittensen nämner och som inte har ändrats sedan filen skickades töms, utom Löpnummer (så att
    numreringen fortsätter). En rad som har ändrats efteråt töms inte och visas. Filen behåller sin kryptering och
    sitt lösenord och ersätts atomärt. Slutkod 1 när en rad inte kunde tömmas för att den har ändrats.

    Exempel:

        samrehab purge registrering.xlsx --receipt Avesta-13ade22b4476.txt
    """
    from samrehab_cli.isf import purge as purging

    chosen = formats.PURGE.choose(output_format)
    result = purging.purge(file, receipt, common.read_passwords(password_file, password_stdin))
    chosen.render(result)
    raise typer.Exit(1 if result.changed else 0)


COMMANDS = (envelopes, reminders, surveys, purge)
