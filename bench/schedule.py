"""Realistic salon days, generated rather than booked: each staff member's appointments are laid
end to end on the salon's slot grid inside opening hours, with small random gaps, never
overlapping and never crossing a break. Pure (no I/O); the schedule is deterministic per seed
(appointment and client ids are fresh ULIDs)."""
import random
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.domain.appointment import Appointment, CancelledBy, Status
from chalicelib.domain.catalog import Catalog, Service, Staff
from chalicelib.domain.clock import days, local_to_utc
from chalicelib.domain.ids import new_id
from chalicelib.domain.salon import Salon

# The bench's pinned clock (the tests' too): Monday 23 March 2026, 09:00 in Rome; the demo salon
# opens tomorrow at 09:00, and the clocks go forward on the 29th, inside every 31-day range.
NOW = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
CLIENTS_PER_APPOINTMENT = 1 / 8  # a regular comes back about eight times in two years
ATTEMPTS = 20


def spread(total: int, parts: int, offset: int = 0) -> list[int]:
    """`total` split into `parts` near-equal integers; the extra units rotate with `offset`."""
    if parts <= 0:
        return []
    base, extra = divmod(total, parts)
    return [base + (1 if (i - offset) % parts < extra else 0) for i in range(parts)]


def even_quotas(total: int, slots: int) -> list[int]:
    """`total` items over `slots` positions, evenly spaced (10 over 500 days: one every 50th)."""
    return [(i + 1) * total // slots - i * total // slots for i in range(slots)]


def _minutes(wall: time) -> int:
    return wall.hour * 60 + wall.minute


def day_plan(rng: random.Random, salon: Salon, services: list[Service], day: date,
             count: int) -> list[tuple[Service, int]]:
    """Up to `count` (service, local start minute) pairs for one staff member on one day.

    Shorter services are likelier (weight 1/span), gaps are 0-2 grid steps. When a random draw
    does not fit the day, it is drawn again; the last resort is the shortest service back to back.
    """
    ranges = [(_minutes(r.start), _minutes(r.end)) for r in salon.intervals_on(day)]
    if not ranges or not services or count <= 0:
        return []
    step = salon.slot_minutes
    weights = [1 / s.span_minutes for s in services]
    shortest = min(services, key=lambda s: s.span_minutes)
    plan: list[tuple[Service, int]] = []
    for attempt in range(ATTEMPTS + 1):
        last_resort = attempt == ATTEMPTS
        chosen = [shortest] * count if last_resort else rng.choices(services, weights=weights, k=count)
        plan, index, cursor = [], 0, ranges[0][0]
        for service in chosen:
            start = cursor + (0 if last_resort else step * rng.choice((0, 0, 1, 2)))
            while index < len(ranges) and start + service.span_minutes > ranges[index][1]:
                index += 1
                if index < len(ranges):
                    start = ranges[index][0]
            if index == len(ranges):
                break
            plan.append((service, start))
            cursor = start + service.span_minutes
        if len(plan) == count:
            break
    return plan


def _status(rng: random.Random, start: datetime, now: datetime, cancel_rate: float) -> Status:
    if rng.random() < cancel_rate:
        return Status.CANCELLED
    if start < now:
        return Status.NO_SHOW if rng.random() < 0.03 else Status.COMPLETED
    return Status.CONFIRMED if rng.random() < 0.3 else Status.BOOKED


def appointments(salon: Salon, catalog: Catalog, first_day: date, last_day: date, total: int,
                 now: datetime, seed: str, cancel_rate: float = 0.05) -> list[Appointment]:
    """About `total` appointments over the salon's open days in [first_day, last_day], spread evenly
    over the days and, within a day, over the active staff (each doing only their own services)."""
    rng = random.Random(seed)
    staff: list[Staff] = [s for s in catalog.staff if s.active]
    open_days = [day for day in days(first_day, last_day) if salon.intervals_on(day)]
    clients = [new_id() for _ in range(max(1, int(total * CLIENTS_PER_APPOINTMENT)))]
    result: list[Appointment] = []
    for day_index, (day, quota) in enumerate(zip(open_days, even_quotas(total, len(open_days)))):
        for member, count in zip(staff, spread(quota, len(staff), offset=day_index)):
            own = [s for s in catalog.services if s.active and member.performs(s.id)]
            for service, minute in day_plan(rng, salon, own, day, count):
                start = local_to_utc(day, time(minute // 60, minute % 60), salon.tz)
                if start is None:  # a DST gap: salons are closed at 02:30 anyway
                    continue
                status = _status(rng, start, now, cancel_rate)
                created_at = min(now, start - timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 600)))
                result.append(Appointment(
                    id=new_id(int(created_at.timestamp() * 1000)), salon_id=salon.id, service_id=service.id,
                    staff_id=member.id, client_id=rng.choice(clients), start=start,
                    end=start + timedelta(minutes=service.duration_minutes), buffer_minutes=service.buffer_minutes,
                    status=status, cancelled_by=CancelledBy.CLIENT if status is Status.CANCELLED else None,
                    created_at=created_at,
                ))
    return result
