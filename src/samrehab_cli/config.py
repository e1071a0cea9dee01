"""Defaults from ``samrehab.toml`` in the working directory (SPEC §2.5), so common commands work bare.

Example::

    inbox = "inkorg"
    register = "huvudregister.xlsx"
    receipts = "kvitton"
    participant_register = "deltagarregister.xlsx"
    password_file = "~/isf-losenord.txt"
"""

from __future__ import annotations

from pathlib import Path

from samrehab_cli import errors

FILE_NAME = "samrehab.toml"
KEYS = ("inbox", "register", "receipts", "participant_register", "password_file")


class BadConfig(errors.SamrehabError):
    """{path} kunde inte läsas: {reason}. Rätta filen (TOML, till exempel register = "huvudregister.xlsx")."""


def load(folder: Path | None = None) -> dict[str, Path]:
    """The paths named in ``samrehab.toml`` (relative ones taken from the file's folder); {} when there is none."""
    path = (folder or Path.cwd()) / FILE_NAME
    if not path.is_file():
        return {}
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadConfig(path=path, reason=type(exc).__name__) from None
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
    """The path ``samrehab.toml`` names for ``key``, else ``fallback`` in the working directory."""
    value = load().get(key)
    if value is not None:
        return value
    return Path(fallback) if fallback is not None else None
