"""Text and path options read without pydantic, so that a command starts in what it needs.

Typer 0.29 turns every option value into its type through a pydantic ``TypeAdapter`` that it builds when the
command runs: importing pydantic and building the adapters cost about 60 ms, a third of ``samrehab validate`` on a
year's workbook and more than reading it. samrehab's text, path and path-list options need no such machinery
(``str(value)``, ``Path(value)``), so :func:`install` gives those parameters that plain reading, and leaves every
other one (numbers with limits, …) to typer as it is. samrehab asks typer for no path checks (exists, readable …):
its own Swedish messages say what is wrong with a file.

It hooks typer's ``_TyperParameter.get_runtime_param`` (the lazily built converter of each parameter): where a
future typer has no such hook, nothing is changed and typer converts every value itself, more slowly.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MARK = "_samrehab_plain"


class _Typers(Exception):
    """A value the plain converter leaves to typer's own."""


class _Plain:
    """A parameter's converter, as typer's ``RuntimeParam.coerce`` is called: None and several values as typer
    handles them, each value converted by ``convert``, or by typer's own converter (``typers()``) when ``convert``
    leaves it to typer."""

    __slots__ = ("convert", "typers")

    def __init__(self, convert: Callable[[Any], Any], typers: Callable[[], Any]) -> None:
        self.convert, self.typers = convert, typers

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        import typer

        several = param.multiple or param.nargs == -1
        if value is None:
            return () if several else None
        try:
            if not several:
                return self.convert(value)
            if isinstance(value, str):
                raise typer.BadParameter("Value must be an iterable.", ctx=ctx, param=param)
            return [self.convert(item) for item in (value if isinstance(value, list | tuple) else [value])]
        except _Typers:
            return self.typers().coerce(value, param=param, ctx=ctx)


def _text(value: Any) -> str:
    return os.fsdecode(value) if isinstance(value, bytes) else str(value)


def _path(value: Any) -> Path:
    return value if isinstance(value, Path) else Path(_text(value))


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _Typers  # a flag's value given as text: typer reads yes/no/1/0 …


def plain_converter(descriptor: Any, typers: Callable[[], Any]) -> _Plain | None:
    """The plain converter for a parameter typer describes with ``descriptor``, or None to leave it to typer;
    ``typers()`` makes typer's own converter, for the values the plain one leaves to it."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or info.parser is not None:
        return None
    if descriptor.annotation is str:
        return _Plain(_text, typers)
    if descriptor.annotation is bool:
        return _Plain(_flag, typers)
    path_checks = (info.exists, info.resolve_path, info.allow_dash, info.path_type is not None)
    if descriptor.annotation in (Path, list[Path]) and not any(path_checks):
        return _Plain(_path, typers)
    return None


def install() -> bool:
    """Give typer's text and path parameters the plain converter; True when typer has the hook for it."""
    from typer import _coercion, core

    parameter = getattr(core, "_TyperParameter", None)
    original = getattr(parameter, "get_runtime_param", None)
    build_runtime_param = getattr(_coercion, "build_runtime_param", None)
    if parameter is None or original is None or build_runtime_param is None:
        return False
    if getattr(original, _MARK, False):
        return True

    def get_runtime_param(self: Any) -> Any:
        if getattr(self, "_runtime_param", None) is None:
            descriptor = self.type_descriptor
            self._runtime_param = plain_converter(descriptor, lambda: build_runtime_param(descriptor))
        return self._runtime_param if self._runtime_param is not None else original(self)

    setattr(get_runtime_param, _MARK, True)
    parameter.get_runtime_param = get_runtime_param
    return True
