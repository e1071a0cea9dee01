"""Errors the user can act on.

Each class's docstring is the Swedish sentence shown to the user (its line breaks are spaces); ``{name}`` fields are
filled from the keyword arguments, ``{name!q}`` quoted for the shell where the message shows a command to paste
(:mod:`samrehab_cli.shell`). The CLI prints ``str(error)`` on one line and exits with code 2. No message ever holds a
password or a value from a workbook.
"""

from __future__ import annotations

from collections.abc import Sequence

from samrehab_cli import shell


def listed(words: Sequence[str], last: str = "eller") -> str:
    """A list inside a Swedish sentence: ``a``, ``a eller b``, ``a, b eller c`` (``och`` with ``last="och"``)."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


class SamrehabError(Exception):
    """Något gick fel."""

    def __init__(self, **fields: object) -> None:
        self.fields = fields
        super().__init__(shell.fill(" ".join((self.__doc__ or "").split()), **fields))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled by its fields, so that it crosses from a worker process to the parent whole."""
        return _rebuild, (type(self), self.fields)


def _rebuild(cls: type[SamrehabError], fields: dict[str, object]) -> SamrehabError:
    return cls(**fields)


class FileMissing(SamrehabError):
    """Filen {path} finns inte. Kontrollera namnet och sökvägen."""


class IsAFolder(SamrehabError):
    """{path} är en mapp, inte en fil. Ange en arbetsbok, till exempel {path}/vecka.xlsx."""


class NotAFile(SamrehabError):
    """{path} är ingen vanlig fil ({kind}) och läses inte. Ange en arbetsbok, till exempel vecka.xlsx."""


class CannotReadFile(SamrehabError):
    """Filen {path} kunde inte läsas ({reason}). Kontrollera att du har behörighet till den."""


class FileTooLarge(SamrehabError):
    """Filen {path} är större än {limit_mb} MB och läses inte. Kontrollera att det är rätt fil."""


class NotAWorkbook(SamrehabError):
    """Filen {path} är ingen Excel-arbetsbok ({reason}). Spara den som .xlsx i Excel och försök igen."""


class SheetTooLarge(NotAWorkbook):
    """Fliken {sheet} i {path} sträcker sig till cell {cell}, långt mer än en registreringsfil eller ett
    deltagarregister behöver, och läses inte. Ta bort det som står långt ner eller långt till höger i fliken (Ctrl+End
    i Excel visar var) och spara filen igen; kom filen utifrån, be avsändaren om en ny.
    """


class WorkbookTooLarge(NotAWorkbook):
    """Filen {path} har en flik som sträcker sig till cell {cell}, långt mer än en registreringsfil eller ett
    deltagarregister behöver, och läses inte. Ta bort det som står långt ner eller långt till höger i flikarna och
    spara filen igen; kom filen utifrån, be avsändaren om en ny.
    """


class NotAWorkbookButWord(NotAWorkbook):
    """Filen {path} är ett Word-dokument, inte en Excel-arbetsbok. Skicka registreringsfilen (.xlsx)."""


class DamagedWorkbook(NotAWorkbook):
    """Filen {path} är skadad ({reason}) och kan inte öppnas. Be avsändaren skicka den igen."""


class WorkbookBomb(NotAWorkbook):
    """Filen {path} packas upp till orimligt mycket data ({reason}) och öppnas inte. Den kan vara skadlig: öppna den
    inte i Excel, be avsändaren om en ny fil.
    """


class PasswordNeeded(SamrehabError):
    """Filen {path} är krypterad men inget lösenord angavs. Ange det med --password-file, --password-stdin eller
    miljövariabeln SAMREHAB_PASSWORD, eller kör i en terminal för att bli tillfrågad.
    """


class WrongPassword(SamrehabError):
    """Filen {path} kunde inte öppnas med {count} lösenord. Kontrollera att du har ISF:s senaste lösenord (och äldre i
    lösenordsfilen, nyast först).
    """


class UnsupportedEncryption(SamrehabError):
    """Filen {path} är krypterad på ett sätt som inte stöds ({reason}). Öppna den i Excel och spara den med Arkiv →
    Skydda arbetsbok → Kryptera med lösenord.
    """


class NoPassword(SamrehabError):
    """Inget lösenord angavs. Ange det med --password-file, --password-stdin eller miljövariabeln SAMREHAB_PASSWORD,
    eller kör i en terminal för att bli tillfrågad.
    """


class PasswordFileUnsafe(SamrehabError):
    """Lösenordsfilen {path} kan läsas av andra användare. Skydda den med chmod 600 {path!q} och försök igen."""


class PasswordFileMissing(FileMissing):
    """Lösenordsfilen {path} finns inte. Kontrollera namnet och sökvägen efter --password-file."""


class PasswordFileIsAFolder(SamrehabError):
    """{path} är en mapp, inte en lösenordsfil. Ange filen med lösenorden efter --password-file."""


class PasswordFileEmpty(SamrehabError):
    """Lösenordsfilen {path} innehåller inget lösenord. Skriv lösenordet på första raden (nyast först)."""


class PasswordsDiffer(SamrehabError):
    """Lösenorden stämde inte överens, tre gånger. Ingenting sparades; kör kommandot igen och skriv samma lösenord
    båda gångerna."""


class EmptyPassword(SamrehabError):
    """Inget lösenord skrevs (det var tomt). Kör kommandot igen och skriv ISF:s lösenord; det syns inte medan du
    skriver."""


class PromptClosed(SamrehabError):
    """Inget lösenord skrevs (inmatningen stängdes med Ctrl-D). Ingenting ändrades."""


class EncryptionFailed(SamrehabError):
    """Krypteringen av {path} kunde inte kontrolleras (den krypterade filen gick inte att öppna igen). Ingenting
    sparades; försök igen.
    """


class CannotEncryptXls(SamrehabError):
    """Filen {path} är i det gamla .xls-formatet, som inte kan krypteras säkert. Spara den som .xlsx i Excel och försök
    igen.
    """


class CannotChangeXls(SamrehabError):
    """Filen {path} är i det gamla .xls-formatet och kan inte ändras här. Spara den som .xlsx i Excel och försök igen.
    """


class OutputExists(SamrehabError):
    """Filen {path} finns redan. Välj ett annat namn, eller lägg till --force för att ersätta den."""


class OutputIsInput(SamrehabError):
    """Utfilen är samma som infilen ({path}); samrehab skriver aldrig över det den läser. Välj ett annat namn med
    -o."""


class OutputIsInputUseInPlace(OutputIsInput):
    """Utfilen är samma som infilen ({path}). Välj ett annat namn med -o, eller ersätt filen med --in-place i stället
    för -o."""


class WrongExtension(SamrehabError):
    """Utfilen {path} ska sluta på {extension}, eftersom den sparas som {kind}. Skriv till exempel -o {example!q}."""


class CannotWrite(SamrehabError):
    """Filen {path} kunde inte sparas ({reason}). Ingenting ändrades; kontrollera mappen och behörigheten."""


class BadWeek(SamrehabError):
    """{value} är ingen vecka. Skriv veckan som ÅÅÅÅ-vVV, till exempel 2020-v39."""


class BadWeekRange(SamrehabError):
    """Veckan {start} kommer efter {end}. Ange den tidigare veckan med --from och den senare med --to."""


class TooManyWeeks(SamrehabError):
    """{start}–{end} är {count} veckor; en registreringsfil får ha högst {limit} veckoflikar. Ange en kortare period med
    --from och --to."""


class BadDate(SamrehabError):
    """{value} är inget datum. Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2020-09-21."""


class NotARegistrationWorkbook(SamrehabError):
    """Filen {path} är ingen registreringsfil: den har varken fliken Instruktioner eller någon veckoflik ÅÅÅÅ-vVV, så
    inga veckor lades till. Kontrollera filnamnet, eller skapa en ny registreringsfil med samrehab template."""


class BadOption(SamrehabError):
    """{message}"""


class CannotMarkXls(SamrehabError):
    """Filen {path} är i det gamla .xls-formatet och kan inte märkas upp. Spara den som .xlsx i Excel och kör samrehab
    validate --mark igen.
    """
