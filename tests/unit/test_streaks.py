from datetime import UTC, date, datetime, timedelta

import pytest

from tools.streaks import compute_streak, local_day

D = date(2026, 3, 10)


def days(*offsets):
    return {D - timedelta(days=o) for o in offsets}


def test_consecutive_days_ending_today():
    s = compute_streak(days(0, 1, 2), D)
    assert (s.current, s.longest, s.active_today) == (3, 3, True)


def test_streak_survives_until_a_whole_day_is_missed():
    assert compute_streak(days(1, 2), D).current == 2  # not yet today
    assert compute_streak(days(2, 3), D).current == 0  # yesterday missed
    assert compute_streak(days(2, 3, 4, 5), D).longest == 4


def test_empty_history():
    s = compute_streak(set(), D)
    assert (s.current, s.longest, s.active_today) == (0, 0, False)


@pytest.mark.parametrize(
    ("tz", "utc_time", "expected"),
    [
        # 23:30 in Madrid (UTC+1 in winter) is still the same local day...
        ("Europe/Madrid", datetime(2026, 1, 14, 22, 30, tzinfo=UTC), date(2026, 1, 14)),
        # ...and 00:30 local is already the next one, while UTC says the previous day.
        ("Europe/Madrid", datetime(2026, 1, 14, 23, 30, tzinfo=UTC), date(2026, 1, 15)),
        ("America/New_York", datetime(2026, 1, 15, 4, 30, tzinfo=UTC), date(2026, 1, 14)),
        ("America/New_York", datetime(2026, 1, 15, 5, 30, tzinfo=UTC), date(2026, 1, 15)),
    ],
)
def test_midnight_rollover_in_the_learners_timezone(tz, utc_time, expected):
    assert local_day(utc_time, tz) == expected


@pytest.mark.parametrize(
    ("tz", "dst_day"),
    [
        ("Europe/Madrid", date(2026, 3, 29)),  # clocks go forward: a 23-hour day
        ("America/New_York", date(2026, 3, 8)),
        ("Europe/Madrid", date(2026, 10, 25)),  # clocks go back: a 25-hour day
        ("America/New_York", date(2026, 11, 1)),
    ],
)
def test_streak_across_a_dst_change_counts_each_local_day_once(tz, dst_day):
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    # Practise at 23:30 local on the day before, on the DST day, and the day after.
    moments = [
        datetime.combine(dst_day + timedelta(days=d), datetime.min.time(), zone)
        .replace(hour=23, minute=30)
        .astimezone(UTC)
        for d in (-1, 0, 1)
    ]
    practised = {local_day(m, tz) for m in moments}
    assert practised == {dst_day - timedelta(days=1), dst_day, dst_day + timedelta(days=1)}
    today = local_day(moments[-1] + timedelta(minutes=20), tz)  # 23:50 local, same day
    assert compute_streak(practised, today).current == 3
    tomorrow = local_day(moments[-1] + timedelta(hours=1), tz)  # 00:30 local next day
    streak = compute_streak(practised, tomorrow)
    assert streak.current == 3 and not streak.active_today
    assert compute_streak(practised, tomorrow + timedelta(days=1)).current == 0
