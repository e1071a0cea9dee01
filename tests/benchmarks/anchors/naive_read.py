"""naive-read: msoffcrypto-tool with ``verify_password=True``, then openpyxl ``load_workbook`` and every row."""

import io
import sys

import msoffcrypto
import openpyxl

path, password = sys.argv[1], sys.argv[2]
with open(path, "rb") as handle:
    office = msoffcrypto.OfficeFile(handle)
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
book = openpyxl.load_workbook(plain)
for sheet in book.worksheets:
    for _ in sheet.iter_rows(values_only=True):
        pass
