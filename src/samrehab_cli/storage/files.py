"""Reading input files with clear errors, and atomic writes."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
from pathlib import Path

from samrehab_cli import errors

#: Nothing larger is read: a registration workbook is well under 5 MB, a register of a million participants 40 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024
#: What the temporary file of :func:`atomic_write` is called beside ``NAME``: ``.NAME.samrehab-…tmp``, and
#: ``.NAME.samrehab-okrypterad-…tmp`` when it holds plaintext (``decrypt -o``), so that a person who finds one left
#: by a stopped run sees what it is. The next write to ``NAME`` removes it.
TEMPORARY = ".{name}.samrehab-"
PLAINTEXT = "okrypterad-"
_KINDS = {stat.S_IFIFO: "en namngiven pipe", stat.S_IFCHR: "en enhet", stat.S_IFBLK: "en enhet",
          stat.S_IFSOCK: "en socket"}


def read_bytes(path: Path) -> bytes:
    """Read a whole input file, or raise the error a person can act on: a missing file, a folder, a pipe or a
    device (never waited on or read without end), a file without permission, a file too large."""
    check_input(path)
    try:  # no blocking on a pipe put in its place meanwhile; fstat tells what was opened
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            _check_regular(path, os.fstat(handle.fileno()).st_mode)
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise errors.CannotReadFile(path=path, reason=exc.strerror or type(exc).__name__) from None
    if len(data) > MAX_INPUT_BYTES:
        raise errors.FileTooLarge(path=path, limit_mb=MAX_INPUT_BYTES // 2**20)
    return data


def check_input(path: Path) -> None:
    """What :func:`read_bytes` refuses before it opens anything."""
    info = _stat(path, errors.CannotReadFile)
    if info is None:
        raise errors.FileMissing(path=path)
    _check_regular(path, info.st_mode)
    if info.st_size > MAX_INPUT_BYTES:
        raise errors.FileTooLarge(path=path, limit_mb=MAX_INPUT_BYTES // 2**20)


def is_folder(path: Path) -> bool:
    """``path.is_dir()`` that says False, not PermissionError, where a folder on the way cannot be searched."""
    with contextlib.suppress(OSError, ValueError):
        return stat.S_ISDIR(os.stat(path).st_mode)
    return False


def folder_files(folder: Path) -> list[Path]:
    """The regular files in ``folder``; a folder that cannot be listed is a sentence."""
    try:
        return [entry for entry in folder.iterdir() if entry.is_file()]
    except OSError as exc:
        raise errors.CannotReadFile(path=folder, reason=exc.strerror or type(exc).__name__) from None


def _stat(path: Path, error: type[errors.CannotReadFile] | type[errors.CannotWrite]) -> os.stat_result | None:
    """``os.stat(path)``, None when nothing is there; a folder on the way without permission is ``error``."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as exc:
        raise error(path=path, reason=getattr(exc, "strerror", None) or type(exc).__name__) from None


def _check_regular(path: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise errors.IsAFolder(path=path)
    if not stat.S_ISREG(mode):
        raise errors.NotAFile(path=path, kind=_KINDS.get(stat.S_IFMT(mode), "okänd filtyp"))


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600, plaintext: bool = False) -> None:
    """Write ``data`` to ``path`` so that a reader sees either the old file or the new one, never half.

    A temporary file in the same folder (named as :data:`TEMPORARY` says, with ``plaintext`` in its name when the
    data is not encrypted) is written, flushed to disk and renamed over ``path``. ``mode`` is applied where the
    platform has POSIX modes (files with personal data are 0600; the temporary file is 0600 from its creation).
    On any failure the temporary file is removed and ``path`` is untouched; one that a killed run left beside
    ``path`` is removed first.
    """
    folder = path.parent if str(path.parent) else Path(".")
    info = _stat(folder, errors.CannotWrite)
    if info is None or not stat.S_ISDIR(info.st_mode):
        raise errors.CannotWrite(path=path, reason=f"mappen {folder} finns inte")
    target = _stat(path, errors.CannotWrite)
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise errors.IsAFolder(path=path)
    remove_leftovers(path)
    prefix = TEMPORARY.format(name=path.name) + (PLAINTEXT if plaintext else "")
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    except OSError as exc:
        raise errors.CannotWrite(path=path, reason=exc.strerror or type(exc).__name__) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            _mark_in_use(handle.fileno())
            if os.name == "posix":
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise errors.CannotWrite(path=path, reason=exc.strerror or type(exc).__name__) from None
        raise
    if os.name == "posix":  # make the rename itself durable
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def leftovers(path: Path) -> list[Path]:
    """The temporary files of :func:`atomic_write` beside ``path`` (a run's own, or one a killed run left)."""
    folder = path.parent if str(path.parent) else Path(".")
    pattern = glob.escape(TEMPORARY.format(name=path.name)) + "*.tmp"
    with contextlib.suppress(OSError):
        return sorted(folder.glob(pattern))
    return []


def remove_leftovers(path: Path) -> None:
    """Remove what killed runs left beside ``path``; a temporary file still being written is left alone (it is
    locked by its writer on POSIX, and cannot be removed while open on Windows)."""
    for leftover in leftovers(path):
        with contextlib.suppress(OSError):
            fd = os.open(leftover, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            try:
                if os.name == "posix":
                    import fcntl

                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held: its writer is alive
                    leftover.unlink()
            finally:
                os.close(fd)
            if os.name != "posix":
                leftover.unlink()


def _mark_in_use(fd: int) -> None:
    """An advisory lock on the temporary file while it is written; the system drops it when the writer dies."""
    if os.name == "posix":
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def check_output(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to overwrite an existing file without --force, and never write over an input."""
    target = _stat(path, errors.CannotWrite)
    for source in inputs:
        with contextlib.suppress(OSError):
            if target is not None and path.samefile(source):
                raise errors.OutputIsInput(path=path)
    if target is not None and stat.S_ISDIR(target.st_mode):
        raise errors.IsAFolder(path=path)
    if target is not None and not force:
        raise errors.OutputExists(path=path)
