"""Commands a message asks a person to paste, quoted for their shell, and the formatter that quotes them.

A file name with a space (``Registrering vecka 39.xlsx``) pasted bare into a shell is two arguments. On Windows the
shell is PowerShell, which takes ``"…"`` (with a backtick before ``"``, ``$`` and a backtick); elsewhere it is a POSIX
shell, which takes ``'…'`` (a ``'`` inside as ``'"'"'``). A word of letters, digits and ``@%+=:,./-_`` is left bare.

Messages mark the words to quote with the conversion ``!q``: ``"samrehab encrypt {path!q} --in-place"``, filled by
:func:`fill` (``errors`` and ``findings`` fill every message through it).
"""

from __future__ import annotations

import os
import re
from functools import cache
from typing import Any

_BARE = re.compile(r"[\w@%+=:,./-]+")  # \w is Unicode: å, ä and ö need no quotes


def quote(word: object, *, windows: bool | None = None) -> str:
    """``word`` as one argument of the user's shell: PowerShell on Windows, a POSIX shell elsewhere."""
    text = str(word)
    if _BARE.fullmatch(text):
        return text
    if os.name == "nt" if windows is None else windows:
        return '"' + re.sub(r'([`"$])', r"`\1", text) + '"'
    return "'" + text.replace("'", "'\"'\"'") + "'"


def command(*words: object) -> str:
    """A command line to paste: ``command("samrehab", "encrypt", path, "--in-place")``."""
    return " ".join(quote(word) for word in words)


def fill(template: str, **fields: object) -> str:
    """``template.format(**fields)``, where ``{name!q}`` is the field quoted for the shell."""
    return _formatter().format(template, **fields) if "!q}" in template else template.format(**fields)


@cache
def _formatter() -> Any:  # a string.Formatter; made on first use (``samrehab --help`` does not need it)
    import string

    class Quoting(string.Formatter):
        def convert_field(self, value: object, conversion: str | None) -> object:
            return quote(value) if conversion == "q" else super().convert_field(value, conversion)

    return Quoting()
