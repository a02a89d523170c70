"""Reminder points before a complaint's deadline, and compute-deadline's three moments (no I/O but the
catalogue file): initial, the one extension, a re-forward."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from catalog import load_complaint_rules
from domain.deadlines import ends_at, reminder_times, subtract_working_days
from domain.working_days import ULAANBAATAR
from workers.errors import InvalidJobData
from workers.tasks.compute_deadline import Deadline, DeadlineRequest, deadline_for

RULES = load_complaint_rules()


def compute(request: DeadlineRequest) -> Deadline:
    return deadline_for(request, RULES, datetime.now(UTC).replace(microsecond=0))


def at_nine(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(9), tzinfo=ULAANBAATAR)


def test_calendar_reminders_count_every_day_back_from_the_due_date() -> None:
    moments = reminder_times(date(2027, 3, 10), [7, 3, 1], "calendar", datetime(2027, 2, 1, tzinfo=UTC))
    assert moments == [at_nine("2027-03-03"), at_nine("2027-03-07"), at_nine("2027-03-09")]


def test_working_day_reminders_skip_tsagaan_sar_and_naadam() -> None:
    # Tsagaan Sar 2027: 7-9 February (Sun-Tue); Naadam 2027: 10-15 July (Sat-Thu).
    assert subtract_working_days(date(2027, 2, 11), 3) == date(2027, 2, 4)  # Thu: Wed 10, then Fri 5 and Thu 4
    assert subtract_working_days(date(2027, 7, 16), 1) == date(2027, 7, 9)
    moments = reminder_times(date(2027, 7, 19), [3, 1], "working", datetime(2027, 7, 1, tzinfo=UTC))
    assert moments == [at_nine("2027-07-08"), at_nine("2027-07-16")]


def test_reminder_points_already_past_are_left_out() -> None:
    due = date(2027, 3, 10)
    assert reminder_times(due, [7, 3, 1], "calendar", at_nine("2027-03-07")) == [at_nine("2027-03-09")]
    assert reminder_times(due, [7, 3, 1], "calendar", ends_at(due)) == []


def test_the_initial_deadline_comes_from_the_decision_and_the_catalogue() -> None:
    received = datetime(2027, 2, 5, 3, 0, tzinfo=UTC)  # Friday 11:00 in Ulaanbaatar, before Tsagaan Sar
    legal = compute(DeadlineRequest(received_at=received, deadline_days=30, deadline_kind="calendar"))
    norm = compute(DeadlineRequest(received_at=received, deadline_days=10, deadline_kind="working"))

    assert (legal.due_date, legal.due_at, legal.extended) == ("2027-03-07", "2027-03-08T00:00:00+08:00", False)
    assert legal.answer_due_at == legal.due_at
    assert norm.due_date == "2027-02-23"  # 10 working days, Tsagaan Sar 8-9 Feb not counted
    assert norm.satisfaction_wait == f"P{load_complaint_rules().satisfaction.answer_days}D"


def test_the_deadline_is_extended_once_in_calendar_days() -> None:
    first = compute(DeadlineRequest(
        deadline_change="extension", received_at=datetime(2027, 1, 4, tzinfo=UTC), due_date=date(2027, 2, 3),
        deadline_kind="calendar", extended=False, extension_days=30))
    assert (first.due_date, first.extended, first.answer_due_at) == ("2027-03-05", True, "2027-03-06T00:00:00+08:00")

    with pytest.raises(InvalidJobData, match="extended 1 time"):
        compute(DeadlineRequest(
            deadline_change="extension", due_date=date(2027, 3, 5), extended=True, extension_days=5))
    with pytest.raises(InvalidJobData, match="1 to 30 days"):
        compute(DeadlineRequest(
            deadline_change="extension", due_date=date(2027, 3, 5), extended=False, extension_days=31))


def test_a_re_forward_gives_the_new_organisation_its_own_time_and_keeps_the_legal_date() -> None:
    result: Deadline = compute(DeadlineRequest(
        deadline_change="re-forward", received_at=datetime(2026, 1, 5, tzinfo=UTC), due_date=date(2026, 2, 4),
        deadline_kind="calendar"))
    rule = load_complaint_rules().reforwarding

    assert result.due_date == "2026-02-04"
    assert datetime.fromisoformat(result.answer_due_at) > datetime.now(UTC) + timedelta(days=rule.days)
    assert all(datetime.fromisoformat(m) < datetime.fromisoformat(result.answer_due_at) for m in result.reminder_times)
