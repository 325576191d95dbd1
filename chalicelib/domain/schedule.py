"""When the sweeps look at an appointment: the reminder, then the no-show check."""
from datetime import datetime, time, timedelta

from .clock import local_to_utc, local_today
from .salon import Salon
from .values import frozen


@frozen
class Due:
    """The next moment a sweep must look at something, and why."""

    kind: str  # reminder | noshow | offer_expiry | freed (a cancelled slot for the waitlist)
    at: datetime  # UTC


def reminder_at(salon: Salon, start: datetime) -> datetime:
    """The salon's reminder time on the local day before the appointment."""
    day_before = start.astimezone(salon.tz).date() - timedelta(days=1)
    wall = salon.policy.reminder_time
    return local_to_utc(day_before, wall, salon.tz) or local_to_utc(day_before, time(wall.hour + 1, wall.minute),
                                                                      salon.tz)


def noshow_check_at(salon: Salon, start: datetime, end: datetime) -> datetime:
    """After the salon closes that day (and never before end + grace): the owner has the whole
    day to mark arrivals before the sweep decides."""
    local_day = start.astimezone(salon.tz).date()
    ranges = salon.intervals_on(local_day)
    after_grace = end + timedelta(minutes=salon.policy.grace_minutes)
    if not ranges:
        return after_grace
    closing = local_to_utc(local_day, ranges[-1].end, salon.tz) or after_grace
    return max(after_grace, closing)


def first_due(salon: Salon, start: datetime, end: datetime, booked_at: datetime) -> Due:
    """A booking made before its reminder time gets a reminder; a later one (the confirmation
    covers it) goes straight to the no-show check."""
    reminder = reminder_at(salon, start)
    if booked_at < reminder:
        return Due("reminder", reminder)
    return Due("noshow", noshow_check_at(salon, start, end))


def next_opening(salon: Salon, now: datetime) -> datetime:
    """The next time the salon opens after today (the ladder's messages wait for the morning,
    so the owner can revert a wrong mark first)."""
    day = local_today(now, salon.tz)
    for offset in range(1, 15):
        ranges = salon.intervals_on(day + timedelta(days=offset))
        if ranges:
            return local_to_utc(day + timedelta(days=offset), ranges[0].start, salon.tz) or now
    return now + timedelta(days=1)
