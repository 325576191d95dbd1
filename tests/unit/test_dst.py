"""Daylight-saving days: 23-hour and 25-hour days in every zone the design names."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.availability import free_slots
from tests.builders import CATALOG, COLOR, HAIRCUT, every_day, local_times, salon

# (zone, spring-forward day, fall-back day); zones without DST keep an ordinary day.
ZONES = [
    ("Europe/Rome", date(2026, 3, 29), date(2026, 10, 25)),
    ("Europe/Warsaw", date(2026, 3, 29), date(2026, 10, 25)),
    ("Europe/Lisbon", date(2026, 3, 29), date(2026, 10, 25)),
    ("Europe/Madrid", date(2026, 3, 29), date(2026, 10, 25)),
    ("America/Sao_Paulo", date(2026, 3, 29), date(2026, 10, 25)),  # no DST since 2019
    ("Europe/Moscow", date(2026, 3, 29), date(2026, 10, 25)),  # no DST since 2014
]


def day_slots(zone: str, day: date, hours: dict, service=COLOR):
    the_salon = salon(zone, hours=hours)
    now = datetime.combine(day - timedelta(days=2), datetime.min.time(), UTC)
    return free_slots(the_salon, CATALOG, service, day, day, now, {}, "giulia")


def day_length_hours(zone: str, day: date) -> float:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, datetime.min.time(), tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tz)
    return (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() / 3600


@pytest.mark.parametrize(("zone", "spring", "autumn"), ZONES)
def test_the_salon_opens_at_nine_local_on_dst_days(zone, spring, autumn):
    for day in (spring, autumn):
        slots = day_slots(zone, day, every_day("09:00-13:00", "14:00-19:00"))
        times = local_times(slots, zone)
        assert times[0] == "09:00" and times[-1] == "18:00"
        assert len(times) == len(set(times)) == 30
        for slot in slots:  # a 60-minute service lasts 60 real minutes
            assert slot.end - slot.start == timedelta(minutes=60)


@pytest.mark.parametrize(("zone", "spring", "autumn"), ZONES)
def test_night_hours_skip_the_gap_and_never_repeat(zone, spring, autumn):
    night = every_day("00:00-06:00")
    spring_times = local_times(day_slots(zone, spring, night, HAIRCUT), zone)
    autumn_slots = day_slots(zone, autumn, night, HAIRCUT)
    autumn_times = local_times(autumn_slots, zone)
    assert len(spring_times) == len(set(spring_times))
    assert len(autumn_times) == len(set(autumn_times))
    assert len({s.start for s in autumn_slots}) == len(autumn_slots)
    assert spring_times == sorted(spring_times)
    if day_length_hours(zone, spring) == 23:
        gap_hour = {"Europe/Lisbon": "01"}.get(zone, "02")
        assert not any(t.startswith(gap_hour) for t in spring_times)
    if day_length_hours(zone, autumn) == 25:
        repeated = {"Europe/Lisbon": "01"}.get(zone, "02")
        assert sum(t == f"{repeated}:00" for t in autumn_times) == 1


def test_the_zones_really_have_short_and_long_days():
    assert day_length_hours("Europe/Rome", date(2026, 3, 29)) == 23
    assert day_length_hours("Europe/Rome", date(2026, 10, 25)) == 25
    assert day_length_hours("Europe/Moscow", date(2026, 3, 29)) == 24
