"""The outcome definitions of docs/utfall.md on registers built in memory."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samrehab_cli.participants import outcomes
from samrehab_cli.participants.outcomes import COUNT_KEYS, OUTCOME_KEYS, compute
from samrehab_cli.participants.period import BadPeriod, parse_period
from samrehab_cli.render.common import to_json

from register_files import make_register, person

D = dt.date
Y2020 = parse_period("2020")


def total(rows: list[dict[str, object]], label: str = "2020") -> outcomes.OutcomeRow:
    return compute(make_register(rows), parse_period(label)).rows[0]


@pytest.mark.parametrize(("text", "label", "start", "end", "previous"), [
    ("2020", "2020", D(2020, 1, 1), D(2020, 12, 31), "2019"),
    ("2020H1", "2020H1", D(2020, 1, 1), D(2020, 6, 30), "2019H2"),
    (" 2020h2 ", "2020H2", D(2020, 7, 1), D(2020, 12, 31), "2020H1"),
    ("2021-H1", "2021H1", D(2021, 1, 1), D(2021, 6, 30), "2020H2"),
])
def test_parse_period(text: str, label: str, start: dt.date, end: dt.date, previous: str) -> None:
    p = parse_period(text)
    assert (p.label, p.start, p.end, p.previous().label) == (label, start, end, previous)


@pytest.mark.parametrize("text", ["", "20", "2020H3", "H1", "2020Q1", "år 2020", "1800"])
def test_bad_period(text: str) -> None:
    with pytest.raises(BadPeriod, match="är ingen period. Skriv ett år"):
        parse_period(text)


def test_dropout_is_on_or_before_two_calendar_months() -> None:
    row = total([person("D1", D(2020, 1, 15), D(2020, 3, 15), "Studier"),
                 person("D2", D(2020, 1, 15), D(2020, 3, 16), "Studier")])
    assert (row.exits, row.dropouts, row.studies) == (2, 1, 1)


def test_dropout_month_end_is_clamped() -> None:
    # 2020-12-31 + 2 months = 2021-02-28: an exit that day is a dropout, a day later is not
    row = total([person("D1", D(2020, 12, 31), D(2021, 2, 28), "Arbete"),
                 person("D2", D(2020, 12, 31), D(2021, 3, 1), "Arbete")], "2021")
    assert (row.exits, row.dropouts, row.work) == (2, 1, 1)


def test_who_is_active() -> None:
    row = total([
        person("before", D(2019, 1, 1), D(2019, 12, 31), "Studier"),  # exited before the period
        person("after", D(2021, 1, 1)),  # enrolled after it
        person("first-day", D(2019, 1, 1), D(2020, 1, 1), "Studier"),  # exit on the first day counts
        person("last-day", D(2020, 12, 31)),  # enrolled on the last day is active
        person("leaves-later", D(2020, 6, 1), D(2021, 1, 1), "Studier"),
        person("left-last-day", D(2020, 6, 1), D(2020, 12, 31), "Sjukersättning"),
    ])
    assert (row.active, row.exits, row.active_next_period) == (4, 2, 2)
    assert (row.studies, row.sickness_compensation) == (1, 1)


def test_half_years() -> None:
    rows = [person("D1", D(2019, 6, 1), D(2020, 3, 1), "Arbete"), person("D2", D(2020, 2, 1), D(2020, 9, 30), "Annat"),
            person("D3", D(2020, 8, 1))]
    h1, h2 = total(rows, "2020H1"), total(rows, "2020H2")
    assert (h1.active, h1.exits, h1.work, h1.active_next_period) == (2, 1, 1, 1)
    assert (h2.active, h2.exits, h2.other, h2.active_next_period) == (2, 1, 1, 1)
    assert h2.previous is not None and dataclasses.asdict(h2.previous) == {
        k: v for k, v in dataclasses.asdict(h1).items() if k not in ("group", "name", "previous")}


def test_goal_attainment_and_background() -> None:
    row = total([
        person("D1", D(2020, 1, 1), D(2020, 7, 1), "Arbete", years_without_work="0,25"),  # 182 days
        person("D2", D(2019, 1, 1), D(2020, 5, 1), "Medicinsk rehabilitering"),
        person("D3", D(2020, 3, 1), D(2020, 4, 1), "Studier"),  # dropout
    ])
    assert (row.positive, row.goal_attainment_percent) == (1, 50.0)
    assert row.mean_years_without_work == 0.3  # half away from zero, not to even
    assert row.mean_throughput_months == 6.0  # 182 / 30.4375 = 5.98


def test_null_when_there_is_nothing_to_divide() -> None:
    row = total([person("D1", D(2020, 1, 1)), person("D2", D(2020, 3, 1), D(2020, 4, 1), "Studier")])
    assert (row.goal_attainment_percent, row.mean_years_without_work, row.mean_throughput_months) == (None, None, None)
    row = total([person("D1", D(2020, 1, 1), D(2020, 6, 1), "Annat")])
    assert row.goal_attainment_percent == 0.0 and row.mean_throughput_months is None


def test_previous_only_when_the_register_covers_it() -> None:
    assert total([person("D1", D(2020, 1, 1))]).previous is None
    prev = total([person("D1", D(2019, 12, 31))]).previous
    assert prev is not None and prev.active == 1


def test_rows_teams_alphabetical_then_genders() -> None:
    result = compute(make_register([
        person("D1", team="Säter", gender="Man"), person("D2", team="Avesta"), person("D3", team="Älvdalen"),
        person("D4", team="Åre"), person("D5", team="Hedemora", gender="Annat")]), Y2020)
    assert [(r.group, r.name) for r in result.rows] == [
        ("total", "Totalt"), ("team", "Avesta"), ("team", "Hedemora"), ("team", "Säter"), ("team", "Åre"),
        ("team", "Älvdalen"), ("kon", "Kvinna"), ("kon", "Man"), ("kon", "Annat")]
    without_annat = compute(make_register([person("D1")]), Y2020)
    assert [r.name for r in without_annat.rows if r.group == "kon"] == ["Kvinna", "Man"]


def test_work_support_and_other_comments() -> None:
    result = compute(make_register([
        person("D1", D(2019, 1, 1), D(2020, 5, 1), "Arbete", labour_support="Lönebidrag"),
        person("D2", D(2019, 1, 1), D(2020, 6, 1), "Arbete"),
        person("D3", D(2019, 1, 1), D(2020, 7, 1), "Arbete", labour_support=None),  # D406 varning, kept
        person("D4", D(2020, 3, 1), D(2020, 4, 1), "Arbete", labour_support="Extratjänst"),  # dropout
        person("D5", D(2019, 1, 1), D(2020, 8, 1), "Annat", comment="Flyttade", team="Säter"),
    ]), Y2020)
    assert [(s.support, s.count) for s in result.work_support] == [
        ("Utan stöd", 1), ("Lönebidrag", 1), ("Uppgift saknas", 1)]
    assert outcomes.with_support(result.work_support) == (1, 1)
    assert [(c.team, c.exit_date, c.comment) for c in result.other_comments] == [("Säter", D(2020, 8, 1), "Flyttade")]


def test_json_shape_is_the_spec() -> None:
    result = compute(make_register([person("D1", D(2019, 1, 1), D(2020, 5, 1), "Studier")]), Y2020)
    data = json.loads(to_json(result))
    assert set(data) == {"period", "rows", "findings", "ors", "excluded_rows", "excluded_ors_rows", "work_support",
                         "other_comments"}
    assert data["ors"] == [] and data["excluded_ors_rows"] == 0
    assert data["period"] == {"label": "2020", "start": "2020-01-01", "end": "2020-12-31"}
    keys = ["group", "name", "active", "exits", "dropouts", "work", "studies", "vocational_rehab", "medical_rehab",
            "sickness_compensation", "other", "active_next_period", "positive", "goal_attainment_percent",
            "mean_years_without_work", "mean_throughput_months", "previous"]
    assert list(data["rows"][0]) == keys
    assert list(data["rows"][0]["previous"]) == keys[2:-1]


# --- properties over generated registers ---------------------------------------------------------------------------
REASONS = ("Arbete", "Studier", "Annan arbetslivsinriktad rehabilitering", "Medicinsk rehabilitering",
           "Sjukersättning", "Annat")


@st.composite
def participants(draw: st.DrawFn) -> list[dict[str, object]]:
    people = []
    for n in range(draw(st.integers(0, 30))):
        start = D(2018, 6, 1) + dt.timedelta(days=draw(st.integers(0, 1000)))
        end = reason = None
        if draw(st.booleans()):
            end = start + dt.timedelta(days=draw(st.sampled_from([0, 30, 59, 60, 61, 62, 90, 400])))
            reason = draw(st.sampled_from(REASONS))
        people.append(person(f"D{n}", start, end, reason, team=draw(st.sampled_from(["Avesta", "Hedemora", "Säter"])),
                             gender=draw(st.sampled_from(["Kvinna", "Man", "Annat"]))))
    return people


@settings(max_examples=60, deadline=None)
@given(participants(), st.sampled_from(["2019", "2020", "2020H1", "2020H2", "2021H1"]))
def test_invariants_and_group_sums(people: list[dict[str, object]], label: str) -> None:
    result = compute(make_register(people, today=D(2030, 1, 1)), parse_period(label))
    for row in result.rows:
        for figures in (row, row.previous):
            if figures is None:
                continue
            assert figures.active == figures.exits + figures.active_next_period
            assert sum(getattr(figures, k) for k in OUTCOME_KEYS) == figures.exits - figures.dropouts
            assert figures.positive == figures.work + figures.studies + figures.vocational_rehab
    total_row = result.rows[0]
    for group in ("team", "kon"):
        for key in COUNT_KEYS:
            assert sum(getattr(r, key) for r in result.rows if r.group == group) == getattr(total_row, key)
