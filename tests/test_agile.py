"""samrehab's key derivation loops (storage/agile.py: compiled in _agile.c, and in Python) give exactly what
msoffcrypto-tool's own loop gives.

The compiled SHA-512 against hashlib and the FIPS 180-4 vectors; each iterated hash against msoffcrypto-tool's own
loop on more than 10,000 passwords, salts and spin counts; and whole files, encrypted on one path and opened on the
other. Where the extension was not built (no C compiler), only the pure path is tested, and it is what runs.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import msoffcrypto
import pytest
from msoffcrypto.method.ecma376_agile import ECMA376Agile
from tests.conftest import OFFICE, PASSWORD, make_workbook

from samrehab_cli.storage import agile, crypto, native

BUILT = importlib.util.find_spec("samrehab_cli.storage._agile") is not None
_agile = importlib.import_module("samrehab_cli.storage._agile") if BUILT else None
needs_extension = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no C compiler)")

#: msoffcrypto-tool's own loop, whatever install() did to the class
_PURE = getattr(ECMA376Agile.__dict__["_derive_iterated_hash_from_password"].__func__, agile._ROUTED,
                ECMA376Agile.__dict__["_derive_iterated_hash_from_password"].__func__)

# FIPS 180-4 / NIST example vectors for SHA-512
FIPS = {
    b"": "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
         "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
    b"abc": "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
    b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu":
        "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
        "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
    b"a" * 1_000_000: "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
                      "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b",
}

PASSWORDS = ["", "a", PASSWORD, "Höst-2020?", "VelvetSweatshop", crypto.EXCEL_DEFAULT_PASSWORD, "åäö ÅÄÖ",
             "пароль", "密码", "كلمة السر", "🔑🙂 emoji utanför BMP", "x" * 255, "tab\tand\nnewline", "\u00a0"]
ALPHABET = "abcXYZ019 -_!?åäöÅÄÖéüßøæ€£§ΩЖж中文日本🙂🔑\u00a0\t"


def _cases(count: int, seed: int) -> Iterator[tuple[str, bytes, int]]:
    """Passwords (named ones first, then random ones with non-ASCII and astral characters), salts (mostly 16
    bytes, as Excel writes, and other lengths) and spin counts (0, 1, 2 and small ones: the loop is the same at
    every count, and pure Python pays for each round)."""
    rng = random.Random(seed)
    for n in range(count):
        if n < len(PASSWORDS) * 3:
            password = PASSWORDS[n % len(PASSWORDS)]
        else:
            password = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 40)))
        salt = rng.randbytes(16 if rng.random() < 0.8 else rng.randrange(0, 80))
        spin = (0, 1, 2)[n] if n < 3 else rng.choice((rng.randrange(0, 64), rng.randrange(64, 600)))
        yield password, salt, spin


@pytest.fixture(autouse=True)
def _routing_as_before() -> Iterator[None]:
    """Each test may switch the path; afterwards the switch and msoffcrypto-tool are as the run started them."""
    before = os.environ.get(native.PURE_ENV)
    yield
    if before is None:
        os.environ.pop(native.PURE_ENV, None)
    else:
        os.environ[native.PURE_ENV] = before
    agile.install()


def _use(pure: bool) -> bool:
    """Switch to the pure or the compiled path; whether the compiled one is now in use."""
    if pure:
        os.environ[native.PURE_ENV] = "1"
    else:
        os.environ.pop(native.PURE_ENV, None)
    return agile.install()


def _pure(password: str, salt: bytes, spin: int) -> bytes:
    digest: bytes = _PURE(password, salt, "SHA512", spin).digest()
    return digest


# --- SHA-512 ------------------------------------------------------------------------------------------------------
@needs_extension
@pytest.mark.parametrize("message", list(FIPS), ids=["empty", "abc", "896 bits", "a million a"])
def test_sha512_gives_the_fips_vectors(message: bytes) -> None:
    assert _agile.sha512(message).hex() == hashlib.sha512(message).hexdigest() == FIPS[message]


@needs_extension
def test_sha512_equals_hashlib_at_every_length_and_on_random_input() -> None:
    rng = random.Random(512)
    pattern = bytes(range(256)) * 4
    messages = [pattern[:n] for n in range(0, 600)]  # every padding case: 111/112 bytes, block edges, two blocks
    messages += [rng.randbytes(rng.randrange(0, 5000)) for _ in range(2000)]
    messages += [b"\xff" * n for n in (111, 112, 127, 128, 239, 240, 255, 256, 1023, 1024)]
    for message in messages:
        assert _agile.sha512(message) == hashlib.sha512(message).digest(), len(message)


# --- the iterated hash, both paths ------------------------------------------------------------------------------
#: every loop to compare with msoffcrypto-tool's: samrehab's Python one, and both compiled builds (the one this
#: processor picked and the portable one) where the extension was built
LOOPS: dict[str, Callable[[bytes, int], bytes]] = {"python": agile.python_iterated_hash}
if _agile is not None:
    LOOPS["compiled"] = _agile.iterated_hash
    LOOPS["compiled, portable"] = lambda initial, spin: _agile.iterated_hash(initial, spin, True)


@pytest.mark.parametrize("loop", list(LOOPS))
def test_each_loop_equals_msoffcrypto_on_10000_cases(loop: str) -> None:
    checked = 0
    for password, salt, spin in _cases(10_200, seed=2020):
        expected = _pure(password, salt, spin)
        assert LOOPS[loop](salt + password.encode("UTF-16LE"), spin) == expected, (password, salt.hex(), spin)
        checked += 1
    assert checked >= 10_000


@pytest.mark.parametrize("loop", list(LOOPS))
@pytest.mark.parametrize("password", [PASSWORD, "VelvetSweatshop", "Lösenord-åäö-🔑"])
def test_each_loop_at_excels_spin_count(loop: str, password: str) -> None:
    salt = bytes(range(16))
    assert LOOPS[loop](salt + password.encode("UTF-16LE"), 100_000) == _pure(password, salt, 100_000)


def test_python_loop_uses_cpythons_own_sha512_and_gives_hashlibs() -> None:
    sha512 = agile._one_block_sha512()
    assert sha512.__module__ in ("_sha2", "_sha512")  # CPython is built with them; hashlib's is the fallback
    for message in FIPS:
        assert sha512(message).hexdigest() == FIPS[message]


@needs_extension
def test_spin_counts_outside_the_counter() -> None:
    """A negative spin count iterates no time, as msoffcrypto-tool's range() does; one beyond the 32-bit counter is
    refused (msoffcrypto-tool would fail at round 2^32)."""
    assert _agile.iterated_hash(b"salt", -5) == _pure("", b"salt", -5) == hashlib.sha512(b"salt").digest()
    with pytest.raises(ValueError):
        _agile.iterated_hash(b"salt", 2**32 + 1)


# --- msoffcrypto-tool routed through it -------------------------------------------------------------------------
@pytest.mark.parametrize("pure", [False, True], ids=["compiled", "pure"])
def test_install_routes_sha512_and_leaves_other_hashes_alone(pure: bool) -> None:
    if not pure and not BUILT:
        pytest.skip("the C extension was not built (no C compiler)")
    assert _use(pure) is (not pure)
    routed = ECMA376Agile._derive_iterated_hash_from_password
    assert agile.install() is (not pure) and ECMA376Agile._derive_iterated_hash_from_password is routed  # once
    assert getattr(routed, agile._ROUTED) is _PURE
    assert getattr(routed, agile._LOOP) is (agile.python_iterated_hash if pure else _agile.iterated_hash)
    for password, salt, spin in _cases(300, seed=7):
        assert routed(password, salt, "SHA512", spin).digest() == _pure(password, salt, spin)
        assert routed(password, salt, "SHA1", spin).digest() == _PURE(password, salt, "SHA1", spin).digest()


@needs_extension
def test_key_and_verifier_steps_agree_on_both_paths() -> None:
    """msoffcrypto-tool's key (makekey_from_password) and verifier (verify_password) from Excel's own file."""
    office = msoffcrypto.OfficeFile(io.BytesIO((OFFICE / "example_password.xlsx").read_bytes()))
    info = office.info

    def both() -> tuple[bytes, bool, bool]:
        key = ECMA376Agile.makekey_from_password("Password1234_", info["passwordSalt"], info["passwordHashAlgorithm"],
                                                 info["encryptedKeyValue"], info["spinValue"], info["passwordKeyBits"])
        verified = [ECMA376Agile.verify_password(password, info["passwordSalt"], info["passwordHashAlgorithm"],
                                                 info["encryptedVerifierHashInput"],
                                                 info["encryptedVerifierHashValue"], info["spinValue"],
                                                 info["passwordKeyBits"]) for password in ("Password1234_", "fel")]
        return key, verified[0], verified[1]

    assert _use(pure=False)
    compiled = both()
    assert not _use(pure=True)
    routed = ECMA376Agile.__dict__["_derive_iterated_hash_from_password"].__func__
    assert getattr(routed, agile._LOOP) is agile.python_iterated_hash and getattr(routed, agile._ROUTED) is _PURE
    assert both() == compiled and compiled[1:] == (True, False)


@needs_extension
def test_files_written_on_one_path_open_on_the_other(tmp_path: Path) -> None:
    plain = make_workbook([{"consent": "Nej"}])
    path = tmp_path / "x.xlsx"
    made = {}
    for pure in (False, True):
        assert _use(pure) is not pure
        made[pure] = crypto.encrypt(plain, crypto.Passwords([PASSWORD]), path)
    for pure in (False, True):
        assert _use(pure) is not pure
        for data in made.values():
            assert crypto.open_bytes(data, crypto.Passwords([PASSWORD]), path).data == plain
        excel = crypto.open_bytes((OFFICE / "example_password.xlsx").read_bytes(), crypto.Passwords(["Password1234_"]),
                                  path)
        assert excel.data == (OFFICE / "example_password.decrypted.xlsx").read_bytes()
        with pytest.raises(crypto.errors.WrongPassword):
            crypto.open_bytes(made[not pure], crypto.Passwords(["fel lösenord"]), path)


def test_the_pure_switch_and_the_version_say_which_path(run) -> None:
    assert not _use(pure=True) and agile.compiled() is None
    assert "nyckelhärledning: ren Python" in run("--version").stdout
    assert _use(pure=False) is BUILT
    expected = "kompilerad" if BUILT else "ren Python"
    assert f"nyckelhärledning: {expected}" in run("--version").stdout
    scan = "kompilerad" if importlib.util.find_spec("samrehab_cli.storage._sheetscan") else "ren Python"
    assert f"flikmätning: {scan}" in run("--version").stdout
    os.environ[native.PURE_ENV] = "1"
    assert "flikmätning: ren Python" in run("--version").stdout
