"""samrehab reminders and samrehab surveys: dates at month ends, leap days and the window's edges, channels, the
sent-log, the encrypted lists, and no name, e-mail or phone number in what goes to a förbund."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from samrehab_cli.dates import add_months
from samrehab_cli.isf import followup, merge
from samrehab_cli.isf.followup import Window
from samrehab_cli.storage import crypto, workbooks

from conftest import PASSWORD
from merge_files import NOW, TODAY, person, put

D = dt.date


def passwords() -> crypto.Passwords:
    return crypto.Passwords([PASSWORD])


CONTACTS = {  # every name, address and number in the register below
    "names": ["Alva Ahl", "Bo Berg", "Cilla Carlsson", "Dan Dahl", "Eva Ek", "Filip Fors", "Gun Gran"],
    "emails": ["alva@example.se", "eva@example.se", "filip@example.se", "gun@example.se", "dan@example.se"],
    "mobiles": ["070-111 22 33", "073-444 55 66", "070-777 88 99", "076-123 45 60", "072-987 65 43"],
}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A merged register whose dates sit at month ends and leap days."""
    folder = tmp_path_factory.mktemp("uppfoljning")
    inbox = folder / "inkorg"
    put(inbox / "Avesta" / "a.xlsx", {
        "2020-v35": [
            # start = consent date 2020-08-31: call 2021-02-28, reminder 2021-01-28; surveys 08-31, 02-28, 08-31
            person("202035-01", D(1980, 1, 2), 1, "control", meeting_date=D(2020, 8, 27), consent_date=D(2020, 8, 31),
                   name="Alva Ahl", email="alva@example.se", mobile="070-111 22 33"),
            person("202035-02", D(1981, 1, 2), 2, "treatment", meeting_date=D(2020, 8, 27),
                   consent_date=D(2020, 8, 31), name="Bo Berg", email=None, mobile="073-444 55 66"),
        ],
        "2020-v36": [  # no consent date: start = the meeting date; paper for the start and 6-month surveys
            person("202036-01", D(1982, 1, 2), 3, "control", meeting_date=D(2020, 8, 31), consent_date=None,
                   name="Cilla Carlsson", email=None, mobile=None, paper_start="Ja", paper_6m="Ja"),
        ],
        "2019-v35": [  # 2019-08-29 + 6 months = 2020-02-29 (a leap day), reminded 2020-01-29
            person("201935-01", D(1983, 1, 2), 4, "control", meeting_date=D(2019, 8, 27), consent_date=D(2019, 8, 29),
                   name="Dan Dahl", email="dan@example.se", mobile="070-777 88 99"),
        ],
    }, minute=1)
    put(inbox / "Hedemora" / "h.xlsx", {
        "2020-v09": [  # start on the leap day 2020-02-29: 6 months 2020-08-29, 12 months 2021-02-28
            person("202009-01", D(1984, 1, 2), 1, "treatment", meeting_date=D(2020, 2, 26),
                   consent_date=D(2020, 2, 29), name="Eva Ek", email="eva@example.se", mobile="076-123 45 60"),
            person("202009-02", D(1985, 1, 2), 2, "control", meeting_date=D(2020, 2, 26), consent_date=D(2020, 2, 29),
                   name="Filip Fors", email="filip@example.se", mobile="072-987 65 43"),
        ],
    }, forbund="Hedemora", minute=2)
    put(inbox / "Säter" / "s.xlsx", {"2020-v40": [  # no readable date: listed as undated, never guessed
        person("202040-01", D(1986, 1, 2), 1, "control", meeting_date="snart", consent_date=None, name="Gun Gran",
               email="gun@example.se", mobile=None)]}, forbund="Säter", minute=3)
    merge.merge(inbox, folder / "huvudregister.xlsx", folder / "kvitton", passwords(), today=TODAY, now=NOW)
    return folder / "huvudregister.xlsx"


# --- dates -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("start, call, reminder", [
    (D(2020, 8, 31), D(2021, 2, 28), D(2021, 1, 28)),  # clamped to February's end, then one month back
    (D(2019, 8, 29), D(2020, 2, 29), D(2020, 1, 29)),  # a leap day
    (D(2019, 8, 31), D(2020, 2, 29), D(2020, 1, 29)),
    (D(2020, 2, 29), D(2020, 8, 29), D(2020, 7, 29)),  # from a leap day
    (D(2020, 3, 31), D(2020, 9, 30), D(2020, 8, 30)),
    (D(2020, 7, 31), D(2021, 1, 31), D(2020, 12, 31)),  # across the year
])
def test_call_and_reminder_dates(start: dt.date, call: dt.date, reminder: dt.date) -> None:
    assert followup.call_date(start) == call and followup.reminder_date(call) == reminder


def test_survey_dates_at_month_ends_and_leap_days() -> None:
    assert [add_months(D(2020, 2, 29), m) for m in (0, 6, 12)] == [D(2020, 2, 29), D(2020, 8, 29), D(2021, 2, 28)]
    assert [add_months(D(2020, 8, 31), m) for m in (6, 12)] == [D(2021, 2, 28), D(2021, 8, 31)]
    assert add_months(D(2023, 8, 31), 6) == D(2024, 2, 29)


# --- reminders -------------------------------------------------------------------------------------------------------
def reminded(register: Path, first: dt.date, weeks: int = 4) -> list[tuple[str, str, dt.date]]:
    result = followup.reminders(register, passwords(), first, weeks)
    return [(f.forbund, r.serial, r.call_date) for f in result.forbund for r in f.reminders]


def test_reminders_on_the_window_edges(register: Path) -> None:
    due = [("Avesta", "202035-01", D(2021, 2, 28)), ("Avesta", "202036-01", D(2021, 2, 28))]
    assert reminded(register, D(2021, 1, 28), weeks=1) == due  # the reminder on the first day
    assert reminded(register, D(2021, 1, 1), weeks=4) == due  # … on the last day (01-01 + 27 days = 01-28)
    assert reminded(register, D(2021, 1, 29), weeks=1) == []  # the day after
    assert reminded(register, D(2020, 12, 31), weeks=4) == []  # the window ends the day before (01-27)
    assert reminded(register, D(2020, 1, 29), weeks=1) == [("Avesta", "201935-01", D(2020, 2, 29))]  # leap day
    assert reminded(register, D(2020, 7, 29), weeks=1) == [("Hedemora", "202009-02", D(2020, 8, 29))]


def test_reminders_are_the_control_group_only_and_undated_rows_are_named(register: Path) -> None:
    result = followup.reminders(register, passwords(), D(2019, 1, 1), 200)
    assert {(f.forbund, r.serial) for f in result.forbund for r in f.reminders} == {
        ("Avesta", "202035-01"), ("Avesta", "202036-01"), ("Avesta", "201935-01"), ("Hedemora", "202009-02")}
    assert [(r.forbund, r.serial) for r in result.undated] == [("Säter", "202040-01")]
    assert (result.window.first, result.window.last) == (D(2019, 1, 1), D(2022, 10, 31))  # 1,400 days


def test_reminder_files_per_forbund_are_encrypted_with_serial_and_call_date(register: Path, tmp_path: Path) -> None:
    result = followup.reminders(register, passwords(), D(2020, 1, 1), 40, folder=tmp_path / "p")
    files = sorted(p.name for p in (tmp_path / "p").iterdir())
    assert files == ["påminnelse-Avesta-2020-01-01.xlsx", "påminnelse-Hedemora-2020-01-01.xlsx"]
    assert [f.file for f in result.forbund] == [str(tmp_path / "p" / name) for name in files]
    avesta = tmp_path / "p" / files[0]
    assert avesta.read_bytes().startswith(crypto.OLE_MAGIC) and avesta.stat().st_mode & 0o777 == 0o600
    book, _ = workbooks.load(avesta, passwords())
    assert book.rows("Kallas") == [["Löpnummer", "Kallas"], ["201935-01", D(2020, 2, 29)]]
    with pytest.raises(Exception, match="finns redan"):
        followup.reminders(register, passwords(), D(2020, 1, 1), 40, folder=tmp_path / "p")


# --- surveys ---------------------------------------------------------------------------------------------------------
def due(register: Path, first: dt.date | None, last: dt.date) -> list[tuple[str, str, str, dt.date, str]]:
    result = followup.surveys(register, passwords(), Window(first=first, last=last), today=last)
    return [(d.forbund, d.serial, d.survey, d.due, d.channel) for d in result.due]


def test_surveys_on_a_date_by_channel(register: Path) -> None:
    assert due(register, D(2021, 2, 28), D(2021, 2, 28)) == [
        ("Avesta", "202035-01", "6m", D(2021, 2, 28), "e-post"),
        ("Avesta", "202035-02", "6m", D(2021, 2, 28), "sms"),
        ("Avesta", "202036-01", "6m", D(2021, 2, 28), "papper"),
        ("Hedemora", "202009-01", "12m", D(2021, 2, 28), "e-post"),
        ("Hedemora", "202009-02", "12m", D(2021, 2, 28), "e-post"),
    ]
    assert due(register, D(2021, 8, 31), D(2021, 8, 31))[2] == ("Avesta", "202036-01", "12m", D(2021, 8, 31),
                                                                "saknas")  # no paper for 12 months, no contact


def test_surveys_on_the_window_edges(register: Path) -> None:
    six_months = [("Avesta", "201935-01", "12m", D(2020, 8, 29), "e-post"),  # 2019-08-29 + 12 months
                  ("Hedemora", "202009-01", "6m", D(2020, 8, 29), "e-post"),
                  ("Hedemora", "202009-02", "6m", D(2020, 8, 29), "e-post")]
    starts = [("Avesta", s, "start", D(2020, 8, 31), c) for s, c in (("202035-01", "e-post"), ("202035-02", "sms"),
                                                                    ("202036-01", "papper"))]
    assert due(register, D(2020, 8, 29), D(2020, 8, 31)) == six_months + starts
    assert due(register, D(2020, 8, 30), D(2020, 8, 31)) == starts
    assert due(register, D(2020, 8, 29), D(2020, 8, 30)) == six_months
    assert due(register, D(2020, 2, 29), D(2020, 2, 29)) == [  # on the leap day: 2019-08-29 + 6 months too
        ("Avesta", "201935-01", "6m", D(2020, 2, 29), "e-post"),
        ("Hedemora", "202009-01", "start", D(2020, 2, 29), "e-post"),
        ("Hedemora", "202009-02", "start", D(2020, 2, 29), "e-post")]


def read_list(path: Path) -> list[list[object]]:
    book, _ = workbooks.load(path, passwords())
    return book.rows(book.sheet_names[0])


def test_the_encrypted_lists_decrypt_to_exactly_the_due_people(register: Path, tmp_path: Path) -> None:
    result = followup.surveys(register, passwords(), Window(first=D(2021, 2, 28), last=D(2021, 2, 28)),
                              folder=tmp_path / "l", today=D(2021, 2, 28))
    names = sorted(p.name for p in (tmp_path / "l").iterdir())
    assert names == ["enkäter-2021-02-28-e-post.xlsx", "enkäter-2021-02-28-papper-Avesta.xlsx",
                     "enkäter-2021-02-28-sms.xlsx"]
    assert sorted(result.files) == [str(tmp_path / "l" / n) for n in names]
    for name in names:
        path = tmp_path / "l" / name
        assert path.read_bytes().startswith(crypto.OLE_MAGIC) and path.stat().st_mode & 0o777 == 0o600
    day = D(2021, 2, 28)
    assert read_list(tmp_path / "l" / names[0]) == [
        ["Förbund", "Löpnummer", "Enkät", "Förfallodag", "Namn", "Språk", "E-post"],
        ["Avesta", "202035-01", "6 mån", day, "Alva Ahl", "Svenska", "alva@example.se"],
        ["Hedemora", "202009-01", "12 mån", day, "Eva Ek", "Svenska", "eva@example.se"],
        ["Hedemora", "202009-02", "12 mån", day, "Filip Fors", "Svenska", "filip@example.se"]]
    assert read_list(tmp_path / "l" / names[2]) == [
        ["Förbund", "Löpnummer", "Enkät", "Förfallodag", "Namn", "Språk", "Mobilnummer"],
        ["Avesta", "202035-02", "6 mån", day, "Bo Berg", "Svenska", "+46734445566"]]
    assert read_list(tmp_path / "l" / names[1]) == [["Löpnummer", "Enkät", "Förfallodag"],
                                                    ["202036-01", "6 mån", day]]


def test_the_sent_log_sends_each_survey_once(register: Path, tmp_path: Path) -> None:
    log = tmp_path / "skickat.xlsx"
    window = Window(first=None, last=D(2020, 8, 31))
    first = followup.surveys(register, passwords(), window, sent_log=log, mark_sent=True, folder=tmp_path / "a",
                             today=D(2020, 8, 31))
    assert first.marked_sent == len(first.due) == 10 and first.already_sent == 0  # all three of 201935-01's too
    assert log.read_bytes().startswith(crypto.OLE_MAGIC) and log.stat().st_mode & 0o777 == 0o600
    again = followup.surveys(register, passwords(), window, sent_log=log, mark_sent=True, folder=tmp_path / "b",
                             today=D(2020, 9, 1))
    assert again.due == [] and again.already_sent == 10 and again.marked_sent == 0 and again.files == []
    later = followup.surveys(register, passwords(), Window(first=None, last=D(2021, 2, 28)), sent_log=log,
                             today=D(2021, 2, 28))
    assert {(d.serial, d.survey) for d in later.due} == {("202035-01", "6m"), ("202035-02", "6m"),
                                                         ("202036-01", "6m"), ("202009-01", "12m"),
                                                         ("202009-02", "12m")}
    assert later.already_sent == 10 and later.marked_sent == 0
    rows = read_list(log)
    assert rows[0] == ["Förbund", "Löpnummer", "Enkät", "Förfallodag", "Kanal", "Skickad"] and len(rows) == 11
    assert ["Avesta", "202036-01", "start", D(2020, 8, 31), "papper", D(2020, 8, 31)] in rows


def test_mark_sent_needs_a_log_and_a_folder(register: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="--mark-sent"):
        followup.surveys(register, passwords(), Window(first=None, last=D(2021, 1, 1)), sent_log=tmp_path / "s.xlsx",
                         mark_sent=True, today=D(2021, 1, 1))
    assert not (tmp_path / "s.xlsx").exists()


# --- through the CLI ---------------------------------------------------------------------------------------------
def test_cli_surveys_plaintext_is_csv_for_swedish_excel_with_a_warning(run, register: Path, tmp_path: Path,
                                                                      password_file: Path) -> None:
    result = run("surveys", "--register", register, "--date", "2021-02-28", "-o", tmp_path / "l", "--plaintext",
                 "--password-file", password_file)
    assert result.exit_code == 0, result.output
    assert "okrypterade CSV-filer med kontaktuppgifter" in result.stderr
    email = (tmp_path / "l" / "enkäter-2021-02-28-e-post.csv").read_bytes()
    assert email.startswith("\ufeff".encode()) and email.decode("utf-8-sig").splitlines()[:2] == [
        "Förbund;Löpnummer;Enkät;Förfallodag;Namn;Språk;E-post",
        "Avesta;202035-01;6 mån;2021-02-28;Alva Ahl;Svenska;alva@example.se"]
    assert (tmp_path / "l" / "enkäter-2021-02-28-papper-Avesta.xlsx").read_bytes().startswith(crypto.OLE_MAGIC)


def test_cli_surveys_window_and_json(run, register: Path, password_file: Path) -> None:
    result = run("surveys", "--register", register, "--from", "2020-08-29", "--date", "2020-08-30", "--format",
                 "json", "--password-file", password_file)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["window"] == {"first": "2020-08-29", "last": "2020-08-30"}
    assert [(d["serial"], d["survey"], d["channel"]) for d in data["due"]] == [
        ("201935-01", "12m", "e-post"), ("202009-01", "6m", "e-post"), ("202009-02", "6m", "e-post")]
    backwards = run("surveys", "--register", register, "--from", "2020-09-01", "--date", "2020-08-30",
                    "--password-file", password_file)
    assert backwards.exit_code == 2 and "--from" in backwards.stderr


def test_cli_reminders_table(run, register: Path, password_file: Path) -> None:
    result = run("reminders", "--register", register, "--from", "2021-01-01", "--weeks", "4", "--password-file",
                 password_file)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Påminnelser 2021-01-01–2021-01-28: kontrollgruppen ska kallas om en månad",
        "Förbund\tLöpnummer\tKallas", "Avesta\t202035-01\t2021-02-28", "Avesta\t202036-01\t2021-02-28",
        "2 personer i 1 förbund.",
        "1 rad saknar datum för informationsmöte och samtycke, så kallelsedagen kan inte räknas ut: Säter "
        "202040-01. Rätta dem i registreringsfilen."]


def test_cli_needs_an_existing_register(run, tmp_path: Path, password_file: Path) -> None:
    for command in ("reminders", "surveys"):
        result = run(command, "--register", tmp_path / "saknas.xlsx", "--password-file", password_file)
        assert result.exit_code == 2 and "saknas.xlsx finns inte" in result.stderr


def _contact_patterns() -> list[re.Pattern[str]]:
    """Every name, address and number of the register, the numbers also as bare digits and with +46."""
    patterns = [re.compile(re.escape(text), re.IGNORECASE) for text in CONTACTS["names"] + CONTACTS["emails"]]
    for mobile in CONTACTS["mobiles"]:
        digits = re.sub(r"\D", "", mobile)
        patterns += [re.compile(re.escape(mobile)), re.compile(digits), re.compile(r"\+46" + digits[1:])]
    return patterns


def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        book, _ = workbooks.load(path, passwords())
        return "\n".join(str(v) for name in book.sheet_names for row in book.rows(name) for v in row) + "\n" + \
            json.dumps(book.properties, ensure_ascii=False)
    return path.read_text(encoding="utf-8-sig")


def test_no_name_email_or_phone_in_reminders_or_paper_lists(run, register: Path, tmp_path: Path,
                                                            password_file: Path) -> None:
    """Every output of reminders (table, json, the files) and of the paper lists, and what surveys prints, is scanned
    for the register's names, addresses and numbers; the e-mail and SMS lists, which must hold them, prove that the
    scan finds them."""
    patterns = _contact_patterns()
    outputs: dict[str, str] = {}
    for extra in ([], ["--format", "json"], ["-o", tmp_path / "p"]):
        result = run("reminders", "--register", register, "--from", "2019-01-01", "--weeks", "200", *extra,
                     "--password-file", password_file)
        assert result.exit_code == 0
        outputs[f"reminders {extra}"] = result.stdout + result.stderr
    for extra in ([], ["--format", "json"], ["-o", tmp_path / "l"]):
        result = run("surveys", "--register", register, "--from", "2019-01-01", "--date", "2021-12-31", *extra,
                     "--password-file", password_file)
        assert result.exit_code == 0
        outputs[f"surveys {extra}"] = result.stdout + result.stderr
    written = sorted((tmp_path / "p").iterdir()) + sorted((tmp_path / "l").glob("*papper*"))
    assert len(written) == 3  # reminders for Avesta and Hedemora, paper surveys for Avesta
    outputs.update({path.name: _text_of(path) for path in written})
    assert "202036-01" in outputs["enkäter-2021-12-31-papper-Avesta.xlsx"]
    for name, text in outputs.items():
        for pattern in patterns:
            assert not pattern.search(text), (name, pattern.pattern)
    contacts = _text_of(tmp_path / "l" / "enkäter-2021-12-31-e-post.xlsx") + \
        _text_of(tmp_path / "l" / "enkäter-2021-12-31-sms.xlsx")
    assert sum(bool(p.search(contacts)) for p in patterns) >= 10  # the scan sees what is there


@pytest.mark.parametrize("command", ["envelopes", "reminders", "surveys", "purge"])
def test_help_is_swedish_with_examples(run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Exempel:" in result.stdout and f"samrehab {command}" in result.stdout


def test_cli_mark_sent_writes_the_lists_and_the_log(run, register: Path, tmp_path: Path, password_file: Path) -> None:
    args = ["surveys", "--register", register, "--date", "2020-08-31", "--sent", tmp_path / "skickat.xlsx",
            "--password-file", password_file]
    refused = run(*args, "--mark-sent")
    assert refused.exit_code == 2 and "-o MAPP" in refused.stderr and not (tmp_path / "skickat.xlsx").exists()
    marked = run(*args, "--mark-sent", "-o", tmp_path / "l")
    assert marked.exit_code == 0, marked.output
    assert f"Markerade 10 enkäter som skickade i {tmp_path / 'skickat.xlsx'}." in marked.stdout
    again = run(*args)
    assert again.exit_code == 0 and "Inga enkäter att skicka till och med 2020-08-31." in again.stdout
    assert "10 redan skickade" in again.stdout
