"""Commands for the registration workbook: template, weeks, encrypt, decrypt, validate and rules.

The workbook is described in docs/registreringsfil.md, its encryption in docs/kryptering.md.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from samrehab_cli import errors, shell
from samrehab_cli.cli import common
from samrehab_cli.cli.common import Force, PasswordFile, PasswordStdin, TodayOption, Yes
from samrehab_cli.render import formats

if TYPE_CHECKING:
    from openpyxl import Workbook as OpenpyxlWorkbook

    from samrehab_cli.dates import Week

XLSX = (".xlsx", "Excel-arbetsbok")
MANY_WEEKS = 60  # more new week tabs than this at once is most likely a mistyped --to
PROPERTY_LIMIT = 255  # characters in an Excel document property (the förbund's name is one)


def _many_weeks_agreed(added: "list[Week]", file: Path, yes: bool) -> None:
    """More than :data:`MANY_WEEKS` new tabs: asked on a terminal, refused elsewhere unless --yes says so."""
    if len(added) <= MANY_WEEKS or yes:
        return
    span = f"{added[0]}–{added[-1]}"
    if common.confirm(f"Det blir {len(added)} nya veckoflikar i {file} ({span}). Är det rätt?"):
        return
    raise errors.BadOption(message=f"Ingenting ändrades: {len(added)} nya veckoflikar ({span}) är fler än "
                                   f"{MANY_WEEKS}. Kontrollera --from och --to, eller lägg till --yes om det är rätt.")


# --- the registration workbook ----------------------------------------------------------------------------------
def template(
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FIL", help="Arbetsboken som skapas.")],
    forbund: Annotated[str, typer.Option("--forbund", metavar="NAMN", help="Samordningsförbundets namn.")],
    from_week: Annotated[str | None, typer.Option("--from", metavar="VECKA",
                                                     help="Första veckan, ÅÅÅÅ-vVV. Standard: denna vecka.")] = None,
    to_week: Annotated[str | None, typer.Option("--to", metavar="VECKA",
                                                   help="Sista veckan, ÅÅÅÅ-vVV. Standard: 12 veckor efter --from.")]
    = None,
    rows: Annotated[int, typer.Option("--rows", min=1, max=999, help="Rader (löpnummer) per vecka.")] = 40,
    no_encrypt: Annotated[bool, typer.Option("--no-encrypt",
                                             help="Spara utan kryptering (avråds: personuppgifter ska krypteras).")]
    = False,
    force: Force = False,
    yes: Yes = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Skapa registreringsfilen: fliken Instruktioner och en flik per vecka, med rullistor.

    Filen krypteras med det senaste lösenordet, så att personuppgifter aldrig sparas okrypterade. Fler än 60
    veckor på en gång frågar först (eller kräver --yes).

    Exempel:

        samrehab template -o registrering.xlsx --forbund "Södra Dalarnas Samordningsförbund" --to 2021-v10
    """
    from samrehab_cli.dates import parse_week, today, week_of, week_range, weeks_after
    from samrehab_cli.registration import template as tpl
    from samrehab_cli.storage import crypto, files, workbooks

    name = forbund.strip()
    if not name:
        raise errors.BadOption(message="Ange samordningsförbundets namn med --forbund.")
    if len(name) > PROPERTY_LIMIT:
        raise errors.BadOption(message=f"Förbundets namn är {len(name)} tecken långt; Excel sparar högst "
                                       f"{PROPERTY_LIMIT} i en dokumentegenskap. Korta namnet i --forbund.")
    common.check_extension(output, *XLSX)
    first = parse_week(from_week) if from_week else week_of(today())
    last = parse_week(to_week) if to_week else weeks_after(first, 12)
    weeks = week_range(first, last)
    files.check_output(output, force=force)
    _many_weeks_agreed(weeks, output, yes)
    passwords = None if no_encrypt else common.read_passwords(password_file, password_stdin)
    with common.working(f"Skapar {output} …"):
        data = workbooks.to_bytes(tpl.new_workbook(name, weeks, rows))
        if passwords is not None:
            data = crypto.encrypt(data, passwords, output)
        files.atomic_write(output, data)
    state = "okrypterad" if no_encrypt else "krypterad med det senaste lösenordet"
    common.say(f"Skapade {output}: {len(weeks)} veckoflikar ({weeks[0]}–{weeks[-1]}), {rows} rader per vecka, {state}.")
    if no_encrypt:
        common.warn(f"{output} är inte krypterad. Kryptera den innan personuppgifter skrivs in: "
                    f"{shell.command('samrehab', 'encrypt', output, '--in-place')}")


def weeks(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Registreringsfilen (krypterad eller inte).")],
    to_week: Annotated[str, typer.Option("--to", metavar="VECKA", help="Sista veckan som ska finnas, ÅÅÅÅ-vVV.")],
    from_week: Annotated[str | None, typer.Option("--from", metavar="VECKA",
                                                     help="Första veckan. Standard: filens första vecka.")] = None,
    rows: Annotated[int | None, typer.Option("--rows", min=1, max=999,
                                                help="Rader per ny vecka. Standard: som filens senaste vecka.")]
    = None,
    yes: Yes = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Lägg till de veckoflikar som saknas i en befintlig registreringsfil.

    Allt som redan är ifyllt behålls, liksom krypteringen och lösenordet. Filen ersätts atomärt. Fler än 60 nya
    veckoflikar på en gång frågar först (eller kräver --yes).

    Exempel:

        samrehab weeks registrering.xlsx --to 2021-v20
    """
    from samrehab_cli import schema
    from samrehab_cli.dates import parse_week, today, week_of, week_range
    from samrehab_cli.registration import template as tpl
    from samrehab_cli.storage import workbooks

    last = parse_week(to_week)
    first_asked = parse_week(from_week) if from_week else None

    def add(book: "OpenpyxlWorkbook") -> "list[Week]":
        existing = tpl.week_sheets(book)
        if not existing and schema.INSTRUCTIONS_SHEET not in book.sheetnames:
            raise errors.NotARegistrationWorkbook(path=file)
        first = first_asked or (existing[0] if existing else week_of(today()))
        wanted = [week for week in week_range(first, last) if week not in existing]
        _many_weeks_agreed(wanted, file, yes)
        return tpl.add_weeks(book, wanted, rows or tpl.rows_in_last_week(book))

    with common.working(f"Lägger till veckoflikar i {file} …"):
        added, opened = workbooks.rewrite(file, common.read_passwords(password_file, password_stdin), add)
    if not added:
        common.say(f"Inga veckor saknades i {file}; filen är oförändrad.")
        return
    span = f"{added[0]}" if len(added) == 1 else f"{added[0]}–{added[-1]}"
    common.say(f"La till {len(added)} veckoflikar ({span}) i {file}.")
    if opened.encryption is None:
        common.warn(f"{file} är inte krypterad. Kryptera den innan den mailas: "
                    f"{shell.command('samrehab', 'encrypt', file, '--in-place')}")


# --- encryption -----------------------------------------------------------------------------------------------
def encrypt(
    file: Annotated[Path, typer.Argument(metavar="FIL", help="Arbetsboken som ska krypteras (.xlsx).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="UTFIL",
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
        if _same_file(target, file):
            raise errors.OutputIsInputUseInPlace(path=target)
        common.check_extension(target, *XLSX)
        files.check_output(target, force=force, inputs=(file,))
    passwords = common.read_passwords(password_file, password_stdin)
    with common.working(f"Krypterar {file} …"):
        opened = crypto.open_bytes(files.read_bytes(file), passwords, file)
        workbooks.check(opened.data, file)  # refuse what is not a workbook before encrypting it
        data = crypto.encrypt(opened.data, passwords, file)  # an error names the input (an .xls, say)
        files.atomic_write(target, data)
    if opened.encryption is None:
        common.say(f"Krypterade {file} → {target} med det senaste lösenordet.")
    elif opened.with_newest:
        common.say(f"{file} var redan krypterad med det senaste lösenordet; {target} är krypterad på nytt med det.")
    else:
        common.say(f"{file} var krypterad med ett äldre lösenord; {target} är nu krypterad med det senaste.")
    if not in_place and opened.encryption is None:
        common.warn(f"{file} är fortfarande okrypterad. Radera den när du har kontrollerat {target}.")


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.exists() and one.samefile(other)
    except OSError:
        return False


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

    if output.suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        common.check_extension(output, *XLSX)
    files.check_output(output, force=force, inputs=(file,))
    passwords = common.read_passwords(password_file, password_stdin)
    with common.working(f"Dekrypterar {file} …"):
        opened = crypto.open_bytes(files.read_bytes(file), passwords, file)
        workbooks.check(opened.data, file)
        if opened.data.startswith(crypto.OLE_MAGIC):  # Excel opens a file by its name's ending
            common.check_extension(output, ".xls", "Excel 97–2003-arbetsbok, som originalet")
        elif output.suffix.lower() == ".xls":
            common.check_extension(output, *XLSX)
        files.atomic_write(output, opened.data, plaintext=True)
    if opened.encryption is None:
        common.say(f"{file} var inte krypterad; kopierade den till {output}.")
    else:
        common.say(f"Dekrypterade {file} → {output}.")
    common.warn(f"{output} innehåller personuppgifter i klartext. Radera den när du är klar.")


# --- checking the registration workbook (docs/registreringsfil.md, docs/utdata.md) ------------------------------
def validate(
    paths: Annotated[list[Path], typer.Argument(metavar="FIL...", show_default=False,
                                                help="Registreringsfilerna (krypterade eller inte).")],
    week: Annotated[str | None, typer.Option("--week", metavar="VECKA", show_default=False,
                                                help="Kontrollera bara den här veckans flik, ÅÅÅÅ-vVV.")] = None,
    today_option: TodayOption = None,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.REPORT.help)]
    = formats.REPORT.default,
    mark: Annotated[bool, typer.Option(
        "--mark", help="Skriv en krypterad kopia där celler med fel är röda och varningar gula, med meddelandet "
                       "som anteckning (kräver -o).")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", metavar="UTFIL", show_default=False,
                                                   help="Den granskade kopian (med --mark).")] = None,
    force: Force = False,
    password_file: PasswordFile = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Kontrollera registreringsfiler mot reglerna (samrehab rules) innan de skickas till ISF.

    Varje fynd visas med fil, flik och cell, regelns kod och vad som ska rättas. Slutkod 0 när inget fel
    finns (varningar tillåtna), 1 när minst ett fel finns, 2 när kontrollen inte kunde köras (till exempel
    en okänd flagga eller en utfil som redan finns). En fil som inte går att öppna (fel lösenord, inte en
    arbetsbok) är ett fel i filen, S101 eller S102, alltså slutkod 1: då kontrolleras övriga filer ändå.

    Exempel:

        samrehab validate vecka.xlsx

        samrehab validate vecka.xlsx --week 2020-v39 --mark -o granskad.xlsx

        samrehab validate inkorg/*.xlsx --format json
    """
    from samrehab_cli.dates import parse_week
    from samrehab_cli.registration import validate as check
    from samrehab_cli.render import formats
    from samrehab_cli.storage import files

    chosen = formats.REPORT.choose(output_format)
    if mark != (output is not None):
        raise errors.BadOption(message="--mark och -o hör ihop: skriv --mark -o granskad.xlsx för en granskad "
                                       "kopia av filen.")
    if mark and len(paths) > 1:
        raise errors.BadOption(message="--mark märker upp en fil i taget. Ange bara en fil.")
    wanted = parse_week(week) if week else None
    day = common.date_or_today(today_option)
    if output is not None:
        common.check_extension(output, *XLSX)
        files.check_output(output, force=force, inputs=tuple(paths))
    passwords = common.read_passwords(password_file, password_stdin)
    checked = check.check_files(common.each(paths, "Kontrollerar"), passwords, day, wanted)
    first = checked.files[0]
    marked = None
    if output is not None and first.opened is not None:  # before any output: an .xls stops here (exit 2)
        from samrehab_cli.registration import markup

        with common.working(f"Märker upp en kopia av {paths[0]} …"):
            marked = markup.marked_copy(first.opened, paths[0], passwords, first.findings)
    chosen.render(checked.report)
    if output is not None:
        if marked is None or first.opened is None:
            common.say(f"Ingen granskad kopia skrevs: {paths[0]} kunde inte öppnas.", err=True)
        else:
            files.atomic_write(output, marked)
            key = "det senaste lösenordet" if not first.opened.slot else f"samma lösenord som {paths[0]}"
            common.say(f"Skrev den granskade kopian {output} (krypterad med {key}).", err=chosen.name != "human")
    raise typer.Exit(0 if checked.report.valid else 1)


def rules(
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help=formats.RULES.help)]
    = formats.RULES.default,
) -> None:
    """Visa alla regler med kod, allvarlighet och vad regeln gäller.

    Registreringsfilens regler (S, V, K, samrehab validate) och deltagarregistrets (D, samrehab outcomes och
    samrehab ors).

    fel måste rättas innan filen skickas, varning bör ses över, info är bara en notering.

    Exempel:

        samrehab rules

        samrehab rules --format json
    """
    from samrehab_cli.catalog import RULES

    chosen = formats.RULES.choose(output_format)
    chosen.render(RULES)
