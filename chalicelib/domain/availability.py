"""Free slots: pure functions over hours, breaks, closed dates, staff hours and time off,
existing appointments (+ buffers), minimum notice, horizon and slot alignment.

Every rule is evaluated in the salon's local time. Candidate starts are wall-clock times on
the salon's slot grid (anchored at local midnight), converted to UTC one by one: a time that
a spring-forward night skips is not offered, and a time a fall-back night repeats is offered
once (its first occurrence). Service lengths are real elapsed minutes.
"""
from datetime import date, datetime, time, timedelta

from .blocks import block_indexes
from .catalog import Catalog, Service, Staff
from .clock import days, local_to_utc, local_today
from .errors import SlotNotOffered
from .salon import Salon, TimeRange
from .values import frozen


@frozen
class Slot:
    start: datetime  # UTC
    end: datetime  # UTC
    staff_id: str


def busy_blocks(intervals) -> dict[str, set[int]]:
    """{staff_id: occupied block indexes} from (staff_id, start, occupied_until) triples."""
    busy: dict[str, set[int]] = {}
    for staff_id, start, until in intervals:
        busy.setdefault(staff_id, set()).update(block_indexes(start, until))
    return busy


def _clip(outer: tuple[TimeRange, ...], inner: tuple[TimeRange, ...]) -> list[tuple[time, time]]:
    clipped = []
    for a in outer:
        for b in inner:
            start, end = max(a.start, b.start), min(a.end, b.end)
            if start < end:
                clipped.append((start, end))
    return clipped


def _working_ranges(salon: Salon, staff: Staff, day: date) -> list[tuple[time, time]]:
    salon_ranges = salon.intervals_on(day)
    if not salon_ranges:
        return []
    own = staff.hours.get(day.weekday(), ()) if staff.hours is not None else salon_ranges
    return _clip(salon_ranges, own)


def _off_at(staff: Staff, local_start: datetime, local_end: datetime) -> bool:
    return any(off.start < local_end and local_start < off.end for off in staff.time_off)


def candidate_starts(salon: Salon, staff: Staff, service: Service, day: date, now: datetime) -> list[datetime]:
    """UTC starts the rules allow for one staff member on one local day, before occupancy."""
    tz = salon.tz
    today = local_today(now, tz)
    if day < today or day > today + timedelta(days=salon.horizon_days):
        return []
    earliest = now + timedelta(minutes=salon.min_notice_minutes)
    step = salon.slot_minutes
    duration = timedelta(minutes=service.duration_minutes)
    starts: list[datetime] = []
    for range_start, range_end in _working_ranges(salon, staff, day):
        close_utc = local_to_utc(day, range_end, tz) or local_to_utc(day, _after_gap(range_end), tz)
        first_minute = -(-(range_start.hour * 60 + range_start.minute) // step) * step
        last_minute = range_end.hour * 60 + range_end.minute
        for minute in range(first_minute, last_minute, step):
            wall = time(minute // 60, minute % 60)
            start = local_to_utc(day, wall, tz)
            if start is None or start < earliest or start + duration > close_utc:
                continue
            if staff.time_off:
                local_start = datetime.combine(day, wall)
                if _off_at(staff, local_start, local_start + duration):
                    continue
            if not starts or starts[-1] != start:
                starts.append(start)
    return starts


def _day_blocks(salon: Salon, day: date) -> set[int]:
    start = datetime.combine(day, time.min, salon.tz)
    return set(block_indexes(start, start + timedelta(days=1)))


def _after_gap(wall: time) -> time:
    # A closing time inside a DST gap: use the first valid time after it.
    return time(min(wall.hour + 1, 23), wall.minute)


def free_slots(
    salon: Salon,
    catalog: Catalog,
    service: Service,
    first_day: date,
    last_day: date,
    now: datetime,
    booked: dict[str, set[int]],
    staff_id: str | None = None,
) -> list[Slot]:
    """Free slots in [first_day, last_day] (local dates), sorted by start.

    With `staff_id` None the staff are merged: one slot per start time, given to the capable
    staff member with the fewest bookings that day (ties by catalog order), so load spreads.
    """
    staff_list = [s for s in catalog.staff_for(service.id) if staff_id is None or s.id == staff_id]
    span = timedelta(minutes=service.span_minutes)
    duration = timedelta(minutes=service.duration_minutes)
    slots: list[Slot] = []
    for day in days(first_day, last_day):
        by_start: dict[datetime, list[Staff]] = {}
        for staff in staff_list:
            taken = booked.get(staff.id, set())
            for start in candidate_starts(salon, staff, service, day, now):
                if taken.isdisjoint(block_indexes(start, start + span)):
                    by_start.setdefault(start, []).append(staff)
        if not by_start:
            continue
        day_blocks = _day_blocks(salon, day)
        load = {s.id: len(booked.get(s.id, set()) & day_blocks) for s in staff_list}
        for start in sorted(by_start):
            chosen = min(by_start[start], key=lambda s: load[s.id]) if staff_id is None else by_start[start][0]
            slots.append(Slot(start, start + duration, chosen.id))
    return slots


def is_offered(salon: Salon, service: Service, staff: Staff, start: datetime, now: datetime) -> bool:
    """Would availability offer `start` for this staff member if the chair were free?"""
    day = start.astimezone(salon.tz).date()
    return start in candidate_starts(salon, staff, service, day, now)


_WHY = {
    "past": "That time is in the past. Pick a time from the availability list.",
    "notice": "Online bookings need at least {notice} minutes' notice. Pick a later time or call {phone}.",
    "horizon": "Online bookings open at most {horizon} days ahead.",
    "other": "The salon does not offer that time for this service and specialist (closed, a break, time off, "
             "or not on the {grid}-minute grid). Pick a time from the availability list.",
}


def not_offered(salon: Salon, start: datetime, now: datetime) -> SlotNotOffered:
    """The refusal of a start that `is_offered` refused: why, in a message a person can act on, and
    as a reason and values that pages translate."""
    if start <= now:
        reason = "past"
    elif start < now + timedelta(minutes=salon.min_notice_minutes):
        reason = "notice"
    elif start.astimezone(salon.tz).date() > local_today(now, salon.tz) + timedelta(days=salon.horizon_days):
        reason = "horizon"
    else:
        reason = "other"
    values = {"notice": salon.min_notice_minutes, "horizon": salon.horizon_days}
    message = _WHY[reason].format(grid=salon.slot_minutes, phone=salon.phone, **values)
    return SlotNotOffered(message, reason, **values)


def why_not_offered(salon: Salon, start: datetime, now: datetime) -> str:
    return not_offered(salon, start, now).message
