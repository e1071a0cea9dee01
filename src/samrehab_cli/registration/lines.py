"""Thousands of short texts checked by one regular expression in one pass, in C.

A pattern called once per text (``map(pattern.fullmatch, texts)``) costs about 0.4 µs a call, whatever it matches;
the same texts joined by line breaks are read by one ``findall`` in about half that. A year's workbook holds a
thousand personnummer, e-mail addresses and mobile numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence


def per_line(captured: str, before: str = "") -> re.Pattern[str]:
    """A pattern that matches each line once: a line that is ``before`` then ``captured`` gives what ``captured``
    matched, any other line gives "". The patterns end a line with ``$``: ``\\Z`` is the end of all lines."""
    return re.compile(rf"^(?:{before}({captured})|.*)$", re.MULTILINE)


def each_line(pattern: re.Pattern[str], texts: Sequence[str], clean: Callable[[str], str] | None = None,
              ) -> list[str]:
    """What ``pattern`` (from :func:`per_line`) gives for each text as a line of its own, after ``clean``. A text
    that holds a line break gives "" (it is not one line), and the others are then read one by one."""
    joined = "\n".join(texts)
    if joined.count("\n") == len(texts) - 1:
        return pattern.findall(clean(joined) if clean else joined)
    return [(found[1] or "") if (found := pattern.fullmatch(clean(text) if clean else text)) else ""
            for text in texts]
