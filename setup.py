"""The optional compiled parts of samrehab; everything else is in pyproject.toml.

The Agile key derivation's iterated SHA-512 in C (src/samrehab_cli/storage/_agile.c) and the scan that measures a
sheet before it is read (_sheetscan.c). ``optional=True``: without a C compiler the build only warns, and samrehab
runs as it does without them, in pure Python (storage/native.py) with the same results.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("samrehab_cli.storage._agile", ["src/samrehab_cli/storage/_agile.c"],
                             depends=["src/samrehab_cli/storage/_sha512.h"], optional=True),
                   Extension("samrehab_cli.storage._sheetscan", ["src/samrehab_cli/storage/_sheetscan.c"],
                             optional=True)])
