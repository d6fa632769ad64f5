"""Days left before a deadline: calendar days in the portal's time zone, at the boundaries."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from lib.deadlines import day_start, days_left, due

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2024, 3, 31, 17, 0, tzinfo=HANOI)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=HANOI)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(28, 9), (3, False, "còn 3 ngày")),
        (at(30, 23, 59), (1, False, "còn 1 ngày")),  # tomorrow, however few hours are left
        (at(31, 0, 0), (0, False, "hôm nay")),  # due today, from the first minute
        (at(31, 16, 59), (0, False, "hôm nay")),
        (at(31, 17, 1), (0, True, "hết hạn hôm nay")),  # today, but the hour has passed
        (datetime(2024, 4, 1, 0, 1, tzinfo=HANOI), (-1, True, "quá hạn 1 ngày")),  # yesterday
        (datetime(2024, 4, 2, 8, 0, tzinfo=HANOI), (-2, True, "quá hạn 2 ngày")),
    ],
)
def test_a_deadline_with_a_time_counts_calendar_days(settings, now, expected):
    settings.LANGUAGE_CODE = "vi"
    left = due(DEADLINE, now)
    with translation.override("vi"):
        assert (left.days_left, left.overdue, left.label) == expected
    assert left.day == date(2024, 3, 31)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(30, 12), (1, False, "còn 1 ngày")),  # due tomorrow
        (at(31, 23, 59), (0, False, "hôm nay")),  # a date holds until the end of its day
        (datetime(2024, 4, 1, 0, 0, tzinfo=HANOI), (-1, True, "quá hạn 1 ngày")),
    ],
)
def test_a_deadline_that_is_a_date_holds_until_the_end_of_its_day(now, expected):
    left = due(date(2024, 3, 31), now)
    with translation.override("vi"):
        assert (left.days_left, left.overdue, left.label) == expected


def test_days_are_counted_in_the_portals_time_zone_not_utc():
    # 00:30 on 31 March in Hà Nội is still 30 March in UTC: the deadline is today, not tomorrow.
    just_after_midnight = datetime(2024, 3, 31, 0, 30, tzinfo=HANOI)
    assert just_after_midnight.astimezone(UTC).day == 30
    assert days_left(DEADLINE, just_after_midnight) == 0
    # 23:30 on 31 March in UTC is 1 April in Hà Nội: the deadline was yesterday.
    assert days_left(DEADLINE, datetime(2024, 3, 31, 23, 30, tzinfo=UTC)) == -1


def test_the_english_labels_follow_the_number():
    with translation.override("en"):
        assert due(DEADLINE, at(30, 9)).label == "1 day left"
        assert due(DEADLINE, at(28, 9)).label == "3 days left"
        assert due(DEADLINE, at(31, 9)).label == "today"
        assert due(DEADLINE, datetime(2024, 4, 2, 8, 0, tzinfo=HANOI)).label == "2 days overdue"


def test_a_day_starts_at_midnight_in_the_portals_time_zone():
    assert day_start(date(2024, 3, 31)) == datetime(2024, 3, 31, 0, 0, tzinfo=HANOI)
