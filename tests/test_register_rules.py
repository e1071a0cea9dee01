"""D401–D410 (docs/regler.md): every code has a row that triggers it and a near miss that does not."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from samrehab_cli.catalog import RULES
from samrehab_cli.participants import rules

from register_files import TODAY, make_register, person, source_sheets

PARTICIPANT_RULES = {rule.code: rule for rule in RULES if rule.code.startswith("D")}

D = dt.date


def codes(*rows: dict[str, object], today: dt.date = TODAY) -> dict[str, str]:
    """code → severity of the findings for ``rows``."""
    return {f.code: f.severity for f in rules.check(source_sheets(rows), today)}


TRIGGERS = [
    ("D401", "fel", [person(participant_id=None)]),
    ("D401", "fel", [person("D1"), person("D1", team="Säter")]),
    ("D402", "fel", [person(start=None)]),
    ("D402", "fel", [person(start="2020-13-01")]),
    ("D402", "fel", [person(end="i våras", exit_reason="Annat")]),
    ("D403", "fel", [person(start=D(2020, 3, 1), end=D(2020, 2, 29), exit_reason="Studier")]),
    ("D404", "fel", [person(end=D(2020, 5, 1))]),
    ("D404", "fel", [person(exit_reason="Studier")]),
    ("D405", "fel", [person(end=D(2020, 5, 1), exit_reason="Jobb")]),
    ("D405", "fel", [person(end=D(2020, 5, 1), exit_reason="Arbete", labour_support="Bidrag")]),
    ("D405", "fel", [person(gender="X")]),
    ("D405", "fel", [person(gender=None)]),
    ("D406", "varning", [person(end=D(2020, 5, 1), exit_reason="Arbete", labour_support=None)]),
    ("D406", "varning", [person(end=D(2020, 5, 1), exit_reason="Studier", labour_support="Lönebidrag")]),
    ("D407", "fel", [person(team=None)]),
    ("D408", "fel", [person(years_without_work=-0.5)]),
    ("D408", "fel", [person(years_without_work=60.1)]),
    ("D408", "fel", [person(years_without_work="många")]),
    ("D408", "varning", [person(years_without_work=None)]),
    ("D409", "varning", [person(end=D(2020, 5, 1), exit_reason="Annat", comment=None)]),
    ("D410", "fel", [person(start=TODAY + dt.timedelta(days=1))]),
    ("D410", "fel", [person(end=TODAY + dt.timedelta(days=1), exit_reason="Studier")]),
]

NEAR_MISSES = [
    ("D401", [person("D1"), person("D2")]),
    ("D402", [person(start="2020-03-01")]),
    ("D402", [person(end="2020-05-01", exit_reason="Annat")]),
    ("D403", [person(start=D(2020, 3, 1), end=D(2020, 3, 1), exit_reason="Studier")]),
    ("D404", [person(end=D(2020, 5, 1), exit_reason="Studier")]),
    ("D405", [person(end=D(2020, 5, 1), exit_reason=" arbete ", labour_support="lönebidrag", gender="k")]),
    ("D406", [person(end=D(2020, 5, 1), exit_reason="Arbete", labour_support="Utan stöd")]),
    ("D407", [person(team="Säter")]),
    ("D408", [person(years_without_work=0), person("D2", years_without_work=60),
              person("D3", years_without_work="5,5")]),
    ("D409", [person(end=D(2020, 5, 1), exit_reason="Annat", comment="Flyttade")]),
    ("D410", [person(start=TODAY, end=TODAY, exit_reason="Studier")]),
]


@pytest.mark.parametrize(("code", "severity", "rows"), TRIGGERS)
def test_rule_triggers(code: str, severity: str, rows: list[dict[str, object]]) -> None:
    assert codes(*rows).get(code) == severity


@pytest.mark.parametrize(("code", "rows"), NEAR_MISSES)
def test_rule_near_miss(code: str, rows: list[dict[str, object]]) -> None:
    assert code not in codes(*rows)


def test_valid_row_has_no_findings() -> None:
    assert codes(person(), person("D2", end=D(2020, 6, 1), exit_reason="Arbete")) == {}


def test_every_code_is_in_the_catalog_and_tested() -> None:
    assert sorted(PARTICIPANT_RULES) == [f"D{n}" for n in (*range(401, 411), *range(420, 425))]
    participant_codes = {code for code in PARTICIPANT_RULES if code < "D420"}
    assert {code for code, _, _ in TRIGGERS} == participant_codes == {code for code, _ in NEAR_MISSES}
    for rule in PARTICIPANT_RULES.values():
        assert rule.severity in ("fel", "varning") and rule.title and rule.message


def test_finding_says_where_and_what() -> None:
    [finding] = rules.check(source_sheets([person(), person("D2", team=None)]), TODAY)
    assert dataclasses.asdict(finding) == {
        "code": "D407", "severity": "fel", "file": "register.xlsx", "sheet": "Deltagare", "cell": "B3", "row": 3,
        "column": "Team", "value": None,
        "message": "Team saknas. Skriv vilket team deltagaren tillhör, till exempel Avesta, Hedemora eller Säter.",
    }
    [finding] = rules.check(source_sheets([person(years_without_work=75)]), TODAY)
    assert finding.message.startswith("År utan arbete eller studier är större än 60.")
    assert (finding.cell, finding.value) == ("H2", "75")


def test_both_duplicates_are_reported() -> None:
    found = rules.check(source_sheets([person("D1"), person("D2"), person("D1")]), TODAY)
    assert [(f.code, f.row) for f in found] == [("D401", 2), ("D401", 4)]


def test_a_duplicate_names_the_first_other_row_and_counts_the_rest() -> None:
    """Seen from each row: the same sheet by row, another sheet of the file by tab, another file by name."""
    sources = [*source_sheets([person("D1"), person("D2"), person("D1"), person("D1")]),
               *source_sheets([person("D2")], sheet="Hedemora"),
               *source_sheets([person("D1")], file="b.xlsx")]
    found = [(f.file, f.sheet, f.row, f.message.split(". ")[0]) for f in rules.check(sources, TODAY)]
    assert found == [
        ("register.xlsx", "Deltagare", 2, "Deltagar-ID finns också på rad 4 (och 2 rader till)"),
        ("register.xlsx", "Deltagare", 3, "Deltagar-ID finns också på fliken Hedemora rad 2"),
        ("register.xlsx", "Deltagare", 4, "Deltagar-ID finns också på rad 2 (och 2 rader till)"),
        ("register.xlsx", "Deltagare", 5, "Deltagar-ID finns också på rad 2 (och 2 rader till)"),
        ("register.xlsx", "Hedemora", 2, "Deltagar-ID finns också på fliken Deltagare rad 3"),
        ("b.xlsx", "Deltagare", 2, "Deltagar-ID finns också på register.xlsx, fliken Deltagare rad 2 (och 2 rader "
                                   "till)"),
    ]
    [pair, *_] = rules.check([*source_sheets([person("D1")]), *source_sheets([person("D1"), person("D1")],
                                                                             file="c.xlsx")], TODAY)
    assert pair.message.startswith("Deltagar-ID finns också på c.xlsx, fliken Deltagare rad 2 (och 1 rad till). ")


def test_the_same_file_read_twice_names_itself() -> None:
    sources = [*source_sheets([person("D1")]), *source_sheets([person("D1")])]  # a folder and a file in it, say
    assert {f.message.split(". ")[0] for f in rules.check(sources, TODAY)} == {
        "Deltagar-ID finns också på register.xlsx, fliken Deltagare rad 2"}


def test_one_id_on_every_row() -> None:
    """A column filled with the same text: each row names the first other row and counts the rest (found once per
    row, not by comparing every pair of rows)."""
    found = [f for f in rules.check(source_sheets([person("?")] * 20_000), TODAY) if f.code == "D401"]
    assert len(found) == 20_000
    assert found[0].message.startswith("Deltagar-ID finns också på rad 3 (och 19998 rader till). ")
    assert found[-1].message.startswith("Deltagar-ID finns också på rad 2 (och 19998 rader till). ")


def test_rows_with_fel_are_left_out_and_warnings_kept() -> None:
    reg = make_register([person("D1"), person("D2", team=None), person("D3", years_without_work=None),
                         person("D4", gender="X")])
    assert reg.excluded == 2
    assert reg.participants.participant_id == ["D1", "D3"]
    assert reg.has_errors
    assert not make_register([person("D3", years_without_work=None)]).has_errors


def test_column_types() -> None:
    reg = make_register([person(start=D(2020, 12, 31), end=D(2021, 3, 1), exit_reason="Annat",
                                years_without_work="2,5")])
    people = reg.participants
    assert (people.start, people.end) == ([D(2020, 12, 31)], [D(2021, 3, 1)])
    assert str(people.years_without_work[0]) == "2.5"
