"""The Agile key derivation (ECMA-376 §2.3.4.11), compiled when it could be built: nine tenths of opening a file.

Opening an Agile-encrypted workbook derives a key from the password: H = SHA-512(salt + password as UTF-16LE),
then ``spinCount`` (100,000) times H = SHA-512(LE32(i) + H); the key and the password verifier are one more
SHA-512 of H with a block key each. msoffcrypto-tool does the loop in Python. :func:`install` routes its loop
(``ECMA376Agile._derive_iterated_hash_from_password``, which its key, verifier and encryption steps all call), when
the hash is SHA-512, to the C extension ``_agile`` where it was built (``setup.py``, optional: 17 ms here), else to
:func:`python_iterated_hash` (36 ms, msoffcrypto-tool's own loop 51 ms); the block-key steps stay msoffcrypto-tool's.
The results are the same (tests/test_agile.py compares each loop with msoffcrypto-tool's on more than 10,000
passwords, salts and spin counts); only the time differs.

``SAMREHAB_PURE_PYTHON=1`` keeps the pure-Python path even where the extension exists (storage/native.py).
"""

from __future__ import annotations

import functools
import importlib
import struct
from collections.abc import Callable
from types import ModuleType
from typing import Any

from samrehab_cli.storage import native

_ROUTED = "_samrehab_original"  # on the routed function: msoffcrypto-tool's own, for other hashes
_LOOP = "_samrehab_loop"  # on the routed function: the loop it calls


def compiled() -> ModuleType | None:
    """The compiled extension, or None when it was not built or pure Python is asked for."""
    return native.extension("_agile")


@functools.cache  # looked for once: on 3.11 the search for _sha2 fails, and fails again at every derivation
def _one_block_sha512() -> Callable[[bytes], Any]:
    """CPython's own SHA-512 (``_sha2`` from 3.12, ``_sha512`` before), else hashlib's.

    hashlib's SHA-512 is OpenSSL's: fast over long input, but each new hash object costs OpenSSL a context and a
    lookup, and the loop makes 100,000 of them over 68 bytes each. CPython's built-in one makes them for less.
    """
    for name in ("_sha2", "_sha512"):
        try:
            return importlib.import_module(name).sha512  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    import hashlib

    return hashlib.sha512


def python_iterated_hash(initial: bytes, spin_count: int) -> bytes:
    """H = SHA-512(initial), then ``spin_count`` times H = SHA-512(LE32(i) + H): the loop in Python, as fast as
    Python makes it (a negative count iterates no time, as msoffcrypto-tool's ``range`` does)."""
    sha512 = _one_block_sha512()
    counter = struct.Struct("<I").pack
    value: bytes = sha512(initial).digest()
    for i in range(spin_count):
        value = sha512(counter(i) + value).digest()
    return value


def describe() -> str:
    """Which derivation is in use, in Swedish (``samrehab --version``)."""
    module = compiled()
    if module is not None:
        return f"nyckelhärledning: kompilerad, {module.variant}"
    return "nyckelhärledning: ren Python" + (f", {native.PURE_ENV}" if native.pure_asked() else "")


class _Hash:
    """What msoffcrypto-tool's loop returns, a finished hash: only ``digest()`` is asked of it."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        self._value = value

    def digest(self) -> bytes:
        return self._value


def install() -> bool:
    """Route msoffcrypto-tool's iterated hash to samrehab's loop: the compiled one when it was built (and
    ``SAMREHAB_PURE_PYTHON`` does not ask for pure Python), else :func:`python_iterated_hash`. True when the compiled
    loop is in use. Only SHA-512 (what Excel and samrehab write) is routed; any other hash algorithm stays
    msoffcrypto-tool's own.
    """
    from msoffcrypto.method.ecma376_agile import ECMA376Agile

    current = ECMA376Agile.__dict__.get("_derive_iterated_hash_from_password")
    if current is None:  # a msoffcrypto-tool without this step: nothing to route
        return False
    original = getattr(current.__func__, _ROUTED, current.__func__)
    module = compiled()
    loop = python_iterated_hash if module is None else module.iterated_hash
    if getattr(current.__func__, _LOOP, None) is loop:
        return module is not None

    def derive(password: str, saltValue: bytes, hashAlgorithm: str, spinValue: int) -> Any:  # msoffcrypto's names
        if hashAlgorithm != "SHA512":
            return original(password, saltValue, hashAlgorithm, spinValue)
        return _Hash(loop(saltValue + password.encode("UTF-16LE"), spinValue))

    setattr(derive, _ROUTED, original)
    setattr(derive, _LOOP, loop)
    ECMA376Agile._derive_iterated_hash_from_password = staticmethod(derive)
    return module is not None
