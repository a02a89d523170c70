"""Due dates on Ulaanbaatar local dates: working-day norms skip Tsagaan Sar and Naadam (as the `holidays`
package has them for 2027) and honour the declared transfers; the legal calendar days do not; one extension."""

from datetime import UTC, date, datetime, time

import holidays
import pytest

from catalog import DeadlineKind, load_complaint_rules
from catalog.model import CalendarOverride, CalendarOverrides, ExtensionRule
from domain.deadlines import (
    ExtensionRefused,
    due_date,
    due_in_calendar_days,
    due_in_working_days,
    ends_at,
    extend_deadline,
    local_date,
)
from domain.working_days import ULAANBAATAR, add_working_days, sla_due

RULE = ExtensionRule(max_extensions=1, max_days=30, notice_required=True)


def at(day: str, hour: int = 10) -> datetime:
    """A moment on an Ulaanbaatar local day."""
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=ULAANBAATAR)


def overrides(days_off: tuple[str, ...] = (), working_days: tuple[str, ...] = ()) -> CalendarOverrides:
    return CalendarOverrides(
        extra_days_off=[CalendarOverride(date=date.fromisoformat(d), reason="тест") for d in days_off],
        extra_working_days=[CalendarOverride(date=date.fromisoformat(d), reason="тест") for d in working_days],
    )


def test_the_holidays_package_has_tsagaan_sar_and_naadam_2027_where_the_tests_expect_them() -> None:
    mn = holidays.country_holidays("MN", years=2027)
    assert [d for d in mn if d.month == 2] == [date(2027, 2, 7), date(2027, 2, 8), date(2027, 2, 9)]
    assert [d for d in mn if d.month == 7] == [date(2027, 7, day) for day in range(10, 16)]


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        ("2027-02-04", 5, "2027-02-15"),  # Thu: Fri 5, [Sat-Sun, Tsagaan Sar Mon 8-Tue 9], Wed 10 ... Mon 15
        ("2027-02-05", 1, "2027-02-10"),  # Fri: the first working day after is Wednesday
        ("2027-02-06", 3, "2027-02-12"),  # received on a Saturday: counting starts on Wednesday
        ("2027-07-09", 3, "2027-07-20"),  # Fri: Naadam Sat 10 - Thu 15, then Fri 16, Mon 19, Tue 20
        ("2027-07-01", 10, "2027-07-21"),  # Thu: six days before Naadam, four after
        ("2027-07-12", 1, "2027-07-16"),  # received during Naadam
    ],
)
def test_working_day_norms_skip_tsagaan_sar_and_naadam(received: str, days: int, due: str) -> None:
    assert due_in_working_days(at(received), days) == date.fromisoformat(due)
    assert due_date(at(received), days, "working") == date.fromisoformat(due)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2027-01-09", "2027-02-08"),  # ends on Tsagaan Sar: still due that day, not moved
        ("2027-01-20", "2027-02-19"),  # runs through Tsagaan Sar: the holidays count
        ("2027-06-15", "2027-07-15"),  # ends on the last day of Naadam
        ("2027-07-01", "2027-07-31"),  # runs through Naadam, ends on a Saturday
    ],
)
def test_the_legal_calendar_days_are_unaffected_by_holidays(received: str, due: str) -> None:
    legal = load_complaint_rules().legal_deadline
    assert legal.kind == DeadlineKind.CALENDAR
    assert due_date(at(received), legal.days, legal.kind) == date.fromisoformat(due)
    assert due_in_calendar_days(at(received), legal.days) == date.fromisoformat(due)


def test_calendar_days_ignore_the_overrides_too() -> None:
    assert due_date(at("2027-07-09"), 7, "calendar", overrides(days_off=("2027-07-16",))) == date(2027, 7, 16)


def test_a_declared_bridge_day_off_does_not_count() -> None:
    bridge = overrides(days_off=("2027-07-16",))  # the Friday after Naadam
    assert due_in_working_days(at("2027-07-09"), 3) == date(2027, 7, 20)
    assert due_in_working_days(at("2027-07-09"), 3, bridge) == date(2027, 7, 21)


def test_a_saturday_declared_a_working_day_counts() -> None:
    saturday = overrides(working_days=("2027-07-24",))
    assert due_in_working_days(at("2027-07-22"), 2) == date(2027, 7, 26)  # Fri 23, Mon 26
    assert due_in_working_days(at("2027-07-22"), 2, saturday) == date(2027, 7, 24)  # Fri 23, Sat 24


def test_a_transfer_pair_shifts_only_the_days_between() -> None:
    transfer = overrides(days_off=("2027-07-16",), working_days=("2027-07-24",))
    assert due_in_working_days(at("2027-07-09"), 1, transfer) == date(2027, 7, 19)
    assert due_in_working_days(at("2027-07-09"), 6, transfer) == date(2027, 7, 24)
    assert due_in_working_days(at("2027-07-09"), 7, transfer) == due_in_working_days(at("2027-07-09"), 7)


def test_a_service_stage_norm_counts_ulaanbaatar_dates_and_the_declared_transfers() -> None:
    """forward-to-agency's SLA points: a stage forwarded on Thursday 8 July 2027, 18:00 UTC, is Friday 02:00 in
    Ulaanbaatar; Naadam (11-15 July) and the declared bridge day (16 July) do not count."""
    forwarded = datetime(2027, 7, 8, 18, 0, tzinfo=UTC)
    bridge = overrides(days_off=("2027-07-16",))
    assert sla_due(forwarded, 1, overrides()).isoformat() == "2027-07-16T02:00:00+08:00"
    assert sla_due(forwarded, 1, bridge).isoformat() == "2027-07-19T02:00:00+08:00"


def test_add_working_days_honours_extra_working_days_and_keeps_the_time_of_day() -> None:
    start = datetime(2027, 2, 5, 15, 30)
    assert add_working_days(start, 1) == datetime(2027, 2, 10, 15, 30)
    assert add_working_days(start, 1, extra_working_days=[date(2027, 2, 6)]) == datetime(2027, 2, 6, 15, 30)
    assert add_working_days(start, 1, extra_working_days=[date(2027, 2, 9)]) == datetime(2027, 2, 9, 15, 30)
    assert add_working_days(start, 1, [date(2027, 2, 10)]) == datetime(2027, 2, 11, 15, 30)


def test_the_local_date_is_ulaanbaatar_s() -> None:
    late_utc = datetime(2027, 2, 4, 17, 30, tzinfo=UTC)  # 01:30 on Friday 5 February in Ulaanbaatar
    assert local_date(late_utc) == date(2027, 2, 5)
    assert due_in_working_days(late_utc, 5) == date(2027, 2, 16)
    assert due_in_calendar_days(late_utc, 30) == date(2027, 3, 7)


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="must carry a time zone"):
        due_date(datetime(2027, 2, 4, 10), 30, "calendar")


def test_a_negative_number_of_days_is_refused() -> None:
    with pytest.raises(ValueError, match="got -1"):
        due_in_working_days(at("2027-02-04"), -1)


def test_a_deadline_ends_at_ulaanbaatar_midnight_after_its_last_day() -> None:
    assert ends_at(date(2027, 2, 8)) == datetime(2027, 2, 8, 16, 0, tzinfo=UTC)


def test_the_deadline_is_extended_once_with_notice() -> None:
    rule = load_complaint_rules().extension
    first_due = due_date(at("2027-01-20"), 30, "calendar")
    extended = extend_deadline(first_due, 30, extensions_so_far=0, rule=rule, notice_given=True)
    assert extended == date(2027, 3, 21)
    assert extend_deadline(first_due, 10, 0, rule, notice_given=True) == date(2027, 3, 1)


def test_a_second_extension_is_refused() -> None:
    rule = load_complaint_rules().extension
    with pytest.raises(ExtensionRefused, match="extended 1 time"):
        extend_deadline(date(2027, 3, 21), 5, extensions_so_far=1, rule=rule, notice_given=True)


@pytest.mark.parametrize(
    ("by_days", "notice", "message"),
    [(31, True, "1 to 30 days, not 31"), (0, True, "not 0"), (10, False, "must be notified")],
)
def test_an_extension_too_long_or_without_notice_is_refused(by_days: int, notice: bool, message: str) -> None:
    with pytest.raises(ExtensionRefused, match=message):
        extend_deadline(date(2027, 2, 19), by_days, 0, RULE, notice_given=notice)
