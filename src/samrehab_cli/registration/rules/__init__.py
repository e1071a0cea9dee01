"""The rules of the registration workbook, one small function per code, in modules grouped as the rule tables:
structure (S), values for every row, rows with Samtycke Ja and Nej (V), between rows (K); :mod:`.check` runs them."""
