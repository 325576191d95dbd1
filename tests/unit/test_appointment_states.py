"""The appointment state machine: every legal move works, every other one is refused."""
from datetime import UTC, datetime, timedelta
from itertools import product

import pytest

from chalicelib.domain.appointment import TRANSITIONS, Appointment, CancelledBy, Status
from chalicelib.domain.errors import IllegalTransition

START = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)
BEFORE = START - timedelta(days=2)


def appointment(status: Status) -> Appointment:
    return Appointment("a1", "demo", "color", "giulia", "c1", START, START + timedelta(hours=1), 15, status)


def move(appt: Appointment, to: Status) -> Appointment:
    if to is Status.BOOKED:
        return appt.claim()
    if to is Status.HELD:
        raise IllegalTransition("nothing becomes held: a hold is created as such")
    if to is Status.CONFIRMED:
        return appt.confirm()
    if to is Status.ARRIVED:
        return appt.mark_arrived()
    if to is Status.COMPLETED:
        return appt.complete()
    if to is Status.NO_SHOW:
        return appt.mark_no_show()
    return appt.cancel(CancelledBy.SALON, BEFORE, START - timedelta(hours=24))


# Sorted: TRANSITIONS holds frozensets, whose order changes with the process's hash seed, and
# pytest-xdist needs every worker to collect the same tests in the same order.
LEGAL = sorted(((a, b) for a, targets in TRANSITIONS.items() for b in targets),
               key=lambda pair: (pair[0].value, pair[1].value))
ILLEGAL = [(a, b) for a, b in product(Status, Status) if b not in TRANSITIONS[a]]


def test_the_happy_path_is_booked_confirmed_arrived_completed():
    appt = appointment(Status.BOOKED).confirm().mark_arrived().complete()
    assert appt.status is Status.COMPLETED


@pytest.mark.parametrize(("before", "after"), LEGAL)
def test_every_legal_transition_moves_the_status(before, after):
    assert move(appointment(before), after).status is after


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_every_illegal_transition_is_refused(before, after):
    with pytest.raises(IllegalTransition):
        move(appointment(before), after)


def test_terminal_states_allow_nothing():
    for status in (Status.COMPLETED, Status.CANCELLED):
        assert TRANSITIONS[status] == frozenset()


def test_a_no_show_can_only_be_reverted_to_arrived():
    assert TRANSITIONS[Status.NO_SHOW] == {Status.ARRIVED}
    assert appointment(Status.NO_SHOW).revert_no_show().status is Status.ARRIVED
    with pytest.raises(IllegalTransition):
        appointment(Status.BOOKED).revert_no_show()


def test_a_hold_is_claimed_or_released():
    assert appointment(Status.HELD).claim().status is Status.BOOKED
    released = appointment(Status.HELD).cancel(CancelledBy.SALON, BEFORE, START)
    assert released.status is Status.CANCELLED and not released.late
    with pytest.raises(IllegalTransition):
        appointment(Status.BOOKED).claim()


def test_client_cancel_before_cutoff_is_free():
    cutoff = START - timedelta(hours=24)
    cancelled = appointment(Status.BOOKED).cancel(CancelledBy.CLIENT, cutoff - timedelta(minutes=1), cutoff)
    assert cancelled.status is Status.CANCELLED and cancelled.late is False
    assert cancelled.cancelled_by is CancelledBy.CLIENT


def test_late_cancel_is_allowed_but_flagged():
    cutoff = START - timedelta(hours=24)
    cancelled = appointment(Status.CONFIRMED).cancel(CancelledBy.CLIENT, cutoff + timedelta(minutes=1), cutoff)
    assert cancelled.status is Status.CANCELLED and cancelled.late is True


def test_salon_cancel_is_never_late():
    cutoff = START - timedelta(hours=24)
    cancelled = appointment(Status.BOOKED).cancel(CancelledBy.SALON, START - timedelta(minutes=5), cutoff)
    assert cancelled.late is False and cancelled.cancelled_by is CancelledBy.SALON


def test_client_cannot_cancel_once_started():
    with pytest.raises(IllegalTransition) as error:
        appointment(Status.BOOKED).cancel(CancelledBy.CLIENT, START, START - timedelta(hours=24))
    assert error.value.code == "appointment_started"


def test_only_active_appointments_can_be_moved():
    new_start = START + timedelta(days=1)
    moved = appointment(Status.CONFIRMED).moved_to(new_start, new_start + timedelta(hours=1), "marco", BEFORE)
    assert (moved.start, moved.staff_id, moved.status) == (new_start, "marco", Status.CONFIRMED)
    with pytest.raises(IllegalTransition):
        appointment(Status.CANCELLED).moved_to(new_start, new_start + timedelta(hours=1), "marco", BEFORE)
    with pytest.raises(IllegalTransition):
        appointment(Status.BOOKED).moved_to(new_start, new_start + timedelta(hours=1), "marco", START)
