"""The Agile key derivation (ECMA-376 §2.3.4.11), compiled when it could be built: nine tenths of opening a file.

Opening an Agile-encrypted workbook derives a key from the password: H = SHA-512(salt + password as UTF-16LE),
then ``spinCount`` (100,000) times H = SHA-512(LE32(i) + H); the key and the password verifier are one more
SHA-512 of H with a block key each. msoffcrypto-tool does the loop in Python. :func:`install` routes its loop
(``ECMA376Agile._derive_iterated_hash_from_password``, which its key, verifier and encryption steps all call) to
the C extension ``_agile`` when it was built (``setup.py``, optional) and the hash is SHA-512; the block-key steps
stay msoffcrypto-tool's. The results are the same (tests/test_agile.py compares the two on many passwords, salts
and spin counts); only the time differs, about three times less.

``SAMREHAB_PURE_KDF=1`` keeps the pure-Python path even where the extension exists (CI runs the tests both ways).
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import Any

PURE_ENV = "SAMREHAB_PURE_KDF"
_ROUTED = "_samrehab_compiled"  # marks msoffcrypto-tool's function once it is routed


def compiled() -> ModuleType | None:
    """The compiled extension, or None when it was not built or ``SAMREHAB_PURE_KDF`` asks for pure Python."""
    if os.environ.get(PURE_ENV, "") not in ("", "0"):
        return None
    try:
        from samrehab_cli.storage import _agile  # built by setup.py where a C compiler was found
    except ImportError:
        return None
    return _agile


def describe() -> str:
    """Which derivation is in use, in Swedish (``samrehab --version``)."""
    module = compiled()
    if module is not None:
        return f"nyckelhärledning: kompilerad, {module.variant}"
    return "nyckelhärledning: ren Python" + (f", {PURE_ENV}" if os.environ.get(PURE_ENV, "") not in ("", "0") else "")


class _Hash:
    """What msoffcrypto-tool's loop returns, a finished hash: only ``digest()`` is asked of it."""

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        self._value = value

    def digest(self) -> bytes:
        return self._value


def install() -> bool:
    """Route msoffcrypto-tool's iterated hash to the compiled loop, once; True when the compiled loop is in use.

    Only SHA-512 (what Excel and samrehab write) goes to C; any other hash algorithm stays msoffcrypto-tool's own.
    """
    from msoffcrypto.method.ecma376_agile import ECMA376Agile

    current = ECMA376Agile.__dict__.get("_derive_iterated_hash_from_password")
    if current is None:  # a msoffcrypto-tool without this step: nothing to route, and pure Python it stays
        return False
    original = getattr(current.__func__, _ROUTED, current.__func__)
    module = compiled()
    if module is None:
        if original is not current.__func__:
            ECMA376Agile._derive_iterated_hash_from_password = staticmethod(original)
        return False
    if original is not current.__func__:
        return True
    iterated_hash = module.iterated_hash

    def derive(password: str, saltValue: bytes, hashAlgorithm: str, spinValue: int) -> Any:  # msoffcrypto's names
        if hashAlgorithm != "SHA512":
            return original(password, saltValue, hashAlgorithm, spinValue)
        return _Hash(iterated_hash(saltValue + password.encode("UTF-16LE"), spinValue))

    setattr(derive, _ROUTED, original)
    ECMA376Agile._derive_iterated_hash_from_password = staticmethod(derive)
    return True
