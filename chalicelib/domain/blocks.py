"""Slot lock blocks: the fixed UTC grid on which bookings collide.

An appointment occupies every 15-minute block that [start, end + buffer) touches. Booking
writes one lock item per block with `attribute_not_exists`, so two overlapping bookings of
any lengths share at least one block and only one transaction can win. Availability uses the
same function, so what it offers is exactly what a booking can lock.
"""
from datetime import datetime, timedelta

from .clock import UTC

BLOCK_MINUTES = 15
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def block_indexes(start: datetime, end: datetime) -> range:
    first = int((start - _EPOCH).total_seconds()) // 60 // BLOCK_MINUTES
    end_minutes = -(-int((end - _EPOCH).total_seconds()) // 60)  # ceil
    last = -(-end_minutes // BLOCK_MINUTES)
    return range(first, max(last, first + 1))


def block_starts(start: datetime, end: datetime) -> list[datetime]:
    return [_EPOCH + timedelta(minutes=i * BLOCK_MINUTES) for i in block_indexes(start, end)]
