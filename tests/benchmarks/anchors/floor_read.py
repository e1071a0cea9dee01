"""floor-read: msoffcrypto-tool ``load_key`` and ``decrypt`` to memory, then python-calamine reads every sheet."""

import io
import sys

import msoffcrypto
from python_calamine import CalamineWorkbook

path, password = sys.argv[1], sys.argv[2]
with open(path, "rb") as handle:
    office = msoffcrypto.OfficeFile(handle)
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
book = CalamineWorkbook.from_filelike(io.BytesIO(plain.getvalue()))
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
