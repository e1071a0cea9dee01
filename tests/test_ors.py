"""ORS and SRS follow-up (docs/utfall.md): verdicts, change statistics, the SRS share and the rules D420–D424."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.catalog import RULES
from samrehab_cli.dates import add_months
from samrehab_cli.participants import frames, ors, rules
from samrehab_cli.participants.ors import OrsRow
from samrehab_cli.participants.period import parse_period
from samrehab_cli.schema import ORS

from register_files import TODAY, make_register, person, source_sheets

PARTICIPANT_RULES = {rule.code: rule for rule in RULES if rule.code.startswith("D")}

D = dt.date


def m(participant_id: str | None, day: object, score: object = 20, srs: object = None) -> dict[str, object]:
    return {"participant_id": participant_id, "date": day, "ors": score, "srs": srs}


LATER = D(2030, 1, 1)  # a "today" after every measurement of these tests


def ors_rows(people: list[dict[str, object]], measurements: list[dict[str, object]], label: str = "2021H1",
             today: dt.date = LATER) -> list[OrsRow]:
    return ors.compute(make_register(people, measurements, today=today), parse_period(label))


def ors_codes(people: list[dict[str, object]], measurements: list[dict[str, object]]) -> dict[str, str]:
    reg = make_register(people, measurements)
    return {f.code: f.severity for f in reg.findings if f.code >= "D420"}


# --- the verdict -------------------------------------------------------------------------------------------------
def follows(a: dt.date, b: dt.date, days: list[dt.date], months: int) -> bool:
    """The verdict of one participant enrolled over [a, b] with ORS on ``days`` (in any order), as the tables judge
    it: :func:`ors.follows` over the measurements sorted by participant and day."""
    import numpy as np

    ordered = sorted(days)
    verdicts = ors.follows(frames.days([a]), frames.days([b]), np.zeros(len(ordered), dtype=np.int64),
                           frames.days(ordered), months)
    assert verdicts.shape == (1,)
    return bool(verdicts[0])


@pytest.mark.parametrize(("a", "b", "days", "months", "expected"), [
    (D(2021, 1, 15), D(2021, 3, 15), [], 2, True),  # exactly two calendar months: follows
    (D(2021, 1, 15), D(2021, 3, 16), [], 2, False),  # one day more: does not
    (D(2021, 12, 31), D(2022, 2, 28), [], 2, True),  # 2021-12-31 + 2 months = 2022-02-28
    (D(2021, 12, 31), D(2022, 3, 1), [], 2, False),
    (D(2021, 6, 30), D(2021, 8, 30), [], 2, True),  # 2021-06-30 + 2 months = 2021-08-30
    (D(2021, 6, 30), D(2021, 8, 31), [], 2, False),
    (D(2021, 1, 31), D(2021, 3, 28), [D(2021, 2, 28)], 1, True),  # 2021-01-31 + 1 month = 2021-02-28
    (D(2021, 1, 31), D(2021, 3, 28), [D(2021, 3, 1)], 1, False),
    (D(2021, 1, 1), D(2021, 6, 30), [D(2021, 3, 1), D(2021, 5, 1)], 2, True),
    (D(2021, 1, 1), D(2021, 6, 30), [D(2021, 3, 1), D(2021, 5, 1)], 1, False),
    (D(2021, 1, 1), D(2021, 6, 30), [D(2020, 12, 1), D(2021, 3, 2), D(2021, 7, 1)], 2, False),  # outside: ignored
])
def test_follows(a: dt.date, b: dt.date, days: list[dt.date], months: int, expected: bool) -> None:
    assert follows(a, b, days, months) is expected


dates = st.dates(D(2020, 1, 1), D(2022, 12, 31))


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(0, 400), st.lists(dates, max_size=12), dates, st.sampled_from([1, 2]))
def test_adding_a_measurement_never_breaks_a_verdict(a: dt.date, length: int, days: list[dt.date],
                                                      extra: dt.date, months: int) -> None:
    b = a + dt.timedelta(days=length)
    before, after = follows(a, b, days, months), follows(a, b, [*days, extra], months)
    assert after >= before  # "does not follow" may become "follows", never the other way
    if not a <= extra <= b:
        assert after == before  # a measurement outside [a, b] does not count


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(1, 30), st.sampled_from([1, 2]), st.data())
def test_a_compliant_sequence_stays_compliant(a: dt.date, steps: int, months: int, data: st.DataObject) -> None:
    days, point = [], a
    for _ in range(steps):  # build a compliant sequence: each point at most `months` after the previous
        point += dt.timedelta(days=data.draw(st.integers(0, (add_months(point, months) - point).days)))
        days.append(point)
    b = point
    assert follows(a, b, days, months)
    extra = a + dt.timedelta(days=data.draw(st.integers(0, (b - a).days)))
    assert follows(a, b, [*days, extra], months)


def test_three_weeks_without_ors_follows() -> None:
    [total, *_] = ors_rows([person("P1", D(2021, 3, 1), D(2021, 3, 22), "Studier")], [m("P2", D(2021, 3, 5))])
    assert (total.active, total.policy_percent, total.monthly_percent) == (1, 100.0, 100.0)


def test_each_period_is_judged_on_its_own() -> None:
    people = [person("P1", D(2020, 12, 1))]
    days = [D(2021, 1, 20), D(2021, 3, 1), D(2021, 5, 1), D(2021, 8, 31), D(2021, 10, 31), D(2021, 12, 20)]
    measurements = [m("P1", d) for d in days]
    assert ors_rows(people, measurements, "2021H1")[0].policy_percent == 100.0
    assert ors_rows(people, measurements, "2021H2")[0].policy_percent == 100.0
    assert ors_rows(people, measurements, "2021")[0].policy_percent == 0.0  # 2021-05-01 → 2021-08-31


def test_measurement_outside_enrolment_is_d422_and_ignored() -> None:
    people = [person("P1", D(2021, 2, 1), D(2021, 4, 30), "Studier")]
    measurements = [m("P1", D(2021, 1, 20)), m("P1", D(2021, 5, 2))]
    reg = make_register(people, measurements, today=D(2030, 1, 1))
    assert [(f.code, f.severity, f.row) for f in reg.findings] == [("D422", "varning", 2), ("D422", "varning", 3)]
    assert reg.ors is not None and len(reg.ors) == 0 and reg.ors_excluded == 2
    [total, *_] = ors.compute(reg, parse_period("2021H1"))
    assert (total.policy_percent, total.with_change) == (0.0, 0)  # 2021-02-01 → 2021-04-30 with nothing inside


# --- change statistics --------------------------------------------------------------------------------------------
def test_first_score_may_lie_before_the_period() -> None:
    [total, *_] = ors_rows([person("P1", D(2020, 6, 1))], [m("P1", D(2020, 7, 1), 15), m("P1", D(2021, 2, 1), 22),
                                                           m("P1", D(2021, 7, 1), 39)])
    assert (total.with_change, total.mean_first, total.mean_last, total.mean_change) == (1, 15.0, 22.0, 7.0)
    assert (total.improved_percent, total.deteriorated_percent, total.clinical_at_start) == (100.0, 0.0, 1)
    assert total.recovered_percent == 0.0  # 22 is not above 25


def test_change_needs_two_measurements_and_the_last_in_the_period() -> None:
    people = [person("P1", D(2020, 1, 1)), person("P2", D(2020, 1, 1), gender="Man")]
    [total, *_] = ors_rows(people, [m("P1", D(2020, 3, 1)), m("P1", D(2020, 5, 1)), m("P2", D(2021, 3, 1))])
    assert total.with_change == 0
    assert (total.mean_first, total.mean_change, total.improved_percent, total.recovered_percent) == (
        None, None, None, None)


@pytest.mark.parametrize(("first", "last", "improved", "deteriorated", "clinical", "recovered"), [
    ("20", "25", True, False, True, False),  # +5 is reliable, but 25 is not above the cut-off
    ("20", "25.1", True, False, True, True),
    ("20.1", "25", False, False, True, False),  # +4.9
    ("3.2", "8.2", True, False, True, False),  # exactly +5 (a binary float would say 4.999…)
    ("25", "30", True, False, True, True),  # 25 is in the clinical range
    ("25.1", "31", True, False, False, False),
    ("30", "25", False, True, False, False),  # exactly −5
])
def test_reliable_change_and_recovery(first: str, last: str, improved: bool, deteriorated: bool, clinical: bool,
                                      recovered: bool) -> None:
    measured = [m("P1", D(2021, 1, 10), first), m("P1", D(2021, 2, 1), last)]
    [total, *_] = ors_rows([person("P1", D(2020, 1, 1))], measured)
    assert total.improved_percent == (100.0 if improved else 0.0)
    assert total.deteriorated_percent == (100.0 if deteriorated else 0.0)
    assert total.clinical_at_start == int(clinical)
    assert total.recovered_percent == ((100.0 if recovered else 0.0) if clinical else None)


def test_mean_change_is_rounded_once() -> None:
    people = [person("P1", D(2020, 1, 1)), person("P2", D(2020, 1, 1))]
    [total, *_] = ors_rows(people, [m("P1", D(2021, 1, 1), "10"), m("P1", D(2021, 2, 1), "11"),
                                    m("P2", D(2021, 1, 1), "10.1"), m("P2", D(2021, 2, 1), "10.2")])
    assert (total.mean_first, total.mean_last, total.mean_change) == (10.1, 10.6, 0.6)  # 0.55 → 0.6, half up


def test_srs_share_only() -> None:
    people = [person("P1", D(2020, 1, 1)), person("P2", D(2020, 1, 1)), person("P3", D(2020, 1, 1)),
              person("P4", D(2020, 1, 1))]
    [total, *_] = ors_rows(people, [
        m("P1", D(2021, 2, 1), srs=0),  # an SRS of 0 is an SRS
        m("P2", D(2021, 2, 1), score=None, srs=30),  # an SRS-only row counts for SRS, not as an ORS
        m("P3", D(2020, 12, 1), srs=35),  # before the period
    ])
    assert total.srs_percent == 50.0
    assert {f.name for f in dataclasses.fields(OrsRow)} == {
        "group", "name", "active", "policy_percent", "monthly_percent", "with_change", "mean_first", "mean_last",
        "mean_change", "improved_percent", "deteriorated_percent", "clinical_at_start", "recovered_percent",
        "srs_percent"}


def test_rows_match_the_outcome_rows_and_nulls_where_base_is_zero() -> None:
    people = [person("P1", team="Säter", gender="Annat"), person("P2", team="Avesta", gender="Man"),
              person("P3", D(2019, 1, 1), D(2019, 6, 1), "Studier", team="Hedemora")]
    rows = ors_rows(people, [m("P1", D(2021, 1, 10))])
    assert [(r.group, r.name, r.active) for r in rows] == [
        ("total", "Totalt", 2), ("team", "Avesta", 1), ("team", "Säter", 1), ("kon", "Kvinna", 0),
        ("kon", "Man", 1), ("kon", "Annat", 1)]
    kvinna = rows[3]
    assert (kvinna.policy_percent, kvinna.monthly_percent, kvinna.srs_percent, kvinna.with_change) == (
        None, None, None, 0)
    assert ors_rows(people, []) == []  # no ORS rows is "no ORS data"
    assert ors.compute(make_register(people), parse_period("2021H1")) == []


def test_rows_with_findings_are_left_out() -> None:
    people = [person("P1", D(2020, 1, 1))]
    reg = make_register(people, [m("P1", D(2021, 1, 10), 10), m("P1", D(2021, 2, 10), 45),
                                 m("P1", D(2021, 3, 10), 30)], today=D(2030, 1, 1))
    assert reg.ors_excluded == 1
    [total, *_] = ors.compute(reg, parse_period("2021H1"))
    assert (total.mean_first, total.mean_last) == (10.0, 30.0)


# --- rules D420–D424 ------------------------------------------------------------------------------------------------
P = [person("P1", D(2020, 1, 1), D(2021, 3, 31), "Studier"), person("P2", D(2020, 1, 1))]

TRIGGERS = [
    ("D420", "fel", [m("P1", D(2021, 1, 1), 41)]),
    ("D420", "fel", [m("P1", D(2021, 1, 1), -1)]),
    ("D420", "fel", [m("P1", D(2021, 1, 1), "23,45")]),
    ("D420", "fel", [m("P1", D(2021, 1, 1), "mycket")]),
    ("D420", "fel", [m("P1", D(2021, 1, 1), 20, srs=40.5)]),
    ("D420", "fel", [m("P1", D(2021, 1, 1), None)]),
    ("D421", "fel", [m("P9", D(2021, 1, 1))]),
    ("D421", "fel", [m(None, D(2021, 1, 1))]),
    ("D422", "varning", [m("P1", D(2019, 12, 31))]),
    ("D422", "varning", [m("P1", D(2021, 4, 1))]),
    ("D423", "fel", [m("P1", None)]),
    ("D423", "fel", [m("P1", "igår")]),
    ("D423", "fel", [m("P2", TODAY + dt.timedelta(days=1))]),
    ("D424", "fel", [m("P1", D(2021, 1, 1)), m("P1", "2021-01-01", 25)]),
]
NEAR_MISSES = [
    ("D420", [m("P1", D(2021, 1, 1), 40), m("P1", D(2021, 1, 2), 0, srs=0), m("P1", D(2021, 1, 3), "23,4"),
              m("P1", D(2021, 1, 4), None, srs=38), m("P1", D(2021, 1, 5), "23,40")]),
    ("D421", [m("P1", D(2021, 1, 1)), m("P3", D(2021, 1, 1))]),  # P3's row has a fel but P3 is in the register
    ("D422", [m("P1", D(2020, 1, 1)), m("P1", D(2021, 3, 31))]),
    ("D423", [m("P2", TODAY)]),
    ("D424", [m("P1", D(2021, 1, 1)), m("P2", D(2021, 1, 1)), m("P1", D(2021, 1, 2))]),
]


@pytest.mark.parametrize(("code", "severity", "rows"), TRIGGERS)
def test_ors_rule_triggers(code: str, severity: str, rows: list[dict[str, object]]) -> None:
    assert ors_codes(P, rows).get(code) == severity


@pytest.mark.parametrize(("code", "rows"), NEAR_MISSES)
def test_ors_rule_near_miss(code: str, rows: list[dict[str, object]]) -> None:
    assert code not in ors_codes([*P, person("P3", team=None)], rows)


def test_every_ors_code_is_tested() -> None:
    codes = {c for c in PARTICIPANT_RULES if c >= "D420"}
    assert codes == {c for c, _, _ in TRIGGERS} == {c for c, _ in NEAR_MISSES} == {f"D42{n}" for n in range(5)}


def test_ors_finding_says_where_but_never_shows_an_srs_score() -> None:
    found = rules.check_ors(source_sheets([m("P1", D(2021, 1, 1), 20, srs=45.5)], ORS, "ORS"),
                               make_register(P).participants, {"P1", "P2"}, TODAY)
    assert [(f.code, f.sheet, f.cell, f.column, f.value) for f in found] == [("D420", "ORS", "D2", "SRS", None)]
    assert "45" not in found[0].message
    [dup, dup2] = rules.check_ors(source_sheets([m("P1", D(2021, 1, 1)), m("P1", D(2021, 1, 1))], ORS, "ORS"),
                                     make_register(P).participants, {"P1"}, TODAY)
    assert dup.message == "Deltagaren P1 har flera mätningar 2021-01-01. Ta bort dubbletten eller rätta datumet."
    assert (dup.row, dup2.row) == (2, 3)


def test_due_for_an_unknown_team_names_the_teams_in_swedish_order() -> None:
    reg = make_register([person("P1", team="Örebro"), person("P2", team="Säter"), person("P3", team="Ärla"),
                         person("P4", team="Avesta"), person("P5", team="Säter")])
    assert [d.participant_id for d in ors.due(reg, D(2020, 6, 1), " säter ").due] == ["P2", "P5"]  # as in Team
    with pytest.raises(ors.UnknownTeam) as raised:
        ors.due(reg, D(2020, 6, 1), " Mora ")
    assert str(raised.value) == ("Registret har inget team Mora; teamen är Avesta, Säter, Ärla och Örebro. Skriv "
                                 "teamets namn som i kolumnen Team.")
