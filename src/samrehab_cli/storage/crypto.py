"""Passwords and encryption: the only module that sees a password or calls msoffcrypto-tool.

Reading tries every known password (newest first), then Excel's built-in ``VelvetSweatshop``. Each try derives
the key once (``load_key`` without ``verify_password``, which would derive it twice); ``decrypt`` refuses a wrong
key by itself. Writing is ECMA-376 Agile encryption (AES-256, SHA-512), what Excel writes, and every result is
decrypted again in memory and compared before anyone may store it (msoffcrypto-tool marks its encryption as
experimental). Decrypted bytes never touch the disk.
"""

from __future__ import annotations

import functools
import io
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from samrehab_cli import errors
from samrehab_cli.storage import agile

EXCEL_DEFAULT_PASSWORD = "VelvetSweatshop"  # what Excel uses for a workbook that is only write-protected
ENV_VAR = "SAMREHAB_PASSWORD"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

Encryption = Literal["agile", "standard", "rc4", "rc4_cryptoapi", "xor"]
#: Why a prompt asks: to open a file, to encrypt (the prompt asks twice), or because no password known opened the
#: file it names (an older one, once a run: so that a file from before ISF's newest password opens without a file).
Purpose = Literal["read", "write", "older"]
#: A prompt: called with its purpose and the file (for "older"), returns the password typed.
Asker = Callable[[Purpose, Path | None], str]


class Passwords:
    """The passwords known for this run, newest first. It never shows them: not in repr, str or a traceback."""

    __slots__ = ("_items", "_ask", "_older_asked")

    def __init__(self, items: list[str] | tuple[str, ...] = (), ask: Asker | None = None) -> None:
        self._items = [p for p in items if p]
        self._ask = ask
        self._older_asked = False

    def __repr__(self) -> str:
        return f"<Passwords: {len(self._items)} kända, dolda>"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        """To a worker process go the passwords known, never the prompt: a worker must not ask."""
        return Passwords, (list(self._items),)

    def __len__(self) -> int:
        return len(self._items)

    def _asked(self, purpose: Purpose) -> str | None:
        if self._items or self._ask is None:
            return self._items[0] if self._items else None
        password = self._ask(purpose, None)
        if not password:
            raise errors.NoPassword()
        self._items.append(password)
        return password

    def ask_before(self, paths: Iterable[Path]) -> None:
        """Ask for the password now, in this process, when any of ``paths`` is encrypted and none is known yet (a
        worker process must never prompt)."""
        if not self._items and self._ask is not None and any(map(_looks_encrypted, paths)):
            self._asked("read")

    def _for_reading(self, path: Path, first: int | None = None) -> Iterator[tuple[int, str]]:
        """The known passwords (newest first, but ``first``'s slot before the others), Excel's default, then one
        older password asked at the prompt."""
        self._asked("read")
        known = [*enumerate(self._items), (len(self._items), EXCEL_DEFAULT_PASSWORD)]
        if first is not None and 0 < first < len(known):
            known.insert(0, known.pop(first))
        yield from known
        if self._ask is not None and not self._older_asked:
            self._older_asked = True
            older = self._ask("older", path)
            if older and older not in self._items:
                self._items.append(older)
                yield len(self._items) - 1, older

    def receipt_keys(self) -> list[bytes]:
        """The key of receipts' row fingerprints for each known password, newest first (see :func:`receipt_key`)."""
        return [receipt_key(password) for password in self._items]

    def receipt_key_for(self, opened: Opened) -> bytes:
        """The receipt key of the password that opened a file; the newest one's when it was not encrypted (or only
        with Excel's public default password, which would make the fingerprints guessable)."""
        self._asked("read")
        if not self._items:
            raise errors.NoPassword()
        slot = opened.slot if opened.slot is not None and opened.slot < len(self._items) else 0
        return receipt_key(self._items[slot])

    def _for_writing(self, slot: int = 0) -> str:
        if slot == len(self._items) and self._items:  # the file was opened with Excel's default password
            return EXCEL_DEFAULT_PASSWORD
        newest = self._asked("write")
        if newest is None:
            raise errors.NoPassword()
        return self._items[slot] if 0 < slot < len(self._items) else newest


def _looks_encrypted(path: Path) -> bool:
    """An encrypted workbook is an OLE container (so is a plain .xls: then the password is asked for needlessly)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a named pipe must not block here
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        return stat.S_ISREG(os.fstat(fd).st_mode) and handle.read(8) == OLE_MAGIC


def parse_password_lines(text: str) -> list[str]:
    """One password per line, newest first; a BOM, line endings and blank lines are dropped."""
    return [line.rstrip("\r") for line in text.lstrip("\ufeff").split("\n") if line.strip()]


def read_password_file(path: Path) -> list[str]:
    """The passwords in ``path``; refused when others can read it (where the platform has POSIX modes)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise errors.PasswordFileMissing(path=path) from None
    if stat.S_ISDIR(mode):
        raise errors.PasswordFileIsAFolder(path=path)
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise errors.PasswordFileUnsafe(path=path)
    try:
        items = parse_password_lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise errors.CannotReadFile(path=path, reason=type(exc).__name__) from None
    if not items:
        raise errors.PasswordFileEmpty(path=path)
    return items


def passwords_from(password_file: Path | None = None, password_stdin: bool = False,
                   ask: Asker | None = None, environ: dict[str, str] | None = None) -> Passwords:
    """Collect passwords from the sources a user may use: file, stdin, environment; else a prompt when needed."""
    env = os.environ if environ is None else environ
    items: list[str] = []
    if password_file is not None:
        items += read_password_file(password_file)
    if password_stdin:
        items += parse_password_lines(sys.stdin.read())
    if env.get(ENV_VAR):
        items.append(env[ENV_VAR])
    return Passwords(items, ask=None if items else ask)


@dataclass(frozen=True)
class Opened:
    """A file's plaintext bytes (memory only) and how it was protected."""

    data: bytes
    encryption: Encryption | None  # None: the file was not encrypted
    slot: int | None  # which known password opened it (0 = the newest); None when not encrypted
    intact: bool | None = None  # whether an Agile file's integrity code (HMAC) matched; None: it has none

    @property
    def with_newest(self) -> bool:
        return self.slot == 0


def _office_file(data: bytes, path: Path) -> Any:  # an msoffcrypto BaseOfficeFile (the library has no types)
    msoffcrypto = _msoffcrypto()
    from msoffcrypto import exceptions as mso

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
    except (mso.FileFormatError, OSError, ValueError, AssertionError) as exc:
        raise errors.NotAWorkbook(path=path, reason="okänt filformat") from exc
    except Exception as exc:  # olefile and struct raise many kinds on a damaged file
        raise errors.NotAWorkbook(path=path, reason="filen är skadad") from exc
    _xls_in_memory()
    return office


def _encryption_kind(data: bytes, path: Path, office: Any) -> str | None:
    kind = type(office).__name__
    if kind == "OOXMLFile":
        return office.type if office.type != "plain" else None
    if kind == "Xls97File":
        try:
            return "xls" if office.is_encrypted() else None
        except Exception as exc:
            raise errors.NotAWorkbook(path=path, reason="filen är skadad") from exc
    if kind == "Doc97File":
        raise errors.NotAWorkbookButWord(path=path)
    raise errors.NotAWorkbook(path=path, reason="det är inget kalkylark")


@functools.lru_cache(maxsize=16)  # derived once per password and process: a merge asks for it once per file
def receipt_key(password: str) -> bytes:
    """A key for the row fingerprints of ISF's receipts, derived from a password (PBKDF2-HMAC-SHA256, 100,000
    rounds): without the password a fingerprint cannot be checked, so a guessed personnummer cannot be confirmed."""
    import hashlib

    return hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), b"samrehab-kvittens-1", 100_000)


def open_bytes(data: bytes, passwords: Passwords, path: Path, first: int | None = None) -> Opened:
    """Return the plaintext of ``data``: as is when not encrypted, else decrypted in memory. The password in slot
    ``first`` is tried first (the one that opened the förbund's last file), then the others, newest first."""
    if not data.startswith(OLE_MAGIC):  # zip (plain xlsx) or not a workbook at all: workbooks.read decides
        return Opened(data, None, None)
    parsed = _office_file(data, path)  # parsed once for the kind and the first password (parsing costs ~1 ms)
    kind = _encryption_kind(data, path, parsed)
    if kind is None:
        return Opened(data, None, None)
    if kind not in ("agile", "standard", "xls"):
        raise errors.UnsupportedEncryption(path=path, reason=kind)
    if kind != "xls" and _cut_short(parsed):
        raise errors.DamagedWorkbook(path=path, reason="den är avklippt: den krypterade delen är ofullständig")
    from msoffcrypto import exceptions as mso

    if kind == "agile":
        refuse_costly_key(parsed, path)
    tried = 0
    for slot, password in passwords._for_reading(path, first):
        office = parsed if tried == 0 and kind != "xls" else _office_file(data, path)
        tried += 1
        try:
            office.load_key(password=password)
            out = io.BytesIO()
            office.decrypt(out)
        except mso.InvalidKeyError:
            continue
        except (mso.DecryptionError, mso.ParseError) as exc:
            raise errors.UnsupportedEncryption(path=path, reason=type(exc).__name__) from None
        except Exception:  # a wrong key can make garbage that fails in any way
            continue
        encryption = cast(Encryption, office.type if kind == "xls" else kind)  # msoffcrypto's names for its kinds
        return Opened(out.getvalue(), encryption, slot, intact(office) if kind == "agile" else None)
    if len(passwords) == 0:
        raise errors.PasswordNeeded(path=path)
    raise errors.WrongPassword(path=path, count=len(passwords))


def encrypt(plain: bytes, passwords: Passwords, path: Path, slot: int = 0) -> bytes:
    """Agile-encrypt an xlsx package with the newest password (or the one in ``slot``), verified by decrypting."""
    if plain.startswith(OLE_MAGIC):
        raise errors.CannotEncryptXls(path=path)
    _msoffcrypto()
    from msoffcrypto.format.ooxml import OOXMLFile

    password = passwords._for_writing(slot)
    out = io.BytesIO()
    try:
        OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    except Exception as exc:
        raise errors.EncryptionFailed(path=path) from exc
    encrypted = out.getvalue()
    check = Passwords([password])
    try:
        again = open_bytes(encrypted, check, path)
    except errors.SamrehabError:
        again = None
    if again is None or again.data != plain or again.encryption != "agile" or again.intact is not True:
        raise errors.EncryptionFailed(path=path)
    return encrypted


def _cut_short(office: Any) -> bool:
    """An encrypted xlsx whose encrypted package is shorter than it says (cut off in the mail, say): no password
    could open it, so it is refused as damaged before any key is derived for it."""
    import struct

    try:
        with office.file.openstream("EncryptedPackage") as stream:
            declared: int = struct.unpack("<Q", stream.read(8))[0]
            present: int = len(stream.read())
            return present < declared
    except Exception:  # olefile raises many kinds on a damaged file: decrypting will say what
        return False


# --- what an Agile file asks of the reader, and its integrity code ---------------------------------------------
#: Excel hashes the password 100,000 times; a file may ask for up to 10,000,000 (seconds per password tried, and
#: every known password is tried). One that asks for more than this is refused before any key is derived.
MAX_SPIN_COUNT = 1_000_000


def refuse_costly_key(office: Any, path: Path) -> None:
    """Refuse an Agile file whose key would take more than :data:`MAX_SPIN_COUNT` hashes to derive."""
    spins = office.info.get("spinValue", 0)
    if spins > MAX_SPIN_COUNT:
        raise errors.UnsupportedEncryption(path=path, reason=f"lösenordet ska hashas {spins} gånger, "
                                                             "Excel gör det 100000 gånger")


def intact(office: Any) -> bool:
    """Whether an Agile file's integrity code (``dataIntegrity``: an HMAC over the encrypted package, keyed with a
    salt encrypted under the file's key) matches, for an ``office`` whose key is loaded.

    msoffcrypto-tool checks it only when asked (``OOXMLFile.decrypt(verify_integrity=True)``), and then a mismatch
    raises ``InvalidKeyError``, the same as a wrong password; so it is checked here, apart. Reading accepts a
    mismatch (some office versions compute it differently) and reports it; what :func:`encrypt` writes must match,
    since LibreOffice refuses a file whose code is wrong.
    """
    from msoffcrypto.method.ecma376_agile import ECMA376Agile

    info = office.info
    try:
        with office.file.openstream("EncryptedPackage") as stream:
            return bool(ECMA376Agile.verify_integrity(
                office.secret_key, info["keyDataSalt"], info["keyDataHashAlgorithm"], info["keyDataBlockSize"],
                info["encryptedHmacKey"], info["encryptedHmacValue"], stream))
    except Exception:  # a damaged code (wrong length, bad base64 …) does not match
        return False


def _msoffcrypto() -> Any:  # the module (untyped), imported on first use: it is slow to import
    import msoffcrypto

    agile.install()  # the key derivation in C, when it was built (storage/agile.py)
    return msoffcrypto


def _xls_in_memory() -> None:
    """Keep decrypted .xls data in memory, once ``OfficeFile`` has met an .xls (and imported its module).

    msoffcrypto-tool rebuilds a decrypted .xls in ``tempfile.TemporaryFile()``, i.e. plaintext on disk. Its xls
    module gets a namespace whose ``TemporaryFile`` is an in-memory buffer instead (olefile writes to any seekable
    file object), so decrypted data never leaves memory. (Not imported for an xlsx: 9 ms of every start.)
    """
    import types

    xls97: Any = sys.modules.get("msoffcrypto.format.xls97")
    if xls97 is not None and not isinstance(xls97.tempfile, types.SimpleNamespace):
        xls97.tempfile = types.SimpleNamespace(TemporaryFile=io.BytesIO)
