from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from core.due_date import ProcessingTime, add_working_time, due_moment, working_time_between
from core.errors import ValidationError
from core.working_calendar import OFFICE_TZ, WorkingCalendar, WorkingHours


def at(y, m, d, hh=0, mm=0, ss=0, us=0):
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=OFFICE_TZ)


CAL = WorkingCalendar()
SAME_DAY = ProcessingTime("same_day")


def wd(n, extra=0):
    return ProcessingTime("working_days", n, extra)


class TestWorkingDays:
    def test_friday_afternoon_plus_one_day_is_monday_same_hour(self):
        assert due_moment(at(2026, 3, 6, 16), wd(1), CAL) == at(2026, 3, 9, 16)

    def test_three_days_over_tet(self):
        # Friday 13/02/2026 10:00; 16-20/02 are Tết: 5 h on Friday, then 23, 24, 25/02.
        assert due_moment(at(2026, 2, 13, 10), wd(3), CAL) == at(2026, 2, 25, 10)

    def test_makeup_saturday_counts(self):
        assert due_moment(at(2026, 8, 21, 10), wd(1), CAL) == at(2026, 8, 22, 10)

    def test_office_makeup_saturday_counts(self):
        cal = WorkingCalendar(working_days=[date(2026, 3, 7)])
        assert due_moment(at(2026, 3, 6, 16), wd(1), cal) == at(2026, 3, 7, 16)

    def test_national_day_holidays_and_substituted_monday(self):
        # 31/08 (substituted), 01/09 and 02/09 are off.
        assert due_moment(at(2026, 8, 28, 10), wd(1), CAL) == at(2026, 9, 3, 10)

    def test_receipt_at_lunch_starts_at_1330_and_may_end_on_a_period_end(self):
        # 13:30-17:00 (3.5 h) + 07:00-11:30 (4.5 h) = 8 h: due 11:30 stays at 11:30.
        assert due_moment(at(2026, 3, 10, 12), wd(1), CAL) == at(2026, 3, 11, 11, 30)

    def test_receipt_at_opening_is_due_at_closing(self):
        assert due_moment(at(2026, 3, 10, 7), wd(1), CAL) == at(2026, 3, 10, 17)

    def test_receipt_after_closing_starts_next_morning(self):
        assert due_moment(at(2026, 3, 10, 17), wd(2), CAL) == at(2026, 3, 12, 17)
        assert due_moment(at(2026, 3, 10, 21, 45), wd(1), CAL) == at(2026, 3, 11, 17)

    def test_saturday_receipt_adds_no_processing_time(self):
        assert due_moment(at(2026, 3, 7, 9), wd(1), CAL) == at(2026, 3, 9, 17)

    def test_any_time_zone_in_office_time_out(self):
        received = datetime(2026, 3, 6, 9, 0, tzinfo=timezone.utc)  # 16:00 in Hà Nội
        due = due_moment(received, wd(1), CAL)
        assert due == at(2026, 3, 9, 16)
        assert due.tzinfo == OFFICE_TZ

    def test_naive_receipt_is_refused(self):
        with pytest.raises(ValueError):
            due_moment(datetime(2026, 3, 6, 9), wd(1), CAL)

    def test_verification_adds_working_days(self):
        received = at(2026, 3, 9, 10)
        assert due_moment(received, wd(3, 5), CAL) == at(2026, 3, 12, 10)
        assert due_moment(received, wd(3, 5), CAL, with_verification=True) == at(2026, 3, 19, 10)

    def test_a_working_day_is_eight_hours_even_with_short_hours(self):
        cal = WorkingCalendar(hours=WorkingHours(periods=((time(8), time(12)),), same_day_cutoff=time(11)))
        # Monday 08:00 + 8 h of 4-hour days = Tuesday 12:00.
        assert due_moment(at(2026, 3, 9, 8), wd(1), cal) == at(2026, 3, 10, 12)


class TestSameDay:
    def test_at_cutoff_is_due_today(self):
        assert due_moment(at(2026, 3, 10, 15, 0, 0), SAME_DAY, CAL) == at(2026, 3, 10, 17)

    def test_one_second_after_cutoff_is_due_next_working_day(self):
        assert due_moment(at(2026, 3, 10, 15, 0, 1), SAME_DAY, CAL) == at(2026, 3, 11, 17)

    def test_friday_after_cutoff_is_due_monday(self):
        assert due_moment(at(2026, 3, 6, 16, 30), SAME_DAY, CAL) == at(2026, 3, 9, 17)

    def test_before_opening_is_due_today(self):
        assert due_moment(at(2026, 3, 10, 6, 30), SAME_DAY, CAL) == at(2026, 3, 10, 17)

    def test_at_lunch_is_due_today(self):
        assert due_moment(at(2026, 3, 10, 12, 15), SAME_DAY, CAL) == at(2026, 3, 10, 17)

    def test_saturday_morning_opening_is_due_next_working_day(self):
        assert due_moment(at(2026, 3, 7, 9), SAME_DAY, CAL) == at(2026, 3, 9, 17)

    def test_after_cutoff_before_tet_waits_for_tet_to_end(self):
        assert due_moment(at(2026, 2, 13, 16), SAME_DAY, CAL) == at(2026, 2, 23, 17)

    def test_office_cutoff_setting(self):
        cal = WorkingCalendar(hours=WorkingHours(same_day_cutoff=time(14, 30)))
        assert due_moment(at(2026, 3, 10, 14, 45), SAME_DAY, cal) == at(2026, 3, 11, 17)

    def test_verification_makes_it_working_days_from_receipt(self):
        marriage = ProcessingTime("same_day", verification_extra_days=5)
        assert due_moment(at(2026, 3, 9, 10), marriage, CAL) == at(2026, 3, 9, 17)
        assert due_moment(at(2026, 3, 9, 10), marriage, CAL, with_verification=True) == at(2026, 3, 16, 10)


class TestCalendarDays:
    def test_lands_on_a_working_day(self):
        assert due_moment(at(2026, 3, 9, 10), ProcessingTime("calendar_days", 2), CAL) == at(2026, 3, 11, 17)

    def test_moved_past_weekend_and_holiday(self):
        # Friday 24/04 + 2 = Sunday 26/04; Monday 27/04 is Hùng Kings observed.
        assert due_moment(at(2026, 4, 24, 10), ProcessingTime("calendar_days", 2), CAL) == at(2026, 4, 28, 17)

    def test_verification_adds_working_days_after_the_calendar_due(self):
        p = ProcessingTime("calendar_days", 2, 1)
        assert due_moment(at(2026, 3, 9, 10), p, CAL, with_verification=True) == at(2026, 3, 12, 17)


class TestProcessingTime:
    @pytest.mark.parametrize(
        ("p", "vi", "en"),
        [
            (ProcessingTime("same_day"), "Trong ngày", "Same day"),
            (ProcessingTime("working_days", 3), "3 ngày làm việc", "3 working days"),
            (ProcessingTime("working_days", 1), "1 ngày làm việc", "1 working day"),
            (ProcessingTime("calendar_days", 30), "30 ngày", "30 calendar days"),
            (
                ProcessingTime("same_day", verification_extra_days=5),
                "Trong ngày; nếu cần xác minh: 5 ngày làm việc",
                "Same day; 5 working days if verification is needed",
            ),
            (
                ProcessingTime("working_days", 3, 3),
                "3 ngày làm việc; thêm 3 ngày làm việc nếu cần xác minh",
                "3 working days; +3 working days if verification is needed",
            ),
        ],
    )
    def test_describe(self, p, vi, en):
        assert p.describe_vi() == vi
        assert p.describe_en() == en

    @pytest.mark.parametrize(
        "p", [ProcessingTime("same_day"), ProcessingTime("same_day", 0, 5), ProcessingTime("working_days", 25), ProcessingTime("calendar_days", 15, 2)]
    )
    def test_dict_round_trip(self, p):
        assert ProcessingTime.from_dict(p.to_dict()) == p

    def test_to_dict_is_compact(self):
        assert ProcessingTime("same_day").to_dict() == {"kind": "same_day"}
        assert ProcessingTime("working_days", 3, 5).to_dict() == {"kind": "working_days", "days": 3, "verification_extra_days": 5}

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"kind": "hours", "days": 3},
            {"kind": "same_day", "days": 1},
            {"kind": "working_days", "days": 0},
            {"kind": "calendar_days", "days": 0},
            {"kind": "working_days", "days": -1},
            {"kind": "working_days", "days": 2, "verification_extra_days": -1},
            {"kind": "working_days", "days": 1.5},
        ],
    )
    def test_invalid(self, kwargs):
        with pytest.raises(ValidationError):
            ProcessingTime(**kwargs)

    def test_from_dict_requires_kind(self):
        with pytest.raises(ValidationError):
            ProcessingTime.from_dict({"days": 3})


class TestWorkingTimeHelpers:
    def test_add_zero_is_the_next_working_moment(self):
        assert add_working_time(at(2026, 3, 10, 12), timedelta(0), CAL) == at(2026, 3, 10, 13, 30)

    def test_working_time_between(self):
        assert working_time_between(at(2026, 3, 6, 16), at(2026, 3, 9, 16), CAL) == timedelta(hours=8)
        assert working_time_between(at(2026, 2, 13, 10), at(2026, 2, 25, 10), CAL) == timedelta(hours=24)
        assert working_time_between(at(2026, 3, 9, 16), at(2026, 3, 6, 16), CAL) == timedelta(0)


# --- properties ---------------------------------------------------------------------

CALENDARS = [
    CAL,
    WorkingCalendar(
        national_holidays=False,
        days_off=[date(2026, 3, 10), date(2026, 3, 11), date(2025, 12, 31)],
        working_days=[date(2026, 3, 14), date(2025, 6, 7)],
    ),
    WorkingCalendar(
        hours=WorkingHours(periods=((time(7, 30), time(11, 0)), (time(13, 0), time(16, 30))), same_day_cutoff=time(16, 30)),
    ),
    WorkingCalendar(hours=WorkingHours(periods=((time(8), time(12)),), same_day_cutoff=time(10))),
]

receipts = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2027, 12, 1),
    timezones=st.sampled_from([OFFICE_TZ, timezone.utc, ZoneInfo("Europe/Paris")]),
)
processings = st.one_of(
    st.builds(ProcessingTime, st.just("same_day"), st.just(0), st.integers(0, 5)),
    st.builds(ProcessingTime, st.just("working_days"), st.integers(1, 30), st.integers(0, 5)),
    st.builds(ProcessingTime, st.just("calendar_days"), st.integers(1, 45), st.integers(0, 3)),
)
calendars = st.sampled_from(CALENDARS)


def inside_working_hours(moment, cal):
    return any(start <= moment <= end for start, end in cal.working_periods(moment.date()))


@given(receipts, processings, calendars, st.booleans())
def test_due_is_within_working_hours_on_a_working_day(received, processing, cal, verify):
    due = due_moment(received, processing, cal, with_verification=verify)
    assert due.tzinfo == OFFICE_TZ
    assert cal.is_working_day(due.date())
    assert inside_working_hours(due, cal)


@given(receipts, processings, calendars, st.booleans())
def test_due_is_never_before_receipt(received, processing, cal, verify):
    assert due_moment(received, processing, cal, with_verification=verify) >= received


@given(receipts, st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)), processings, calendars, st.booleans())
def test_due_is_monotone_in_receipt_time(received, later_by, processing, cal, verify):
    later = received + later_by
    assume(later.replace(tzinfo=None) < datetime(2027, 12, 31))
    assert due_moment(received, processing, cal, with_verification=verify) <= due_moment(
        later, processing, cal, with_verification=verify
    )


@given(receipts, st.integers(1, 30), calendars)
def test_working_days_are_exactly_eight_working_hours_each(received, days, cal):
    due = due_moment(received, ProcessingTime("working_days", days), cal)
    assert working_time_between(received, due, cal) == timedelta(hours=8 * days)
