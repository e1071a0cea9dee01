"""One writer at a time: a lock file beside the file being changed, and Excel's own sign that a file is open.

The lock is an operating-system lock on ``.NAME.lock`` beside the target (``flock`` on Linux and macOS, a byte-range
lock on Windows, through filelock): it is released by the operating system when the process holding it ends in any
way, so a lock left by a process that was killed is simply taken over. The lock file itself is empty and may stay.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from samrehab_cli import errors

#: how long a second writer waits for the first before it stops with a sentence
WAIT_SECONDS = 10.0


class Busy(errors.SamrehabError):
    """{path} ändras just nu av en annan körning av samrehab (låset {lock} är upptaget). Vänta tills den är klar och
    försök igen."""


class OpenInExcel(errors.SamrehabError):
    """{path} är öppen i Excel hos någon ({owner} finns bredvid filen). Stäng filen i Excel och försök igen; annars
    skulle ändringarna skrivas över när Excel sparar."""


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextmanager
def held(target: Path, *, wait: float | None = None) -> Iterator[None]:
    """Hold the lock beside ``target`` while the block runs; wait up to ``wait`` seconds (:data:`WAIT_SECONDS`)
    for another holder."""
    from filelock import FileLock, Timeout

    path = lock_path(target)
    lock = FileLock(path, mode=0o600)
    try:
        lock.acquire(timeout=WAIT_SECONDS if wait is None else wait)
    except Timeout:
        raise Busy(path=target, lock=path) from None
    except OSError as exc:
        raise errors.CannotWrite(path=target, reason=exc.strerror or type(exc).__name__) from None
    try:
        yield
    finally:
        lock.release()


def refuse_if_open_in_excel(target: Path) -> None:
    """Excel keeps an owner file ``~$NAME.xlsx`` beside a workbook it has open (the name's first two characters
    replaced when it is long): a change written now would be lost when Excel saves."""
    for owner in {target.with_name("~$" + target.name), target.with_name("~$" + target.name[2:])}:
        if owner.name != "~$" and owner.exists():
            raise OpenInExcel(path=target, owner=owner.name)
