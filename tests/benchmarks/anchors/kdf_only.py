"""kdf-only: one Agile key derivation per file, on 2 processes, nothing else (no decryption, no reading).

``python kdf_only.py pure|compiled PASSWORD FILE...``: half the files on each of two worker processes; a worker
reads a file's key parameters (salt, spin count: its EncryptionInfo) and derives the key with msoffcrypto-tool's
Python loop (``pure``) or samrehab's compiled one (``compiled``).
"""

import multiprocessing
import sys

import msoffcrypto
from msoffcrypto.method.ecma376_agile import ECMA376Agile


def params(path: str) -> tuple:
    with open(path, "rb") as handle:
        info = msoffcrypto.OfficeFile(handle).info
    return (info["passwordSalt"], info["passwordHashAlgorithm"], info["encryptedKeyValue"], info["spinValue"],
            info["passwordKeyBits"])


def derive(task: tuple) -> bytes:
    password, path = task
    salt, algorithm, encrypted_key, spin, bits = params(path)
    return ECMA376Agile.makekey_from_password(password, salt, algorithm, encrypted_key, spin, bits)


if __name__ == "__main__":
    kind, password, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    if kind == "compiled":
        from samrehab_cli.storage import agile

        assert agile.install(), "the compiled key derivation is not built"
    tasks = [(password, path) for path in files]
    with multiprocessing.get_context("fork").Pool(2) as workers:
        workers.map(derive, tasks, chunksize=(len(tasks) + 1) // 2)
