"""samrehab's optional compiled parts, each a faster way to the same result as its pure-Python twin.

``_agile`` derives Agile keys (storage/agile.py) and ``_sheetscan`` measures a sheet part (storage/bounds.py).
``setup.py`` builds them where a C compiler is found; where none is, or where ``SAMREHAB_PURE_PYTHON=1`` asks for
it (CI runs the tests both ways), samrehab runs in pure Python.
"""

from __future__ import annotations

import functools
import importlib
import os
from types import ModuleType

PURE_ENV = "SAMREHAB_PURE_PYTHON"


def pure_asked() -> bool:
    return os.environ.get(PURE_ENV, "") not in ("", "0")


def extension(name: str) -> ModuleType | None:
    """The compiled module ``name`` of this package, or None when it was not built or pure Python is asked for."""
    return None if pure_asked() else _built(name)


@functools.cache  # a module that is not there is looked for once, not at every sheet
def _built(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"samrehab_cli.storage.{name}")
    except ImportError:
        return None
