import datetime as dt
import email.utils

from kiosk.sync.backoff import CAP_S, BackoffPolicy, parse_retry_after

NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)


def test_window_doubles_from_base_and_is_capped_at_five_minutes():
    policy = BackoffPolicy(base_s=1.0)
    assert [policy.window_s(n) for n in range(1, 11)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert policy.window_s(10_000) == CAP_S == 300.0


def test_full_jitter_draws_between_zero_and_the_window():
    assert BackoffPolicy(random=lambda: 0.0).delay_s(5) == 0.0
    assert BackoffPolicy(random=lambda: 0.5).delay_s(5) == 8.0
    assert BackoffPolicy(random=lambda: 0.999).delay_s(50) < 300.0


def test_retry_after_is_a_floor_and_still_capped():
    policy = BackoffPolicy(random=lambda: 0.0)
    assert policy.delay_s(1, retry_after_s=42.0) == 42.0
    assert policy.delay_s(1, retry_after_s=3600.0) == 300.0


def test_retry_after_seconds_and_http_dates():
    assert parse_retry_after("120", now_utc=NOW) == 120.0
    later = email.utils.format_datetime(NOW + dt.timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now_utc=NOW) == 90.0
    earlier = email.utils.format_datetime(NOW - dt.timedelta(hours=1), usegmt=True)
    assert parse_retry_after(earlier, now_utc=NOW) == 0.0


def test_unreadable_retry_after_is_ignored():
    for value in (None, "", "soon", "-5", "1.5e3"):
        assert parse_retry_after(value, now_utc=NOW) is None
