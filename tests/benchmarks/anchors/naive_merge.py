"""naive-merge: the single-process loop ISF would write by hand, for comparison with ``samrehab merge``.

``python naive_merge.py PASSWORD INBOX REGISTER``: every workbook in the inbox decrypted with msoffcrypto-tool
(``verify_password=True``), every sheet read with pandas (openpyxl), all rows concatenated, written with pandas to
one workbook and encrypted with msoffcrypto-tool.
"""

import io
import sys
from pathlib import Path

import msoffcrypto
import pandas as pd
from msoffcrypto.format.ooxml import OOXMLFile

if __name__ == "__main__":
    password, inbox, register = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    frames = []
    for path in sorted(inbox.rglob("*.xlsx")):
        office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
        office.load_key(password=password, verify_password=True)
        plain = io.BytesIO()
        office.decrypt(plain)
        for name, frame in pd.read_excel(plain, sheet_name=None, engine="openpyxl", dtype=str).items():
            if name.startswith(("19", "20")):
                frames.append(frame.assign(Förbund=path.parent.name, Vecka=name))
    merged = pd.concat(frames, ignore_index=True)
    written = io.BytesIO()
    merged.to_excel(written, sheet_name="Deltagare", index=False, engine="openpyxl")
    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(written.getvalue())).encrypt(password, encrypted)
    register.write_bytes(encrypted.getvalue())
