"""``--format json`` prints the same text now that findings are dataclasses as it did when they were pydantic models.

pydantic writes a dataclass exactly as it wrote the model with the same fields, so its output for any report is
the reference; the renderer must match it character for character (non-ASCII, control characters, astral ones).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from samrehab_cli.findings import SEVERITIES, Finding, Report
from samrehab_cli.render.common import to_json

text = st.text(st.characters(codec="utf-8"), max_size=30)  # what a workbook can hold: any character but surrogates
findings = st.builds(Finding, code=text, severity=st.sampled_from(SEVERITIES), message=text, file=text,
                     sheet=st.none() | text, cell=st.none() | text, row=st.none() | st.integers(-1, 2**40),
                     column=st.none() | text, value=st.none() | text)


@given(st.lists(findings, max_size=5))
def test_report_json_is_what_pydantic_writes(found: list[Finding]) -> None:
    report = Report.of(found)
    assert to_json(report) == TypeAdapter(Report).dump_json(report, indent=2).decode()


def test_an_empty_report() -> None:
    assert to_json(Report.of([])) == '{\n  "valid": true,\n  "counts": {\n    "fel": 0,\n    "varning": 0,\n' \
                                     '    "info": 0\n  },\n  "findings": []\n}'
