"""The corpus of wrong invocations and inputs (issue 14): every command, every kind of option and argument, and the
files people get wrong. Each gives its documented exit code (2: could not run; 1 where the command reports the
problem as a finding), one Swedish sentence, no English from the framework, no traceback, and no file created or
changed."""

from __future__ import annotations

import os
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from samrehab_cli.storage import crypto

from conftest import FORBUND, OFFICE, OLD_PASSWORD, PASSWORD, english, make_workbook
from register_files import person, write_register

ROW = [{"meeting_date": "2020-09-22", "consent": "Nej", "birth_date": "1980-05-17", "gender": "Kvinna"}]


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    said: str = ""  # words the sentence must hold
    code: int = 2
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    cwd: str = "."

    @property
    def id(self) -> str:
        return " ".join(self.args)[:90] or "(inget)"


def case(*args: str, said: str = "", code: int = 2, env: dict[str, str] | None = None, stdin: str | None = None,
         cwd: str = ".") -> Case:
    return Case(args, said, code, env or {}, stdin, cwd)


WITH_PASSWORD = {crypto.ENV_VAR: PASSWORD}
BAD_FILES = {  # a file people send by mistake, and what the sentence says of it
    "saknas.xlsx": "finns inte",
    "mapp": "är en mapp",
    "brev.docx": "Word-dokument",
    "krypterat-brev.docx": "krypterat-brev.docx",
    "halv.xlsx": "trasig eller ofullständig",
    "slump.xlsx": "ingen Excel-arbetsbok",
    "tom.xlsx": "ingen Excel-arbetsbok",
    "bomb.xlsx": "orimligt mycket data",
    "text.txt": "ingen Excel-arbetsbok",
}
PASSWORD_SOURCES = [  # every password option, wrong
    (("--password-file", "saknas.txt"), "Lösenordsfilen saknas.txt finns inte"),
    (("--password-file", "mapp"), "mapp är en mapp, inte en lösenordsfil"),
    (("--password-file", "tom-losenord.txt"), "innehåller inget lösenord"),
    *([(("--password-file", "oskyddad.txt"), "chmod 600 oskyddad.txt")] if os.name == "posix" else []),
]

CASES: list[Case] = [
    # --- samrehab itself ------------------------------------------------------------------------------------------
    case("--versionn", said="Menade du --version?"),
    case("--version=2", said="--version tar inget värde"),
    case("valdate", "vecka.xlsx", said="Menade du validate?"),
    case("VALIDATE", "vecka.xlsx", said="samrehab har inget kommando VALIDATE."),
    case("help", said="samrehab har inget kommando help."),
    case("--debug", said="Ange ett kommando"),
    case("-x", said="samrehab har ingen flagga -x."),
    case("--debug=ja", said="--debug tar inget värde"),
    # --- template: -o (file), --forbund (text), --from/--to (weeks), --rows (number), flags, passwords ---------------
    case("template", said="behöver -o/--output FIL"),
    case("template", "-o", "ny.xlsx", said="behöver --forbund NAMN"),
    case("template", "--forbund", FORBUND, said="behöver -o/--output FIL"),
    case("template", "-o", said="-o behöver ett värde (FIL)"),
    case("template", "-o", "ny.xlsx", "--forbund", said="--forbund behöver ett värde (NAMN)"),
    case("template", "-o", "ny.xlsx", "--forbund", "", said="Ange samordningsförbundets namn"),
    case("template", "-o", "ny.xlsx", "--forbund", "   ", said="Ange samordningsförbundets namn"),
    case("template", "-o", "ny.xlsx", "--forbund", "F" * 256, said="256 tecken"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--from", "vecka 39", said="vecka 39 är ingen vecka"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--to", "2020-v54", said="2020-v54 är ingen vecka"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--to", "2021-v53", said="2021-v53 är ingen vecka"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--to", "2021-v00", said="2021-v00 är ingen vecka"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--from", "2021-v10", "--to", "2020-v40",
         said="kommer efter"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--from", said="--from behöver ett värde (VECKA)"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "0", said="--rows ska vara ett heltal"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "1000", said="från 1 till 999"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "tio", said="--rows ska vara ett heltal"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "1,5", said="--rows ska vara ett heltal"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "", said="--rows ska vara ett heltal"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", said="--rows behöver ett värde (ANTAL)"),
    case("template", "-o", "ny.xls", "--forbund", FORBUND, "--no-encrypt", said="ska sluta på .xlsx"),
    case("template", "-o", "ny", "--forbund", FORBUND, "--no-encrypt", said="ska sluta på .xlsx"),
    case("template", "-o", "mapp", "--forbund", FORBUND, "--no-encrypt", said="ska sluta på .xlsx"),
    case("template", "-o", "mapp.xlsx", "--forbund", FORBUND, "--no-encrypt", said="är en mapp"),
    case("template", "-o", "vecka.xlsx", "--forbund", FORBUND, "--no-encrypt", said="--force"),
    case("template", "-o", "finns-inte/ny.xlsx", "--forbund", FORBUND, "--no-encrypt", said="finns-inte finns inte"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--from", "2020-v01", "--to", "2022-v01",
         "--no-encrypt", said="--yes"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--no-encrypt=ja", said="tar inget värde"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--force=1", said="tar inget värde"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "extra", said="vet inte vad extra är"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--week", "2020-v39", said="ingen flagga --week"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, said="Inget lösenord angavs"),
    case("template", "-o", "ny.xlsx", "--forbund", FORBUND, "--password-stdin", stdin="",
         said="Inget lösenord angavs"),
    *[case("template", "-o", "ny.xlsx", "--forbund", FORBUND, *source, said=said) for source, said in PASSWORD_SOURCES],
    # --- weeks: FIL (argument), --to/--from, --rows, --yes, passwords -------------------------------------------------
    case("weeks", said="behöver FIL"),
    case("weeks", "vecka.xlsx", said="behöver --to VECKA"),
    case("weeks", "vecka.xlsx", "--to", said="--to behöver ett värde (VECKA)"),
    case("weeks", "vecka.xlsx", "--to", "v45", said="v45 är ingen vecka"),
    case("weeks", "vecka.xlsx", "--to", "2020-v45x", said="2020-v45x är ingen vecka"),
    case("weeks", "vecka.xlsx", "--to", "2020-v45", "--from", "igår", said="igår är ingen vecka"),
    case("weeks", "vecka.xlsx", "--to", "2020-v30", said="kommer efter"),
    case("weeks", "vecka.xlsx", "--to", "2020-v45", "--rows", "0", said="--rows ska vara ett heltal"),
    case("weeks", "vecka.xlsx", "--to", "2020-v45", "--rows", "många", said="--rows ska vara ett heltal"),
    case("weeks", "vecka.xlsx", "--to", "2025-v01", said="fler än 60"),
    case("weeks", "vecka.xlsx", "ny.xlsx", "--to", "2020-v45", said="vet inte vad ny.xlsx är"),
    case("weeks", "vecka.xlsx", "--to", "2020-v45", "--yes=ja", said="tar inget värde"),
    case("weeks", "deltagare.xlsx", "--to", "2020-v45", said="är ingen registreringsfil"),
    case("weeks", "gammal.xls", "--to", "2020-v45", said="gamla .xls-formatet"),
    case("weeks", "krypterad.xlsx", "--to", "2020-v45", said="är krypterad men inget lösenord angavs"),
    case("weeks", "okand.xlsx", "--to", "2020-v45", env=WITH_PASSWORD, said="kunde inte öppnas med 1 lösenord"),
    *[case("weeks", name, "--to", "2020-v45", said=said) for name, said in BAD_FILES.items()],
    *[case("weeks", "krypterad.xlsx", "--to", "2020-v45", *source, said=said) for source, said in PASSWORD_SOURCES],
    # --- encrypt: FIL, -o, --in-place, --force, passwords -------------------------------------------------------------
    case("encrypt", said="behöver FIL"),
    case("encrypt", "vecka.xlsx", env=WITH_PASSWORD, said="Ange var den krypterade filen ska sparas"),
    case("encrypt", "vecka.xlsx", "-o", "ny.xlsx", "--in-place", env=WITH_PASSWORD, said="inte båda"),
    case("encrypt", "vecka.xlsx", "-o", "vecka.xlsx", env=WITH_PASSWORD, said="--in-place i stället för -o"),
    case("encrypt", "vecka.xlsx", "-o", "deltagare.xlsx", env=WITH_PASSWORD, said="--force"),
    case("encrypt", "vecka.xlsx", "-o", "ny.txt", env=WITH_PASSWORD, said="ska sluta på .xlsx"),
    case("encrypt", "vecka.xlsx", "-o", "mapp", env=WITH_PASSWORD, said="ska sluta på .xlsx"),
    case("encrypt", "vecka.xlsx", "-o", said="-o behöver ett värde (UTFIL)"),
    case("encrypt", "vecka.xlsx", "--in-place=ja", said="tar inget värde"),
    case("encrypt", "vecka.xlsx", "ny.xlsx", said="vet inte vad ny.xlsx är"),
    case("encrypt", "vecka.xlsx", "--password", PASSWORD, said="ingen flagga --password"),
    case("encrypt", "vecka.xlsx", "-o", "ny.xlsx", said="Inget lösenord angavs"),
    case("encrypt", "gammal.xls", "-o", "ny.xlsx", env=WITH_PASSWORD, said="gammal.xls är i det gamla .xls-formatet"),
    case("encrypt", "okand.xlsx", "-o", "ny.xlsx", env=WITH_PASSWORD, said="kunde inte öppnas med 1 lösenord"),
    *[case("encrypt", name, "-o", "ny.xlsx", env=WITH_PASSWORD, said=said) for name, said in BAD_FILES.items()],
    *[case("encrypt", "vecka.xlsx", "-o", "ny.xlsx", *source, said=said) for source, said in PASSWORD_SOURCES],
    # --- decrypt: FIL, -o, --force, passwords -------------------------------------------------------------------------
    case("decrypt", "krypterad.xlsx", said="behöver -o/--output UTFIL"),
    case("decrypt", "-o", "ny.xlsx", said="behöver FIL"),
    case("decrypt", "krypterad.xlsx", "-o", "krypterad.xlsx", env=WITH_PASSWORD, said="samma som infilen"),
    case("decrypt", "krypterad.xlsx", "-o", "vecka.xlsx", env=WITH_PASSWORD, said="--force"),
    case("decrypt", "krypterad.xlsx", "-o", "ny.csv", env=WITH_PASSWORD, said="ska sluta på .xlsx"),
    case("decrypt", "krypterad-xls.xls", "-o", "ny.xlsx", env={crypto.ENV_VAR: "Password1234_"},
         said="ska sluta på .xls"),
    case("decrypt", "krypterad.xlsx", "-o", "ny.xlsx", said="är krypterad men inget lösenord angavs"),
    case("decrypt", "krypterad.xlsx", "-o", "ny.xlsx", env={crypto.ENV_VAR: "fel"}, said="med 1 lösenord"),
    case("decrypt", "gammal-lösen.xlsx", "-o", "ny.xlsx", env=WITH_PASSWORD, said="med 1 lösenord"),
    case("decrypt", "krypterad.xlsx", "-o", "ny.xlsx", "--password-stdin", stdin="fel\nockså fel\n",
         said="med 2 lösenord"),
    case("decrypt", "krypterad.xlsx", "-o", "ny.xlsx", "--force=ja", said="tar inget värde"),
    *[case("decrypt", name, "-o", "ny.xlsx", env=WITH_PASSWORD, said=said) for name, said in BAD_FILES.items()],
    *[case("decrypt", "krypterad.xlsx", "-o", "ny.xlsx", *source, said=said) for source, said in PASSWORD_SOURCES],
    # --- validate: FIL..., --week, --today, --format, --mark, -o, passwords -----------------------------------------
    case("validate", said="behöver FIL..."),
    case("validate", "vecka.xlsx", "--week", "39", said="39 är ingen vecka"),
    case("validate", "vecka.xlsx", "--week", said="--week behöver ett värde (VECKA)"),
    case("validate", "vecka.xlsx", "--today", "igår", said="igår är inget datum"),
    case("validate", "vecka.xlsx", "--today", "2020-02-30", said="2020-02-30 är inget datum"),
    case("validate", "vecka.xlsx", "--today", "31/12/2020", said="31/12/2020 är inget datum"),
    case("validate", "vecka.xlsx", "--format", "xml", said="Okänt format xml. Välj human, json eller github."),
    case("validate", "vecka.xlsx", "--format", "", said="Okänt format"),
    case("validate", "vecka.xlsx", "--format", said="--format behöver ett värde (FORMAT)"),
    case("validate", "vecka.xlsx", "--mark", said="--mark och -o hör ihop"),
    case("validate", "vecka.xlsx", "-o", "granskad.xlsx", said="--mark och -o hör ihop"),
    case("validate", "vecka.xlsx", "vecka.xlsx", "--mark", "-o", "granskad.xlsx", said="en fil i taget"),
    case("validate", "vecka.xlsx", "--mark", "-o", "deltagare.xlsx", said="--force"),
    case("validate", "vecka.xlsx", "--mark", "-o", "vecka.xlsx", said="samma som infilen"),
    case("validate", "vecka.xlsx", "--mark", "-o", "granskad.csv", said="ska sluta på .xlsx"),
    case("validate", "vecka.xlsx", "--mark", "-o", "mapp.xlsx", said="är en mapp"),
    case("validate", "gammal.xls", "--mark", "-o", "granskad.xlsx", env=WITH_PASSWORD, said="kan inte märkas upp"),
    case("validate", "vecka.xlsx", "--mark=ja", "-o", "granskad.xlsx", said="tar inget värde"),
    case("validate", "vecka.xlsx", "--mrak", said="Menade du --mark?"),
    case("validate", "vecka.xlsx", "--password", PASSWORD, said="ingen flagga --password"),
    *[case("validate", "vecka.xlsx", *source, said=said) for source, said in PASSWORD_SOURCES],
    # a file that cannot be opened is a finding of the file, not a failure to run: exit code 1 (see its --help)
    *[case("validate", name, said=said, code=1) for name, said in {
        **BAD_FILES, "krypterat-brev.docx": "S102", "krypterad.xlsx": "S102", "okand.xlsx": "S102"}.items()],
    # --- rules: --format -------------------------------------------------------------------------------------------
    case("rules", "--format", "xml", said="Okänt format xml. Välj human, json eller markdown."),
    case("rules", "--format", said="--format behöver ett värde"),
    case("rules", "V224", said="vet inte vad V224 är"),
    case("rules", "--force", said="Menade du --format?"),
    # --- outcomes: PERIOD, --register/--ors (many files), --format, -o, --strict, --today, passwords ------------------
    case("outcomes", said="behöver PERIOD"),
    *[case("outcomes", period, "--register", "deltagare.xlsx", said=f"{period} är ingen period")
      for period in ("2020H3", "20", "år 2020", "2020-H0", "1899", "2020Q1", "")],
    case("outcomes", "2020", "2021", said="vet inte vad 2021 är"),
    case("outcomes", "2020", "--register", said="--register behöver ett värde (FIL_ELLER_MAPP)"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "--format", "yaml", said="Okänt format yaml"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "--format", "xlsx", said="skrivs till en fil"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "-o", "rapport.txt", said="ska sluta på .csv, .json"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "-o", "rapport.csv", "--format", "xlsx",
         said="ska sluta på .xlsx"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "-o", "rapport.xlsx", "--format", "human",
         said="skrivs inte till en fil"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "-o", "vecka.xlsx", said="--force"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "-o", "deltagare.xlsx", said="samma som infilen"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "--today", "i morgon", said="i morgon är inget datum"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "--strict=ja", said="tar inget värde"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "--ors", "saknas.xlsx", said="saknas.xlsx finns inte"),
    case("outcomes", "2020", "--register", "deltagare.xlsx", "--ors", said="--ors behöver ett värde (FIL)"),
    case("outcomes", "2020", "--register", "vecka.xlsx", said="Hittade ingen flik med deltagarregistrets rubriker"),
    case("outcomes", "2020", "--register", "halvt-register.xlsx", said="saknar kolumnerna"),
    case("outcomes", "2020", "--register", "tom-mapp", said="innehåller ingen arbetsbok"),
    case("outcomes", "2020", "--register", "krypterat-register.xlsx", said="är krypterad men inget lösenord"),
    case("outcomes", "2020", "--register", "krypterat-register.xlsx", env={crypto.ENV_VAR: "fel"},
         said="med 1 lösenord"),
    case("outcomes", "2020", "--register", "dubbletter", "--today", "2021-06-30", code=1,
         said="samma Deltagar-ID finns i flera filer"),
    case("outcomes", "2020", "--register", "dubbletter", "-o", "rapport.xlsx", "--today", "2021-06-30", code=1,
         said="ingen fil skrevs"),
    case("outcomes", "2020", said="deltagarregister.xlsx finns inte"),  # the default name, not there
    *[case("outcomes", "2020", "--register", name, said={"mapp": "innehåller ingen arbetsbok"}.get(name, said))
      for name, said in BAD_FILES.items()],
    *[case("outcomes", "2020", "--register", "krypterat-register.xlsx", *source, said=said)
      for source, said in PASSWORD_SOURCES],
    case("outcomes", "2020", cwd="toml-fel", said="rad 2, tecken 9 är inte giltig TOML"),
    case("outcomes", "2020", cwd="toml-nyckel", said="okänd nyckel registret"),
    case("outcomes", "2020", cwd="toml-saknas", said="(participant_register i"),
    case("decrypt", "../krypterad.xlsx", "-o", "ny.xlsx", cwd="toml-losenord", said="(password_file i"),
    # --- ors: --due, --date, --team, --register, --format -----------------------------------------------------------
    case("ors", "--register", "deltagare.xlsx", said="Lägg till --due"),
    case("ors", "due", said="vet inte vad due är"),
    case("ors", "--due", "--register", "deltagare.xlsx", "--date", "1 mars", said="1 mars är inget datum"),
    case("ors", "--due", "--register", "deltagare.xlsx", "--date", said="--date behöver ett värde (DATUM)"),
    case("ors", "--due", "--register", "deltagare.xlsx", "--team", "Mora", "--today", "2021-06-30",
         said="Registret har inget team Mora; teamen är Avesta och Säter."),
    case("ors", "--due", "--register", "deltagare.xlsx", "--team", said="--team behöver ett värde (TEAM)"),
    case("ors", "--due", "--register", "deltagare.xlsx", "--format", "xlsx", said="Okänt format xlsx"),
    case("ors", "--due", "--register", "deltagare.xlsx", "-o", "lista.csv", said="ingen flagga -o"),
    case("ors", "--due", "--register", "saknas.xlsx", said="saknas.xlsx finns inte"),
    case("ors", "--due", "--register", "vecka.xlsx", said="Hittade ingen flik"),
    case("ors", "--due", "--register", "dubbletter", "--today", "2021-06-30", code=1, said="ingenting räknades"),
    case("ors", "--due", "--due=ja", said="tar inget värde"),
    # --- merge: the inbox (a folder), --register/--receipts (paths), --format, --today, flags ---------------------
    case("merge", "saknas-inkorg", said="Inkorgen saknas-inkorg finns inte"),
    case("merge", "vecka.xlsx", said="är ingen mapp"),
    case("merge", "mapp", "--format", "xml", said="Okänt format xml"),
    case("merge", "mapp", "--today", "igår", said="igår är inget datum"),
    case("merge", "mapp", "--retry=ja", said="tar inget värde"),
    case("merge", "mapp", "--dry-run=ja", said="tar inget värde"),
    case("merge", "mapp", "--register", said="--register behöver ett värde (FIL)"),
    case("merge", "mapp", "tom-mapp", said="tom-mapp"),
    case("merge", "--password", "hemligt", said="ingen flagga --password"),
    # --- status: --register (a file), --format, --today ----------------------------------------------------------
    case("status", "--register", "saknas.xlsx", said="saknas.xlsx finns inte"),
    case("status", "--register", "mapp", said="är en mapp"),
    case("status", "--register", "vecka.xlsx", said="är inget huvudregister"),
    case("status", "--register", "krypterad.xlsx", env=WITH_PASSWORD, said="är inget huvudregister"),
    case("status", "--register", "okand.xlsx", env=WITH_PASSWORD, said="kunde inte öppnas med 1 lösenord"),
    case("status", "--register", "vecka.xlsx", "--format", "csv", said="Okänt format csv"),
    case("status", "--today", "31/12", said="31/12 är inget datum"),
    # --- the follow-up: envelopes, reminders, surveys, purge -------------------------------------------------------
    case("envelopes", "--forbund", "Avesta", "-o", "kuvert.xlsx", said="behöver --count ANTAL"),
    case("envelopes", "--count", "0", "--forbund", "Avesta", "-o", "kuvert.xlsx", said="heltal från 1 till 10000"),
    case("envelopes", "--count", "tjugo", "--forbund", "Avesta", "-o", "kuvert.xlsx", said="heltal från 1"),
    case("envelopes", "--count", "20", "--format", "csv", "--forbund", "Avesta", "-o", "kuvert.xlsx",
         said="Okänt format csv"),
    case("envelopes", "--count", "20", "--continue", "saknas.xlsx", said="saknas.xlsx finns inte"),
    case("reminders", "--weeks", "0", said="heltal från 1 till 520"),
    case("reminders", "--from", "i morgon", said="i morgon är inget datum"),
    case("reminders", "--register", "saknas.xlsx", said="saknas.xlsx finns inte"),
    case("reminders", "--register", "vecka.xlsx", "--format", "pdf", said="Okänt format pdf"),
    case("surveys", "--date", "2021-13-01", said="2021-13-01 är inget datum"),
    case("surveys", "--register", "saknas.xlsx", said="saknas.xlsx finns inte"),
    case("surveys", "--plaintext=ja", said="tar inget värde"),
    case("purge", said="FIL"),
    case("purge", "vecka.xlsx", said="--receipt"),
    case("purge", "vecka.xlsx", "--receipt", "saknas.txt", said="saknas.txt finns inte"),
    case("purge", "vecka.xlsx", "--receipt", "text.txt", said="ingen kvittens"),
    case("purge", "saknas.xlsx", "--receipt", "text.txt", said="ingen kvittens"),
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the cases name: good ones to misuse, and the wrong files people send."""
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "vecka.xlsx").write_bytes(make_workbook(ROW))
    (folder / "krypterad.xlsx").write_bytes(make_workbook(ROW, password=PASSWORD))
    (folder / "gammal-lösen.xlsx").write_bytes(make_workbook(ROW, password=OLD_PASSWORD))
    (folder / "okand.xlsx").write_bytes(make_workbook(ROW, password="ett lösenord ingen har"))
    shutil.copy(OFFICE / "plain.xls", folder / "gammal.xls")
    shutil.copy(OFFICE / "rc4cryptoapi_password.xls", folder / "krypterad-xls.xls")
    shutil.copy(OFFICE / "ecma376standard_password.docx", folder / "krypterat-brev.docx")
    with zipfile.ZipFile(folder / "brev.docx", "w") as letter:
        letter.writestr("[Content_Types].xml", "<Types/>")
        letter.writestr("word/document.xml", "<document/>")
    data = make_workbook(ROW)
    (folder / "halv.xlsx").write_bytes(data[: len(data) // 2])
    (folder / "slump.xlsx").write_bytes(os.urandom(4096))
    (folder / "tom.xlsx").write_bytes(b"")
    (folder / "text.txt").write_text("Deltagar-ID;Team\n", encoding="utf-8")
    with zipfile.ZipFile(folder / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/workbook.xml", "<workbook/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"\0" * 40_000_000)
    for name in ("mapp", "mapp.xlsx", "tom-mapp"):
        (folder / name).mkdir()
    write_register(folder / "deltagare.xlsx", [person("D1"), person("D2", team="Säter")])
    write_register(folder / "krypterat-register.xlsx", [person("D1")], password=PASSWORD)
    import openpyxl

    half = openpyxl.Workbook()
    half.active.append(["Deltagar-ID", "Team"])
    half.save(folder / "halvt-register.xlsx")
    (folder / "dubbletter").mkdir()
    write_register(folder / "dubbletter" / "a.xlsx", [person("D1"), person("D2")])
    shutil.copy(folder / "dubbletter" / "a.xlsx", folder / "dubbletter" / "a (kopia).xlsx")
    for name, text in (("tom-losenord.txt", "\n\n"), ("oskyddad.txt", PASSWORD)):
        (folder / name).write_text(text, encoding="utf-8")
        (folder / name).chmod(0o644 if name == "oskyddad.txt" else 0o600)
    for cwd, toml in (("toml-fel", 'participant_register = "deltagare.xlsx"\nregister\n'),
                      ("toml-nyckel", 'registret = "huvudregister.xlsx"\n'),
                      ("toml-saknas", 'participant_register = "finns-inte.xlsx"\n'),
                      ("toml-losenord", 'password_file = "losenord.txt"\n')):
        (folder / cwd).mkdir()
        (folder / cwd / "samrehab.toml").write_text(toml, encoding="utf-8")
    return folder


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) if p.is_file() else (b"/", 0)
            for p in folder.rglob("*")}


def test_the_corpus_is_large_and_covers_every_command() -> None:
    import typer.main

    from samrehab_cli.cli.app import app

    assert len(CASES) >= 150
    assert {c.args[0] for c in CASES if c.args} >= set(typer.main.get_command(app).commands)


@pytest.mark.parametrize("this", CASES, ids=[c.id for c in CASES])
def test_a_wrong_invocation_or_input(run, corpus: Path, monkeypatch: pytest.MonkeyPatch, this: Case) -> None:
    monkeypatch.chdir(corpus / this.cwd)
    before = _state(corpus)
    result = run(*this.args, input=this.stdin, env=this.env)
    assert result.exit_code == this.code, (result.stdout, result.stderr)
    said = result.stderr.strip().splitlines()
    assert "Traceback" not in result.output and english(result.output) == [], result.output
    if this.code == 2:
        assert result.stdout == "" and len(said) == 1 and said[0].startswith("Fel: "), result.stderr
        assert said[0].rstrip().endswith((".", "?")), said  # one sentence (or two), ended
    text = said[-1] if this.code == 2 or said else result.stdout
    assert this.said in text, (this.said, result.stdout, result.stderr)
    assert PASSWORD not in result.output
    assert _state(corpus) == before  # nothing created, nothing changed
