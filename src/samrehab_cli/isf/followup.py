"""``samrehab reminders`` and ``samrehab surveys``: what ISF does for each participant after the merge
(docs/uppfoljning.md).

A participant's **start** is the consent date, else the meeting date. The control group is **called** six months
after the start, and ISF **reminds** the förbund one month before: the call date minus one month. The self-rating
**surveys** are due at the start and 6 and 12 months after it. Months are added to the day number and clamped to the
month's end (:func:`samrehab_cli.dates.add_months`): 2020-08-31 + 6 months = 2021-02-28, whose reminder is
2021-01-28.

What goes to a förbund holds the löpnummer and dates only: the reminders, and the paper surveys (where a
``Pappersenkät …`` column is Ja). The e-mail and SMS lists hold contact details and are written encrypted (or as
plain CSV only when asked). A sent-log (``skickat.xlsx``, encrypted) remembers which surveys were sent, so that a
survey is sent once. docs/uppfoljning.md describes it all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence, Set
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.dates import add_months
from samrehab_cli.isf import outfiles
from samrehab_cli.isf import register as master
from samrehab_cli.isf.envelopes import CONTROL, group_of
from samrehab_cli.schema import YES
from samrehab_cli.storage import crypto, files, lock

CALL_MONTHS = 6
REMIND_MONTHS_BEFORE = 1
SurveyKey = Literal["start", "6m", "12m"]
Channel = Literal["e-post", "sms", "papper", "saknas"]


@dataclass(frozen=True)
class Survey:
    key: SurveyKey
    label: str  # as the Pappersenkät columns name it
    months: int
    paper: str  # the schema key of its Pappersenkät column


SURVEYS = (Survey("start", "start", 0, "paper_start"), Survey("6m", "6 mån", 6, "paper_6m"),
           Survey("12m", "12 mån", 12, "paper_12m"))
SURVEY = {s.key: s for s in SURVEYS}


class Window(BaseModel):
    """Days from ``first`` to ``last``, both included (``first`` None: from the beginning)."""

    first: dt.date | None
    last: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and (self.first is None or self.first <= day) and day <= self.last

    def describe(self) -> str:
        """``2021-02-28``, ``2020-09-21–2020-10-31`` or ``till och med 2020-11-07``."""
        if self.first is None:
            return f"till och med {self.last.isoformat()}"
        if self.first == self.last:
            return self.last.isoformat()
        return f"{self.first.isoformat()}–{self.last.isoformat()}"


class RowRef(BaseModel):
    forbund: str
    serial: str


def start_of(row: master.Row) -> dt.date | None:
    """The consent date, else the meeting date (None when neither is a date)."""
    for key in ("consent_date", "meeting_date"):
        value = row.values.get(key)
        if isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
    return None


def call_date(start: dt.date) -> dt.date:
    return add_months(start, CALL_MONTHS)


def reminder_date(call: dt.date) -> dt.date:
    return add_months(call, -REMIND_MONTHS_BEFORE)


def load_register(path: Path, passwords: crypto.Passwords) -> master.MasterRegister:
    """The master register at ``path``, which must exist (merge makes it)."""
    if not path.exists():
        raise errors.FileMissing(path=path)
    return master.load(path, passwords)[0]


def _consenting(register: master.MasterRegister) -> list[master.Row]:
    """The consenting rows, by förbund (in the order they came) then löpnummer."""
    rows = [r for r in register.participants.values() if r.values.get("consent") == YES]
    return sorted(rows, key=lambda r: (r.forbund.casefold(), r.serial))


def _check_free(paths: Iterable[Path], force: bool) -> None:
    """Refuse, before anything is written, to replace an existing file without --force."""
    for path in paths:
        files.check_output(path, force=force)


def _folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise errors.BadOption(message=f"{folder} är en fil. Ange en mapp för listorna med -o, till exempel "
                                       "-o listor/.")
    folder.mkdir(parents=True, exist_ok=True)


# --- reminders before the control group is called ----------------------------------------------------------------
class Reminder(BaseModel):
    serial: str
    call_date: dt.date


class ForbundReminders(BaseModel):
    forbund: str
    reminders: list[Reminder]
    file: str | None = None  # the encrypted list written for the förbund


class Reminders(BaseModel):
    register_file: str
    window: Window
    forbund: list[ForbundReminders]
    undated: list[RowRef]  # control-group rows whose start is no date: their call date is unknown


def reminders(register_path: Path, passwords: crypto.Passwords, first: dt.date, weeks: int, *,
              folder: Path | None = None, force: bool = False) -> Reminders:
    """The control-group participants whose reminder date (call date − 1 month) is in the ``weeks`` weeks from
    ``first``, per förbund, with löpnummer and call date only; with ``folder``, an encrypted list per förbund there."""
    if weeks < 1:
        raise errors.BadOption(message="Ange minst en vecka med --weeks.")
    register = load_register(register_path, passwords)
    window = Window(first=first, last=first + dt.timedelta(weeks=weeks, days=-1))
    by_forbund: dict[str, list[Reminder]] = {}
    undated = []
    for row in _consenting(register):
        if group_of(row.values) != CONTROL:
            continue
        start = start_of(row)
        if start is None:
            undated.append(RowRef(forbund=row.forbund, serial=row.serial))
            continue
        call = call_date(start)
        if reminder_date(call) in window:
            by_forbund.setdefault(row.forbund, []).append(Reminder(serial=row.serial, call_date=call))
    result = Reminders(register_file=str(register_path), window=window, undated=undated, forbund=[
        ForbundReminders(forbund=name, reminders=sorted(items, key=lambda r: (r.call_date, r.serial)))
        for name, items in by_forbund.items()])
    if folder is not None:
        write_reminders(result, folder, passwords, force=force)
    return result


def reminder_table(forbund: ForbundReminders) -> outfiles.Table:
    return outfiles.Table("Kallas", ("Löpnummer", "Kallas"),
                          [(r.serial, r.call_date) for r in forbund.reminders],
                          title=f"Påminnelse från ISF till {forbund.forbund}: kontrollgruppen ska kallas",
                          widths=(14, 14))


def write_reminders(result: Reminders, folder: Path, passwords: crypto.Passwords, *, force: bool = False) -> None:
    """One encrypted workbook per förbund in ``folder`` (``påminnelse-Avesta-2021-03-01.xlsx``); each förbund's
    ``file`` is set."""
    _folder(folder)
    first = result.window.first or result.window.last
    targets = [folder / f"påminnelse-{outfiles.slug(f.forbund)}-{first.isoformat()}.xlsx" for f in result.forbund]
    _check_free(targets, force)
    for item, path in zip(result.forbund, targets, strict=True):
        outfiles.save_table(path, reminder_table(item), passwords)
        item.file = str(path)


# --- surveys -------------------------------------------------------------------------------------------------------
class Due(BaseModel):
    forbund: str
    serial: str
    survey: SurveyKey
    due: dt.date
    channel: Channel


class Surveys(BaseModel):
    register_file: str
    window: Window
    due: list[Due]  # not sent before (by the sent-log), in the window
    already_sent: int  # in the window, but in the sent-log
    undated: list[RowRef]
    files: list[str]  # the lists written
    sent_log: str | None
    marked_sent: int  # added to the sent-log this run


def channel_of(row: master.Row, survey: Survey) -> Channel:
    """Paper when the förbund marked it, else e-mail when the address is valid, else SMS to a valid mobile."""
    from samrehab_cli.registration import contact

    if row.values.get(survey.paper) == YES:
        return "papper"
    email, mobile = row.values.get("email"), row.values.get("mobile")
    if isinstance(email, str) and contact.valid_email(email):
        return "e-post"
    if isinstance(mobile, str) and contact.valid_mobile(mobile):
        return "sms"
    return "saknas"


def due_surveys(register: master.MasterRegister, register_file: str, window: Window,
                sent: Set[tuple[str, str, str]] = frozenset()) -> Surveys:
    """Every survey due in ``window`` of a consenting participant, with its channel; those in ``sent`` (förbund,
    löpnummer, survey) are counted, not listed."""
    due, undated, already = [], [], 0
    for row in _consenting(register):
        start = start_of(row)
        if start is None:
            undated.append(RowRef(forbund=row.forbund, serial=row.serial))
            continue
        for survey in SURVEYS:
            day = add_months(start, survey.months)
            if day not in window:
                continue
            if (row.forbund, row.serial, survey.key) in sent:
                already += 1
                continue
            due.append(Due(forbund=row.forbund, serial=row.serial, survey=survey.key, due=day,
                           channel=channel_of(row, survey)))
    due.sort(key=lambda d: (d.due, d.forbund.casefold(), d.serial, d.survey))
    return Surveys(register_file=register_file, window=window, due=due, already_sent=already, undated=undated,
                   files=[], sent_log=None, marked_sent=0)


@dataclass(frozen=True)
class ListFile:
    """A list to write: its name without suffix, its table, and whether it holds contact details."""

    name: str
    table: outfiles.Table
    contacts: bool


CONTACT_HEADERS = ("Förbund", "Löpnummer", "Enkät", "Förfallodag", "Namn", "Språk")


def survey_lists(register: master.MasterRegister, result: Surveys) -> list[ListFile]:
    """The e-mail list, the SMS list (both with contact details) and a paper list per förbund (löpnummer only)."""
    day = result.window.last.isoformat()
    lists: list[ListFile] = []
    for channel, header, key in (("e-post", "E-post", "email"), ("sms", "Mobilnummer", "mobile")):
        items = [d for d in result.due if d.channel == channel]
        if not items:
            continue
        rows = []
        for item in items:
            values = register.participants[(item.forbund, item.serial)].values
            contact = _sms_number(values[key]) if channel == "sms" else values[key]
            rows.append((item.forbund, item.serial, SURVEY[item.survey].label, item.due, values.get("name"),
                         values.get("language"), contact))
        lists.append(ListFile(f"enkäter-{day}-{channel}", outfiles.Table(
            "E-post" if channel == "e-post" else "SMS", (*CONTACT_HEADERS, header), rows,
            title=f"Enkäter att skicka med {'e-post' if channel == 'e-post' else 'SMS'} ({result.window.describe()})",
            widths=(22, 12, 9, 12, 26, 14, 30)), contacts=True))
    paper: dict[str, list[Due]] = {}
    for item in result.due:
        if item.channel == "papper":
            paper.setdefault(item.forbund, []).append(item)
    for forbund, items in paper.items():
        lists.append(ListFile(f"enkäter-{day}-papper-{outfiles.slug(forbund)}", outfiles.Table(
            "Pappersenkäter", ("Löpnummer", "Enkät", "Förfallodag"),
            [(d.serial, SURVEY[d.survey].label, d.due) for d in items],
            title=f"Pappersenkäter från ISF till {forbund}: skriv löpnumret på enkäten", widths=(14, 10, 14)),
            contacts=False))
    return lists


def _sms_number(text: str) -> str:
    """A mobile number as SMS services take it: ``+46701740611`` (as typed when it cannot be read)."""
    import phonenumbers

    from samrehab_cli.registration.contact import REGION

    try:
        return str(phonenumbers.format_number(phonenumbers.parse(text, REGION), phonenumbers.PhoneNumberFormat.E164))
    except phonenumbers.NumberParseException:
        return text


SENT_SHEET = "Skickat"
SENT_HEADERS = ("Förbund", "Löpnummer", "Enkät", "Förfallodag", "Kanal", "Skickad")
SENT_KIND = "logg över skickade enkäter"


def read_sent(path: Path, passwords: crypto.Passwords) -> list[list[object]]:
    rows, _ = outfiles.read(path, passwords, SENT_SHEET, SENT_HEADERS, SENT_KIND)
    labels = {s.label: s.key for s in SURVEYS}
    for number, row in enumerate(rows, start=2):
        if row[2] not in labels or not row[0] or not row[1]:
            raise outfiles.NotOurList(path=path, kind=SENT_KIND, reason=f"rad {number} har ändrats")
    return rows


def sent_keys(rows: Sequence[Sequence[object]]) -> set[tuple[str, str, str]]:
    labels = {s.label: s.key for s in SURVEYS}
    return {(str(r[0]), str(r[1]), labels[str(r[2])]) for r in rows}


def surveys(register_path: Path, passwords: crypto.Passwords, window: Window, *, sent_log: Path | None = None,
            mark_sent: bool = False, folder: Path | None = None, today: dt.date,
            plaintext: Callable[[outfiles.Table], bytes] | None = None, force: bool = False) -> Surveys:
    """The surveys due in ``window`` and not in the sent-log; with ``folder``, their lists written there (contact
    lists encrypted, or made by ``plaintext`` as CSV); with ``mark_sent``, the listed ones added to the sent-log
    (created when missing), while a lock keeps a second run from sending them too."""
    if mark_sent and (sent_log is None or folder is None):
        raise errors.BadOption(message="--mark-sent behöver både --sent FIL (loggen) och -o MAPP (listorna som "
                                       "skickas).")
    register = load_register(register_path, passwords)
    guard = lock.held(sent_log) if mark_sent and sent_log is not None else nullcontext()
    with guard:
        if mark_sent and sent_log is not None:
            lock.refuse_if_open_in_excel(sent_log)
        logged: list[list[object]] = []
        if sent_log is not None and (sent_log.exists() or not mark_sent):
            logged = read_sent(sent_log, passwords)
        result = due_surveys(register, str(register_path), window, sent_keys(logged))
        result.sent_log = str(sent_log) if sent_log else None
        if folder is not None:
            lists = survey_lists(register, result)
            _folder(folder)
            targets = [folder / (item.name + (".csv" if plaintext and item.contacts else ".xlsx")) for item in lists]
            _check_free(targets, force)
            for item, path in zip(lists, targets, strict=True):
                if plaintext is not None and item.contacts:
                    files.atomic_write(path, plaintext(item.table), plaintext=True)
                else:
                    outfiles.save_table(path, item.table, passwords)
                result.files.append(str(path))
        if mark_sent and sent_log is not None:
            sent = [d for d in result.due if d.channel != "saknas"]
            if sent:
                rows = [*logged, *([d.forbund, d.serial, SURVEY[d.survey].label, d.due, d.channel, today]
                                   for d in sent)]
                outfiles.save_table(sent_log, outfiles.Table(SENT_SHEET, SENT_HEADERS, rows, title="Skickade enkäter",
                                                             widths=(22, 12, 9, 12, 9, 12)), passwords)
            result.marked_sent = len(sent)
    return result


