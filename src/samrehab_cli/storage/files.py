"""Reading input files with clear errors, and atomic writes."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from samrehab_cli import errors

#: Nothing larger is read: a registration workbook is well under 5 MB.
MAX_INPUT_BYTES = 200 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    """Read a whole input file, or raise the error a person can act on."""
    if path.is_dir():
        raise errors.IsAFolder(path=path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise errors.FileTooLarge(path=path, limit_mb=MAX_INPUT_BYTES // 2**20)
        return path.read_bytes()
    except FileNotFoundError:
        raise errors.FileMissing(path=path) from None
    except OSError as exc:
        raise errors.CannotReadFile(path=path, reason=exc.strerror or type(exc).__name__) from None


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` so that a reader sees either the old file or the new one, never half.

    A temporary file in the same folder is written, flushed to disk and renamed over ``path``. ``mode`` is applied
    where the platform has POSIX modes (files with personal data are 0600). On any failure the temporary file is
    removed and ``path`` is untouched.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise errors.CannotWrite(path=path, reason=f"mappen {folder} finns inte")
    if path.is_dir():
        raise errors.IsAFolder(path=path)
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise errors.CannotWrite(path=path, reason=exc.strerror or type(exc).__name__) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
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


def check_output(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to overwrite an existing file without --force, and never write over an input."""
    for source in inputs:
        with contextlib.suppress(OSError):
            if path.exists() and path.samefile(source):
                raise errors.OutputIsInput(path=path)
    if path.is_dir():
        raise errors.IsAFolder(path=path)
    if path.exists() and not force:
        raise errors.OutputExists(path=path)
