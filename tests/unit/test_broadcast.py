"""The broadcast's pure rules: the pace inside the sending window, a segment as stored, the cursor."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from chalicelib.domain.broadcast import PER_MINUTE, Broadcast, BroadcastStatus, Segment, SegmentKind, spread

ROME = ZoneInfo("Europe/Rome")
NINE, EIGHT_PM = time(9), time(20)


def test_the_pace_counts_only_minutes_inside_the_window_across_a_dst_change():
    saturday_evening = datetime(2026, 3, 28, 18, 59, tzinfo=UTC)  # 19:59 in Rome; clocks go forward that night
    assert spread(saturday_evening, PER_MINUTE - 1, ROME, NINE, EIGHT_PM) == saturday_evening
    sunday_opening = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert spread(saturday_evening, PER_MINUTE, ROME, NINE, EIGHT_PM) == sunday_opening
    assert spread(saturday_evening, 3 * PER_MINUTE, ROME, NINE, EIGHT_PM) == sunday_opening + timedelta(minutes=2)


def test_a_start_outside_the_window_waits_for_its_opening():
    night = datetime(2026, 4, 14, 22, 0, tzinfo=UTC)
    assert spread(night, 0, ROME, NINE, EIGHT_PM) == datetime(2026, 4, 15, 7, 0, tzinfo=UTC)


def test_a_segment_is_stored_and_read_back_the_same():
    for segment in (Segment(SegmentKind.MARKETING), Segment(SegmentKind.SERVICE, service_id="color", days=90),
                    Segment(SegmentKind.LAPSED, days=60), Segment(SegmentKind.DATE, day=date(2026, 4, 15))):
        assert Segment.from_dict(segment.as_dict()) == segment
    assert not Segment(SegmentKind.DATE, day=date(2026, 4, 15)).marketing and Segment(SegmentKind.LAPSED).marketing


def test_each_page_moves_the_cursor_and_adds_its_counts():
    now = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)
    broadcast = Broadcast("01B", "demo", "Hi", Segment(SegmentKind.MARKETING), now, "user")
    first = broadcast.advanced("client-099", 95, {"no_consent": 4}, now, done=False)
    last = first.advanced("client-150", 40, {"no_consent": 1, "opted_out": 2}, now + timedelta(hours=1), done=True)
    assert (last.cursor, last.queued, last.skipped) == ("client-150", 135, {"no_consent": 5, "opted_out": 2})
    assert last.first_send_at == now and last.status is BroadcastStatus.QUEUED
    assert first.status is BroadcastStatus.ENQUEUING and broadcast.message_id("c1") == "01B-c1"
