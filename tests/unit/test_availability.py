"""Availability rules, evaluated in the salon's local time."""
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from chalicelib.domain.availability import busy_blocks, free_slots, is_offered, why_not_offered
from chalicelib.domain.catalog import Catalog, Staff, TimeOff
from chalicelib.domain.salon import parse_weekly_hours
from tests.builders import CATALOG, COLOR, GIULIA, HAIRCUT, MARCO, at, local_times, salon

TUESDAY = date(2026, 3, 24)
MONDAY_NIGHT = datetime(2026, 3, 23, 20, 0, tzinfo=UTC)  # far from any notice limit


def slots(day=TUESDAY, service=COLOR, now=MONDAY_NIGHT, booked=None, staff_id="giulia", the_salon=None,
          catalog=CATALOG, last=None):
    return free_slots(the_salon or salon(), catalog, service, day, last or day, now, booked or {}, staff_id)


def test_a_day_runs_from_opening_to_the_last_start_that_fits_before_each_break():
    times = local_times(slots())
    assert times[0] == "09:00"
    assert "12:00" in times and "12:15" not in times  # 60 min must end by the 13:00 break
    assert "13:00" not in times and "14:00" in times
    assert times[-1] == "18:00"
    assert len(times) == len(set(times)) == 13 + 17


def test_starts_follow_the_salon_grid():
    assert all(t[-2:] in ("00", "15", "30", "45") for t in local_times(slots()))
    thirty = salon(slot_minutes=30)
    assert all(t[-2:] in ("00", "30") for t in local_times(slots(the_salon=thirty)))


def test_closed_weekdays_and_closed_dates_have_no_slots():
    assert slots(day=date(2026, 3, 29)) == []  # Sunday
    assert slots(day=date(2026, 3, 30)) == []  # Monday
    assert slots(the_salon=salon(closed_dates=frozenset({TUESDAY}))) == []


def test_minimum_notice_hides_the_next_hour():
    now = at(TUESDAY, "09:50")
    assert local_times(slots(now=now))[0] == "11:00"  # 10:50 rounded up to the grid


def test_past_days_and_days_beyond_the_horizon_are_empty():
    assert slots(day=date(2026, 3, 17)) == []
    assert slots(day=TUESDAY + timedelta(days=61)) == []
    assert slots(day=date(2026, 5, 19)) != []  # 57 days ahead


def test_an_existing_appointment_and_its_buffer_block_overlapping_starts():
    # A 60-minute colour at 10:00 with 15 minutes of buffer occupies 10:00-11:15.
    booked = busy_blocks([("giulia", at(TUESDAY, "10:00"), at(TUESDAY, "11:15"))])
    times = local_times(slots(booked=booked))
    assert "09:00" not in times  # its own buffer (until 10:15) would reach into 10:00
    assert "10:00" not in times and "11:00" not in times and "11:15" in times
    cuts = local_times(slots(booked=booked, service=HAIRCUT))
    assert "09:30" in cuts and "09:45" not in cuts and "11:15" in cuts


def test_a_busy_staff_member_does_not_hide_the_other():
    booked = busy_blocks([("giulia", at(TUESDAY, "10:00"), at(TUESDAY, "11:15"))])
    marco = slots(booked=booked, staff_id="marco")
    assert "10:00" in local_times(marco)


def test_any_staff_merges_to_one_slot_per_time_and_prefers_the_free_one():
    booked = busy_blocks([("giulia", at(TUESDAY, "10:00"), at(TUESDAY, "11:15"))])
    merged = slots(booked=booked, staff_id=None)
    times = local_times(merged)
    assert len(times) == len(set(times))
    ten = next(s for s in merged if local_times([s]) == ["10:00"])
    assert ten.staff_id == "marco"
    assert merged == sorted(merged, key=lambda s: s.start)


def test_any_staff_spreads_load_to_the_less_busy_specialist():
    booked = busy_blocks([("giulia", at(TUESDAY, "15:00"), at(TUESDAY, "17:00"))])
    nine = slots(booked=booked, staff_id=None)[0]
    assert local_times([nine]) == ["09:00"] and nine.staff_id == "marco"


def test_staff_hours_are_clipped_to_the_salons():
    mornings = replace(GIULIA, hours=parse_weekly_hours({"tue": ["07:00-12:00"]}))
    catalog = Catalog(CATALOG.services, (mornings, MARCO))
    times = local_times(slots(catalog=catalog))
    assert times[0] == "09:00" and times[-1] == "11:00"


def test_time_off_removes_overlapping_starts():
    away = replace(GIULIA, time_off=(TimeOff(datetime(2026, 3, 24, 12, 0), datetime(2026, 3, 24, 16, 0)),))
    times = local_times(slots(catalog=Catalog(CATALOG.services, (away, MARCO))))
    assert "11:00" in times and "11:15" not in times and "15:45" not in times and "16:00" in times


def test_staff_who_do_not_perform_the_service_are_never_offered():
    only_cuts = Staff("anna", "Anna", ("haircut",))
    catalog = Catalog(CATALOG.services, (only_cuts,))
    assert slots(catalog=catalog, staff_id=None) == []
    assert slots(catalog=catalog, staff_id=None, service=HAIRCUT) != []


def test_is_offered_agrees_with_the_slot_list():
    offered = {s.start for s in slots()}
    for minute in range(0, 24 * 60, 5):
        start = at(TUESDAY, "00:00") + timedelta(minutes=minute)
        assert is_offered(salon(), COLOR, GIULIA, start, MONDAY_NIGHT) == (start in offered)


def test_why_not_offered_explains_past_notice_horizon_and_closed():
    the_salon = salon()
    now = at(TUESDAY, "10:00")
    assert "past" in why_not_offered(the_salon, at(TUESDAY, "09:00"), now)
    assert "notice" in why_not_offered(the_salon, at(TUESDAY, "10:30"), now)
    assert "days ahead" in why_not_offered(the_salon, now + timedelta(days=90), now)
    assert "grid" in why_not_offered(the_salon, at(TUESDAY, "13:30"), now)
