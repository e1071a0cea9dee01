"""The ``samrehab`` command line: the Typer app (:mod:`.app`) and one module per family of commands.

Each command is a few lines over the library. Heavy modules (openpyxl, pandas, msoffcrypto-tool, python-calamine,
pydantic) are imported inside the commands, so ``samrehab --help`` stays fast.
"""
