"""Quiet hours: a client message leaves only inside the salon's sending window (local time).
A message due outside it waits for the next allowed minute; none is dropped."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from .clock import UTC, local_to_utc


def _first_valid(day, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of `wall` on `day`, or of the first minute after a DST gap."""
    for minutes in range(0, 180, 1):
        probe = (datetime.combine(day, wall) + timedelta(minutes=minutes)).time()
        instant = local_to_utc(day, probe, tz)
        if instant is not None:
            return instant
    raise ValueError("no valid local time")  # pragma: no cover - DST gaps are at most 2 hours


def next_send_time(instant: datetime, tz: ZoneInfo, send_from: time, send_until: time) -> datetime:
    """`instant` if it is inside the window, else the start of the next window."""
    local = instant.astimezone(tz)
    if send_from <= local.time() < send_until:
        return instant.astimezone(UTC)
    day = local.date() if local.time() < send_from else local.date() + timedelta(days=1)
    return _first_valid(day, send_from, tz)


def can_send_now(instant: datetime, tz: ZoneInfo, send_from: time, send_until: time) -> bool:
    return next_send_time(instant, tz, send_from, send_until) == instant.astimezone(UTC)
