"""samrehab at a real terminal (a pseudo-terminal): the password prompt, Ctrl-C and Ctrl-D, questions, and progress
on stderr, which a pipe never gets (issue 14)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from samrehab_cli.dates import parse_week, week_range
from samrehab_cli.registration import template
from samrehab_cli.storage import crypto, workbooks

from conftest import FORBUND, OLD_PASSWORD, PASSWORD, make_workbook

pytestmark = pytest.mark.skipif(os.name != "posix", reason="a POSIX pseudo-terminal")

FILLED = [{"meeting_date": "2020-09-22", "consent": "Nej", "birth_date": "1980-05-17", "gender": "Kvinna"}]


class Terminal:
    """``samrehab ARGS`` with a pseudo-terminal as its controlling terminal, standard in, out and err."""

    def __init__(self, args: list[object], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()

        def controlling_terminal() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        environ = {k: v for k, v in os.environ.items() if k != crypto.ENV_VAR} | {"COLUMNS": "100"} | (env or {})
        self.process = subprocess.Popen([sys.executable, "-m", "samrehab_cli", *map(str, args)], stdin=slave,
                                        stdout=slave, stderr=slave, cwd=cwd, env=environ,
                                        preexec_fn=controlling_terminal)
        os.close(slave)
        self.seen = ""
        self.mark = 0  # what expect has looked at: a prompt is waited for anew, each time it is asked

    def _read(self, timeout: float) -> bool:
        """Read what the terminal shows within ``timeout``; False once the program has closed it."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the other end is closed
            data = b""
        self.seen += data.decode("utf-8", "replace")
        return bool(data)

    def expect(self, text: str, timeout: float = 60) -> None:
        """Wait until the terminal shows ``text`` after what was expected before (getpass drops what is typed
        ahead of its prompt)."""
        deadline = time.monotonic() + timeout
        while (found := self.seen.find(text, self.mark)) < 0:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"{text!r} kom aldrig; terminalen visade {self.seen!r}")
        self.mark = found + len(text)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def wait_until_reading(self, timeout: float = 30) -> None:
        """Wait until the program sleeps in its read of the terminal (state S in /proc). A Ctrl-C is a signal, not
        input the terminal keeps: typed in the microseconds between the prompt and that read (no person is that
        quick, a loaded test machine can be), the program takes the signal before it reads and then waits for a
        line no one types."""
        deadline = time.monotonic() + timeout
        stat = Path(f"/proc/{self.process.pid}/stat")
        while time.monotonic() < deadline:
            if stat.read_text().rpartition(")")[2].split()[0] == "S":
                return
            time.sleep(0.005)
        raise AssertionError(f"samrehab läste aldrig terminalen; den visade {self.seen!r}")

    def finish(self, timeout: float = 60) -> int:
        """Read to the end and return the exit code (an error if it waits for more input)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._read(deadline - time.monotonic()):
            pass
        try:
            return self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        finally:
            os.close(self.master)


def _open(path: Path, password: str) -> bytes:
    return crypto.open_bytes(path.read_bytes(), crypto.Passwords([password]), path).data


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_file_with_an_older_password_opens_by_asking_once_more(tmp_path: Path) -> None:
    """Rotation without a password file: the newest password does not open the file, so the prompt asks for the
    older one instead of stopping."""
    old = tmp_path / "gammal.xlsx"
    old.write_bytes(make_workbook(FILLED, password=OLD_PASSWORD))
    term = Terminal(["decrypt", old, "-o", "klartext.xlsx"], tmp_path)
    term.expect("Lösenord: ")
    term.type(PASSWORD + "\n")
    term.expect("Äldre lösenord (Enter avbryter): ")
    assert "Lösenordet öppnade inte" in term.seen
    term.type(OLD_PASSWORD + "\n")
    assert term.finish() == 0, term.seen
    assert (tmp_path / "klartext.xlsx").read_bytes() == _open(old, OLD_PASSWORD)
    assert PASSWORD not in term.seen and OLD_PASSWORD not in term.seen  # hidden as typed


def test_enter_at_the_older_prompt_gives_up(tmp_path: Path) -> None:
    other = tmp_path / "annan.xlsx"
    other.write_bytes(make_workbook(FILLED, password="ett helt annat"))
    term = Terminal(["decrypt", other, "-o", "klartext.xlsx"], tmp_path)
    term.expect("Lösenord: ")
    term.type(PASSWORD + "\n")
    term.expect("Äldre lösenord")
    term.type("\n")
    assert term.finish() == 2
    assert "kunde inte öppnas med 1 lösenord" in term.seen and not (tmp_path / "klartext.xlsx").exists()


def test_a_mismatched_confirmation_asks_again(tmp_path: Path) -> None:
    term = Terminal(["template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "2"], tmp_path)
    term.expect("Lösenord: ")
    term.type("Första-försöket1\n")
    term.expect("Upprepa lösenordet: ")
    term.type("Första-försöket2\n")
    term.expect("Lösenorden stämde inte överens. Skriv lösenordet igen.")
    term.expect("Lösenord: ")
    term.type(PASSWORD + "\n")
    term.expect("Upprepa lösenordet: ")
    term.type(PASSWORD + "\n")
    assert term.finish() == 0, term.seen
    assert _open(tmp_path / "ny.xlsx", PASSWORD)


def test_three_mismatches_write_nothing(tmp_path: Path) -> None:
    term = Terminal(["template", "-o", "ny.xlsx", "--forbund", FORBUND, "--rows", "2"], tmp_path)
    for attempt in range(3):
        term.expect("Lösenord: ")
        term.type(f"lösen-{attempt}\n")
        term.expect("Upprepa lösenordet: ")
        term.type(f"annat-{attempt}\n")
    assert term.finish() == 2
    assert "Lösenorden stämde inte överens, tre gånger. Ingenting sparades" in term.seen
    assert _files(tmp_path) == {}


def test_an_empty_password_at_the_terminal(tmp_path: Path) -> None:
    term = Terminal(["template", "-o", "ny.xlsx", "--forbund", FORBUND], tmp_path)
    term.expect("Lösenord: ")
    term.type("\n")
    assert term.finish() == 2
    assert "Fel: Inget lösenord skrevs (det var tomt)." in term.seen and _files(tmp_path) == {}
    assert "--password-file" not in term.seen  # a sentence for a person at a terminal, not for a script


@pytest.mark.parametrize(("key", "code", "said"), [("\x03", 130, "Avbrutet (Ctrl-C)."),
                                                   ("\x04", 2, "Fel: Inget lösenord skrevs (inmatningen stängdes "
                                                               "med Ctrl-D).")],
                         ids=["ctrl-c", "ctrl-d"])
def test_ctrl_c_and_ctrl_d_at_the_prompt(tmp_path: Path, key: str, code: int, said: str) -> None:
    encrypted = tmp_path / "vecka.xlsx"
    encrypted.write_bytes(make_workbook(FILLED, password=PASSWORD))
    before = _files(tmp_path)
    term = Terminal(["decrypt", encrypted, "-o", "klartext.xlsx"], tmp_path)
    term.expect("Lösenord: ")
    term.wait_until_reading()
    term.type(key)
    assert term.finish() == code
    told = [line for line in term.seen.replace("\r", "").split("\n") if line.strip()]
    assert said in told[-1] and sum(said in line for line in told) == 1, told  # one line
    assert "Traceback" not in term.seen and _files(tmp_path) == before


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A year of week tabs, 400 rows each: seconds of work for weeks, validate --mark and encrypt."""
    book = template.new_workbook(FORBUND, week_range(parse_week("2020-v01"), parse_week("2020-v53")), 400)
    return workbooks.to_bytes(book)


def test_ctrl_c_during_work_changes_no_file_and_leaves_no_temporary_file(tmp_path: Path, large: bytes) -> None:
    path = tmp_path / "registrering.xlsx"
    path.write_bytes(large)
    term = Terminal(["weeks", path, "--to", "2021-v20"], tmp_path)
    term.expect("Lägger till veckoflikar")  # the progress on stderr: the work has begun
    term.type("\x03")
    assert term.finish() == 130, term.seen
    assert "Avbrutet (Ctrl-C). Ingen fil sparades till hälften." in term.seen and "Traceback" not in term.seen
    assert _files(tmp_path) == {"registrering.xlsx": large}


def test_progress_on_a_terminal_and_none_in_a_pipe(tmp_path: Path, large: bytes) -> None:
    paths = []
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(make_workbook(FILLED))
    term = Terminal(["validate", *paths, "--today", "2020-12-31"], tmp_path)
    assert term.finish() == 0
    assert "Kontrollerar" in term.seen  # the progress bar over the files
    piped = subprocess.run([sys.executable, "-m", "samrehab_cli", "validate", *map(str, paths), "--today",
                            "2020-12-31"], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert piped.returncode == 0 and piped.stderr == "" and "Kontrollerar" not in piped.stdout


@pytest.mark.parametrize(("answer", "code"), [("j\n", 0), ("\n", 2)], ids=["ja", "nej"])
def test_many_new_week_tabs_are_asked_for_at_a_terminal(tmp_path: Path, answer: str, code: int) -> None:
    path = tmp_path / "registrering.xlsx"
    path.write_bytes(make_workbook(FILLED, per_week=2))
    before = path.read_bytes()
    term = Terminal(["weeks", path, "--to", "2022-v01"], tmp_path)
    term.expect("Det blir 67 nya veckoflikar i")
    term.expect("Är det rätt? [j/N] ")
    term.type(answer)
    assert term.finish() == code, term.seen
    assert (path.read_bytes() == before) is (code == 2)
