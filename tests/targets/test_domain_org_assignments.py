"""Interval arithmetic of a person's assignments, hand-worked and as properties (no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.targets.domain.assignments import Assignment, assign, assignment_end, assignment_on, changes
from shared.errors import InvalidInput


def d(text: str) -> date:
    return date.fromisoformat(f"2026-{text}")


def a(unit: str, start: str, end: str | None) -> Assignment:
    return Assignment(d(start), d(end) if end else None, unit)


def test_first_assignment_is_open_ended():
    assert assign([], "A", d("01-01")) == [a("A", "01-01", None)]


def test_reassignment_closes_the_previous_one_on_the_effective_date():
    # A since 01-01; B from 03-01 → A [01-01, 03-01), B [03-01, ∞)
    assert assign([a("A", "01-01", None)], "B", d("03-01")) == [a("A", "01-01", "03-01"), a("B", "03-01", None)]


def test_back_dated_move_lasts_until_the_next_recorded_change_and_keeps_it():
    # A [01-01, 03-01), B [03-01, ∞); C back-dated to 02-01 fills only [02-01, 03-01): B's move stays.
    history = [a("A", "01-01", "03-01"), a("B", "03-01", None)]
    assert assign(history, "C", d("02-01")) == [
        a("A", "01-01", "02-01"),
        a("C", "02-01", "03-01"),
        a("B", "03-01", None),
    ]


def test_same_day_change_replaces_the_assignment_starting_that_day():
    history = [a("A", "01-01", "03-01"), a("B", "03-01", None)]
    assert assign(history, "C", d("03-01")) == [a("A", "01-01", "03-01"), a("C", "03-01", None)]


def test_a_period_with_an_end_splits_the_assignment_it_falls_in():
    # Seconded to B for March: A [01-01, 03-01), B [03-01, 04-01), A again from 04-01.
    assert assign([a("A", "01-01", None)], "B", d("03-01"), d("04-01")) == [
        a("A", "01-01", "03-01"),
        a("B", "03-01", "04-01"),
        a("A", "04-01", None),
    ]


def test_an_overlapping_period_trims_both_neighbours_and_drops_what_it_covers():
    # D over [01-15, 03-15): A keeps [01-01, 01-15), B [02-01, 03-01) disappears, C resumes at 03-15.
    history = [a("A", "01-01", "02-01"), a("B", "02-01", "03-01"), a("C", "03-01", None)]
    assert assign(history, "D", d("01-15"), d("03-15")) == [
        a("A", "01-01", "01-15"),
        a("D", "01-15", "03-15"),
        a("C", "03-15", None),
    ]


def test_reassigning_to_the_same_unit_changes_nothing():
    history = [a("A", "01-01", None)]
    after = assign(history, "A", d("03-01"))
    assert after == history and changes(history, after) == ([], [])


def test_back_to_back_periods_in_one_unit_merge():
    # B from 02-01 runs into the existing B from 03-01: one B period [02-01, ∞).
    history = [a("A", "01-01", "03-01"), a("B", "03-01", None)]
    assert assign(history, "B", d("02-01")) == [a("A", "01-01", "02-01"), a("B", "02-01", None)]


def test_an_assignment_before_the_first_one_runs_up_to_it():
    assert assign([a("A", "03-01", None)], "B", d("01-01")) == [a("B", "01-01", "03-01"), a("A", "03-01", None)]


def test_an_assignment_in_a_gap_fills_it_up_to_the_next_period():
    # Left on 02-01, back on 04-01; C from 02-15 lasts until 04-01 and the gap [02-01, 02-15) stays.
    history = [a("A", "01-01", "02-01"), a("B", "04-01", None)]
    assert assign(history, "C", d("02-15")) == [
        a("A", "01-01", "02-01"),
        a("C", "02-15", "04-01"),
        a("B", "04-01", None),
    ]


@pytest.mark.parametrize("end", ["03-01", "02-28"])
def test_a_period_must_end_after_it_starts(end):
    with pytest.raises(InvalidInput) as caught:
        assign([], "A", d("03-01"), d(end))
    assert caught.value.field == "valid_to"


def test_assignment_on_a_day_counts_the_first_day_and_not_the_last():
    history = [a("A", "01-01", "03-01"), a("B", "03-01", None)]
    first, second = assignment_on(history, d("02-28")), assignment_on(history, d("03-01"))
    assert first is not None and first.org_unit_id == "A"
    assert second is not None and second.org_unit_id == "B"
    assert assignment_on(history, date(2025, 12, 31)) is None


def test_end_of_an_open_assignment_is_the_next_change_after_its_start():
    history = [a("A", "01-01", "03-01"), a("B", "03-01", "05-01"), a("C", "05-01", None)]
    assert assignment_end(history, d("02-10"), None) == d("03-01")
    assert assignment_end(history, d("03-01"), None) == d("05-01")
    assert assignment_end(history, d("06-01"), None) is None


def test_changes_are_the_rows_to_delete_and_to_insert():
    before = [a("A", "01-01", None)]
    after = assign(before, "B", d("03-01"))
    assert changes(before, after) == ([a("A", "01-01", None)], [a("A", "01-01", "03-01"), a("B", "03-01", None)])


START = date(2026, 1, 1)
days = st.integers(min_value=0, max_value=60)
command = st.tuples(st.sampled_from("ABC"), days, st.one_of(st.none(), st.integers(min_value=1, max_value=30)))


def unit_on(history, day):
    found = assignment_on(history, day)
    return found.org_unit_id if found else None


@settings(max_examples=300, deadline=None)
@given(st.lists(command, max_size=6), command)
def test_an_assignment_changes_exactly_its_period_and_keeps_the_history_well_formed(earlier, latest):
    history: list[Assignment] = []
    for unit, start, length in earlier:
        history = assign(history, unit, START + timedelta(start), START + timedelta(start + length) if length else None)
    unit, start, length = latest
    valid_from = START + timedelta(start)
    valid_to = START + timedelta(start + length) if length else None
    end = assignment_end(history, valid_from, valid_to)
    after = assign(history, unit, valid_from, valid_to)
    for offset in range(-1, 100):
        day = START + timedelta(offset)
        inside = valid_from <= day and (end is None or day < end)
        assert unit_on(after, day) == (unit if inside else unit_on(history, day)), day
    # Sorted, non-overlapping, no empty periods, no two back-to-back periods in one unit.
    for first, second in zip(after, after[1:], strict=False):
        assert first.valid_to is not None and first.valid_to <= second.valid_from
        assert not (first.valid_to == second.valid_from and first.org_unit_id == second.org_unit_id)
    assert all(x.valid_to is None or x.valid_from < x.valid_to for x in after)
