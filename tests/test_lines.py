"""registration.lines: one pass of a pattern over many texts gives what the pattern gives each text alone."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from samrehab_cli.registration import lines

DIGITS = lines.per_line("[0-9]+", before="(?=.{0,3}$)")  # up to three characters, all digits: those digits


def alone(text: str) -> str:
    return text if re.fullmatch("[0-9]{1,3}", text) else ""


def test_each_line() -> None:
    assert lines.each_line(DIGITS, ["12", "", "a1", "1234", "007"]) == ["12", "", "", "", "007"]
    assert lines.each_line(DIGITS, []) == []
    assert lines.each_line(DIGITS, [""]) == [""]


def test_a_text_with_a_line_break_gives_nothing_and_the_others_their_own() -> None:
    assert lines.each_line(DIGITS, ["1\n2", "34", "\n"]) == ["", "34", ""]


def test_clean_is_applied_first() -> None:
    assert lines.each_line(DIGITS, ["1-2", "--", "4-5-6-7"], clean=lambda t: t.replace("-", "")) == ["12", "", ""]


@given(st.lists(st.text("01a \n", max_size=5), max_size=8))
def test_together_as_alone(texts: list[str]) -> None:
    assert lines.each_line(DIGITS, texts) == [alone(text) for text in texts]
