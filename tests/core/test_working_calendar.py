from datetime import date, datetime, time, timezone

import pytest

from core.errors import ValidationError
from core.working_calendar import (
    OFFICE_TZ,
    WorkingCalendar,
    WorkingHours,
    national_holidays,
    national_makeup_days,
)


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=OFFICE_TZ)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar()


def test_weekdays_work_weekends_do_not(cal):
    assert cal.is_working_day(date(2026, 3, 9))  # Monday
    assert cal.is_working_day(date(2026, 3, 13))  # Friday
    assert not cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))  # Sunday


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 1), date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 20), date(2026, 4, 27),
     date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 1), date(2026, 9, 2)],
)
def test_national_holidays_are_days_off(cal, day):
    assert not cal.is_working_day(day)


def test_substituted_day_off_and_its_makeup_saturday(cal):
    # 2026: Monday 31/08 off, paid back by working Saturday 22/08.
    assert not cal.is_working_day(date(2026, 8, 31))
    assert cal.is_working_day(date(2026, 8, 22))
    assert not cal.is_working_day(date(2026, 8, 29))  # an ordinary Saturday


def test_makeup_day_across_a_year_boundary(cal):
    # The 2018 announcement: 31/12/2018 off, Saturday 05/01/2019 worked.
    assert not cal.is_working_day(date(2018, 12, 31))
    assert cal.is_working_day(date(2019, 1, 5))


def test_office_tables_override_the_national_calendar():
    cal = WorkingCalendar(days_off=[date(2026, 3, 10)], working_days=[date(2026, 3, 7), date(2026, 2, 17)])
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.is_working_day(date(2026, 2, 17))


def test_without_national_holidays_only_office_tables_count():
    cal = WorkingCalendar(national_holidays=False, days_off=[date(2026, 2, 18)])
    assert cal.is_working_day(date(2026, 2, 17))
    assert not cal.is_working_day(date(2026, 2, 18))
    assert not cal.is_working_day(date(2026, 8, 22))


def test_a_date_cannot_be_both_off_and_worked():
    with pytest.raises(ValidationError):
        WorkingCalendar(days_off=[date(2026, 3, 7)], working_days=[date(2026, 3, 7)])


def test_next_working_day_skips_tet(cal):
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert cal.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)
    assert cal.next_working_day(date(2026, 8, 21)) == date(2026, 8, 22)


def test_working_periods(cal):
    assert cal.working_periods(date(2026, 3, 9)) == [
        (at(2026, 3, 9, 7), at(2026, 3, 9, 11, 30)),
        (at(2026, 3, 9, 13, 30), at(2026, 3, 9, 17)),
    ]
    assert cal.working_periods(date(2026, 3, 7)) == []
    assert cal.closing_time(date(2026, 3, 9)) == at(2026, 3, 9, 17)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 9, 6, 59), at(2026, 3, 9, 7)),
        (at(2026, 3, 9, 7), at(2026, 3, 9, 7)),
        (at(2026, 3, 9, 9, 15), at(2026, 3, 9, 9, 15)),
        (at(2026, 3, 9, 11, 30), at(2026, 3, 9, 13, 30)),  # a period end is not inside it
        (at(2026, 3, 9, 12), at(2026, 3, 9, 13, 30)),
        (at(2026, 3, 9, 17), at(2026, 3, 10, 7)),
        (at(2026, 3, 13, 18), at(2026, 3, 16, 7)),
        (at(2026, 3, 7, 9), at(2026, 3, 9, 7)),  # Saturday
        (at(2026, 2, 13, 17, 30), at(2026, 2, 23, 7)),  # Friday before Tết
    ],
)
def test_next_working_moment(cal, moment, expected):
    assert cal.next_working_moment(moment) == expected


def test_next_working_moment_converts_other_time_zones(cal):
    utc = datetime(2026, 3, 9, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hà Nội
    result = cal.next_working_moment(utc)
    assert result == at(2026, 3, 9, 10)
    assert result.tzinfo == OFFICE_TZ


def test_naive_datetimes_are_refused(cal):
    with pytest.raises(ValueError):
        cal.next_working_moment(datetime(2026, 3, 9, 10))


def test_national_holidays_for_seeding():
    days = dict(national_holidays(2026))
    assert days[date(2026, 2, 17)] == "Tết Nguyên Đán"
    assert date(2026, 4, 26) in days  # Hùng Kings (a Sunday) ...
    assert date(2026, 4, 27) in days  # ... observed on Monday
    assert "22/08/2026" in days[date(2026, 8, 31)]
    assert all(d.year == 2026 for d in days)
    assert WorkingCalendar.national_holidays(2026) == national_holidays(2026)
    english = dict(national_holidays(2026, "en"))
    assert english[date(2026, 2, 17)] == "Lunar New Year"


def test_reference_lunar_dates():
    assert dict(national_holidays(2027))[date(2027, 2, 6)] == "Tết Nguyên Đán"
    assert date(2027, 4, 16) in dict(national_holidays(2027))
    # Vietnam's calendar (UTC+7), not China's: Tết 2030 is 2 February.
    assert dict(national_holidays(2030))[date(2030, 2, 2)] == "Tết Nguyên Đán"


def test_national_makeup_days():
    assert national_makeup_days(2026) == [(date(2026, 8, 22), "Ngày làm bù cho ngày nghỉ 31/08/2026")]
    assert [d for d, _ in national_makeup_days(2019)] == [date(2019, 1, 5), date(2019, 5, 4)]
    assert national_makeup_days(2023) == []


def test_seeded_tables_reproduce_the_national_calendar():
    year = 2026
    seeded = WorkingCalendar(
        days_off=[d for d, _ in national_holidays(year)],
        working_days=[d for d, _ in national_makeup_days(year)],
        national_holidays=False,
    )
    national = WorkingCalendar()
    d = date(year, 1, 1)
    while d.year == year:
        assert seeded.is_working_day(d) == national.is_working_day(d), d
        d = date.fromordinal(d.toordinal() + 1)


class TestWorkingHours:
    def test_defaults_are_eight_hours(self):
        hours = WorkingHours()
        assert hours.daily_duration.total_seconds() == 8 * 3600
        assert hours.opening == time(7) and hours.closing == time(17)

    def test_dict_round_trip(self):
        hours = WorkingHours(periods=((time(7, 30), time(11, 30)), (time(13), time(16, 45))), same_day_cutoff=time(14, 30))
        data = hours.to_dict()
        assert data == {"periods": [["07:30", "11:30"], ["13:00", "16:45"]], "same_day_cutoff": "14:30"}
        assert WorkingHours.from_dict(data) == hours
        assert WorkingHours.from_dict(WorkingHours().to_dict()) == WorkingHours()

    @pytest.mark.parametrize(
        "periods",
        [
            (),
            ((time(11), time(8)),),
            ((time(8), time(8)),),
            ((time(13), time(17)), (time(7), time(11))),
            ((time(7), time(12)), (time(11), time(17))),
        ],
    )
    def test_bad_periods_are_refused(self, periods):
        with pytest.raises(ValidationError) as exc:
            WorkingHours(periods=periods)
        assert exc.value.field == "working_hours"

    def test_cutoff_after_closing_is_refused(self):
        with pytest.raises(ValidationError):
            WorkingHours(periods=((time(7), time(12)),), same_day_cutoff=time(15))

    def test_bad_strings_are_refused(self):
        with pytest.raises(ValidationError):
            WorkingHours.from_dict({"periods": [["7h", "11:30"]]})
        with pytest.raises(ValidationError):
            WorkingHours.from_dict({"periods": [["25:00", "26:00"]]})
