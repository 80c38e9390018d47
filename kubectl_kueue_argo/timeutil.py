"""Kubernetes timestamps (RFC 3339) to aware datetimes, and back (pure)."""
from datetime import datetime, timezone


def parse_time(value):
    """An aware datetime for an RFC 3339 string, or None if missing or malformed."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    if "." in text:  # Python < 3.11 accepts at most 6 fractional digits
        head, _, tail = text.partition(".")
        zone = tail.lstrip("0123456789")    # the digits of an offset (+01:00) are not fraction digits
        digits = tail[:len(tail) - len(zone)]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def seconds_between(start, end):
    if start is None or end is None:
        return None
    return max(0.0, (end - start).total_seconds())


def format_time(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def utc_now():
    return datetime.now(timezone.utc)
