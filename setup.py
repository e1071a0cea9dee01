"""The optional compiled part of samrehab; everything else is in pyproject.toml.

The Agile key derivation's iterated SHA-512 in C (src/samrehab_cli/storage/_agile.c). ``optional=True``: without a
C compiler the build only warns, and samrehab runs as it does without it, in pure Python (storage/agile.py).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("samrehab_cli.storage._agile", ["src/samrehab_cli/storage/_agile.c"],
                             depends=["src/samrehab_cli/storage/_sha512.h"], optional=True)])
