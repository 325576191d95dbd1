"""Time helpers shared by every rule: UTC storage, salon-local evaluation with zoneinfo."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import InvalidRequest
from .text import N_

UTC = UTC

# The calendar the app works in. A date outside it (year 1, year 9999) is refused where a request
# is read: date arithmetic near datetime's own limits overflows (a week before 0001-01-01, an
# offset past 9999-12-31), and no salon books, exports or closes that far away.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def in_calendar(day: date | datetime) -> bool:
    """Whether a day (or an instant's own wall-clock day) is inside FIRST_DAY..LAST_DAY. An instant
    is judged by its own date, before any zone conversion, which is what could overflow."""
    return FIRST_DAY <= (day.date() if isinstance(day, datetime) else day) <= LAST_DAY


def check_calendar(value: date | datetime, label: str = "The date"):
    """`value` itself, or InvalidRequest naming the days that are accepted."""
    if not in_calendar(value):
        raise InvalidRequest(N_("%(label)s must be between %(first)s and %(last)s.", label=label,
                                first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat()))
    return value


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
