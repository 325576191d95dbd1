"""Time helpers shared by every rule: UTC storage, salon-local evaluation with zoneinfo."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

UTC = UTC


def utc_now() -> datetime:
    return datetime.now(UTC)


def local_to_utc(day: date, wall: time, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time, or None when DST skips that time.

    An ambiguous time (the repeated hour of a fall-back night) resolves to its first
    occurrence, so a slot never appears twice.
    """
    naive = datetime.combine(day, wall)
    aware = naive.replace(tzinfo=tz, fold=0)
    as_utc = aware.astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != naive:
        return None  # in the gap of a spring-forward night
    return as_utc


def to_local(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz)


def local_today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def days(first: date, last: date):
    current = first
    while current <= last:
        yield current
        current += timedelta(days=1)


def iso_utc(instant: datetime) -> str:
    """Sortable UTC text used in keys: 2026-03-30T08:00:00Z."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
