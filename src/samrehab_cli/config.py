"""Defaults from ``samrehab.toml`` in the working directory (docs/utdata.md), so common commands work bare.

Example::

    inbox = "inkorg"
    register = "huvudregister.xlsx"
    receipts = "kvitton"
    participant_register = "deltagarregister.xlsx"
    password_file = "~/isf-losenord.txt"
"""

from __future__ import annotations

import re
from pathlib import Path

from samrehab_cli import errors

FILE_NAME = "samrehab.toml"
KEYS = ("inbox", "register", "receipts", "participant_register", "password_file")
#: what must be there when samrehab.toml names it (merge creates the register and the receipts folder)
MUST_EXIST = ("inbox", "participant_register", "password_file")


class BadConfig(errors.SamrehabError):
    """{path} kunde inte läsas: {reason}. Rätta filen (TOML, till exempel register = "huvudregister.xlsx")."""


class ConfiguredPathMissing(errors.SamrehabError):
    """{value} finns inte ({key} i {config}). Rätta sökvägen i {config}, eller ange en annan på kommandoraden."""


def load(folder: Path | None = None) -> dict[str, Path]:
    """The paths named in ``samrehab.toml`` (relative ones taken from the file's folder); {} when there is none."""
    try:  # a working folder that is gone or cannot be searched has no samrehab.toml
        path = (folder or Path.cwd()) / FILE_NAME
        if not path.is_file():  # a named pipe, say, is not read
            return {}
    except OSError:
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        place = re.search(r"line (\d+), column (\d+)", str(exc))  # tomllib's message is English; only its place
        reason = f"rad {place[1]}, tecken {place[2]} är inte giltig TOML" if place else "filen är inte giltig TOML"
        raise BadConfig(path=path, reason=reason) from None
    except UnicodeDecodeError:
        raise BadConfig(path=path, reason="filen är inte sparad som UTF-8") from None
    except OSError as exc:
        raise BadConfig(path=path, reason=exc.strerror or type(exc).__name__) from None
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise BadConfig(path=path, reason=f"okänd nyckel {unknown[0]} (tillåtna: {', '.join(KEYS)})")
    paths: dict[str, Path] = {}
    for key in KEYS:
        if key in data:
            if not isinstance(data[key], str):
                raise BadConfig(path=path, reason=f"{key} ska vara en sökväg inom citattecken")
            value = Path(data[key]).expanduser()
            paths[key] = value if value.is_absolute() else path.parent / value
    return paths


def default(key: str, fallback: str | None = None) -> Path | None:
    """The path ``samrehab.toml`` names for ``key``, else ``fallback`` in the working directory. A path named there
    that must exist and does not is refused with a sentence that says where it came from."""
    value = load().get(key)
    if value is not None:
        if key in MUST_EXIST and not value.exists():
            raise ConfiguredPathMissing(value=value, key=key, config=Path.cwd() / FILE_NAME)
        return value
    return Path(fallback) if fallback is not None else None
