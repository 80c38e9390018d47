"""RFC 3339 timestamps (timeutil.py)."""
from datetime import datetime, timedelta, timezone

import pytest

from kubectl_kueue_argo.timeutil import format_time, parse_time, seconds_between, utc_now

UTC = timezone.utc


@pytest.mark.parametrize("text, moment", [
    ("2026-08-24T10:00:00Z", datetime(2026, 8, 24, 10, 0, tzinfo=UTC)),
    ("2026-08-24t10:00:00z", datetime(2026, 8, 24, 10, 0, tzinfo=UTC)),
    (" 2026-08-24T10:00:00Z ", datetime(2026, 8, 24, 10, 0, tzinfo=UTC)),
    ("2026-08-24T12:00:00+02:00", datetime(2026, 8, 24, 10, 0, tzinfo=UTC)),
    ("2026-08-24T10:00:00.5Z", datetime(2026, 8, 24, 10, 0, 0, 500000, tzinfo=UTC)),
    ("2026-08-24T10:00:00.123456789Z", datetime(2026, 8, 24, 10, 0, 0, 123456, tzinfo=UTC)),
    ("2026-08-24T10:00:00.25+01:00", datetime(2026, 8, 24, 9, 0, 0, 250000, tzinfo=UTC)),
    ("2026-08-24T10:00:00", datetime(2026, 8, 24, 10, 0, tzinfo=UTC)),     # no zone: UTC
    ("", None), (None, None), (1724493600, None), ("yesterday", None), ("2026-13-01T00:00:00Z", None),
])
def test_parse_time(text, moment):
    assert parse_time(text) == moment
    if moment:
        assert parse_time(text).utcoffset() is not None


def test_seconds_between():
    start = datetime(2026, 8, 24, 10, 0, tzinfo=UTC)
    assert seconds_between(start, start + timedelta(seconds=90.5)) == 90.5
    assert seconds_between(start + timedelta(seconds=5), start) == 0.0      # clock skew: never negative
    assert seconds_between(None, start) is None and seconds_between(start, None) is None


def test_format_time_is_utc_with_z():
    assert format_time(datetime(2026, 8, 24, 12, 0, 30, 999999, tzinfo=timezone(timedelta(hours=2)))) == \
        "2026-08-24T10:00:30Z"
    assert format_time(None) is None


def test_utc_now_is_aware_utc():
    now = utc_now()
    assert now.tzinfo is UTC and abs((now - datetime.now(UTC)).total_seconds()) < 3600
