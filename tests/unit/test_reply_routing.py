"""Which salon an SMS reply is for (domain/replies.py): what it answers, never a guess."""
from datetime import UTC, datetime, timedelta

from chalicelib.domain.replies import REPLY_WINDOW, ReplyRoute, route_reply

NOW = datetime(2026, 4, 14, 16, 30, tzinfo=UTC)
TOMORROW = NOW + timedelta(hours=16)


def wrote(salon: str, minutes_ago: int = 10, asks_until: datetime | None = None) -> ReplyRoute:
    return ReplyRoute(salon, NOW - timedelta(minutes=minutes_ago), "appt-" + salon if asks_until else None,
                      asks_until, asks_until)


def test_a_yes_answers_the_one_open_question_even_when_another_salon_wrote_later():
    routing = route_reply([wrote("a", 30, asks_until=TOMORROW), wrote("b", 1)], "confirm", NOW)
    assert routing.answers.salon_id == "a" and routing.salon_ids == ("a",) and not routing.ambiguous


def test_two_open_questions_make_a_no_ambiguous():
    routing = route_reply([wrote("a", asks_until=TOMORROW), wrote("b", asks_until=TOMORROW)], "cancel", NOW)
    assert routing.answers is None and routing.ambiguous and set(routing.salon_ids) == {"a", "b"}


def test_a_closed_question_is_answered_by_nothing():
    routing = route_reply([wrote("a", asks_until=NOW)], "confirm", NOW)
    assert routing.answers is None and routing.salon_ids == ("a",) and not routing.ambiguous


def test_other_texts_go_to_every_salon_that_wrote_recently_newest_first():
    old = ReplyRoute("old", NOW - REPLY_WINDOW - timedelta(minutes=1))
    routing = route_reply([wrote("a", 60), wrote("b", 5), old], "stop", NOW)
    assert routing.salon_ids == ("b", "a") and routing.answers is None
    assert route_reply([old], None, NOW).salon_ids == ()
