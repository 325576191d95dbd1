"""The appointment and its state machine.

    awaiting_payment ──► expired ──(paid late, slot still free)──┐
      │   └──(deposit paid)─────────────────────────────────────┤
      │                                                         ▼
    held ──► booked ──► confirmed ──► arrived ──► completed
      │        │  │         │  │          ▲
      │        │  └─────────┼──┴──► no_show (reverted by the owner: arrived)
      └────────┴────────────┴─────► cancelled (by client or salon; a client's is `late` after the cutoff)

`held` is a freed slot offered to a waitlisted client: it keeps its locks until claimed or
expired. `awaiting_payment` is a booking of a service that asks a deposit: it keeps its locks
until the deposit is paid (`booked`) or its time runs out (`expired`, locks released); the client
may also cancel it. Money movements (domain/money.py) are records on the appointment.

Every move not drawn here is refused with IllegalTransition.
"""
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from .errors import IllegalTransition
from .money import Deposit, Movement, MovementKind
from .schedule import Due
from .text import N_, Text
from .values import frozen


class Status(StrEnum):
    HELD = "held"
    AWAITING_PAYMENT = "awaiting_payment"
    EXPIRED = "expired"
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    ARRIVED = "arrived"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# A status as a word inside a refusal ("An appointment that is cancelled cannot be moved."): a Text, so the
# edge translates the word along with the sentence around it.
STATUS_WORDS = {status: Text(word, {}) for status, word in {
    Status.HELD: N_("held"), Status.AWAITING_PAYMENT: N_("awaiting payment"), Status.EXPIRED: N_("expired"),
    Status.BOOKED: N_("booked"), Status.CONFIRMED: N_("confirmed"), Status.ARRIVED: N_("arrived"),
    Status.COMPLETED: N_("completed"), Status.CANCELLED: N_("cancelled"), Status.NO_SHOW: N_("a no-show"),
}.items()}


class CancelledBy(StrEnum):
    CLIENT = "client"
    SALON = "salon"
    OFFER_EXPIRED = "offer_expired"  # a waitlist hold nobody claimed: it never was a booking


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.HELD: frozenset({Status.BOOKED, Status.CANCELLED}),
    Status.AWAITING_PAYMENT: frozenset({Status.BOOKED, Status.EXPIRED, Status.CANCELLED}),
    Status.EXPIRED: frozenset({Status.BOOKED}),  # paid after expiry while the slot was still free
    Status.BOOKED: frozenset({Status.CONFIRMED, Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}),
    Status.CONFIRMED: frozenset({Status.ARRIVED, Status.CANCELLED, Status.NO_SHOW}),
    Status.ARRIVED: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.NO_SHOW: frozenset({Status.ARRIVED}),
}

# Statuses that hold the chair: they keep their slot locks.
HOLDS_SLOT = frozenset({Status.HELD, Status.AWAITING_PAYMENT, Status.BOOKED, Status.CONFIRMED, Status.ARRIVED,
                        Status.COMPLETED})


def _started() -> IllegalTransition:
    return IllegalTransition(N_("This appointment has already started; please call the salon."), "appointment_started")


@frozen
class Appointment:
    id: str
    salon_id: str
    service_id: str
    staff_id: str
    client_id: str
    start: datetime  # UTC
    end: datetime  # UTC, end of the service (without buffer)
    buffer_minutes: int = 0
    status: Status = Status.BOOKED
    late: bool = False
    cancelled_by: CancelledBy | None = None
    notes: str = ""  # what the client wrote when booking
    created_at: datetime | None = None
    due: Due | None = None  # when a sweep must look at it next (reminder, no-show check)
    links: tuple[str, ...] = ()  # SHA-256 digests of the manage links that open it
    waitlist_entry: str | None = None  # a hold: the waitlist entry it was offered to
    deposit: Deposit | None = None  # asked at booking (domain/money.py)
    movements: tuple[Movement, ...] = ()  # every money movement, oldest first
    price: Decimal | None = None  # the service's price when booked (reports' revenue)
    first_visit: bool = False  # booked by a new client (reports: new vs returning)

    @property
    def occupied_until(self) -> datetime:
        return self.end + timedelta(minutes=self.buffer_minutes)

    @property
    def is_active(self) -> bool:
        return self.status in (Status.BOOKED, Status.CONFIRMED)

    def _move(self, to: Status, **changes) -> "Appointment":
        if to not in TRANSITIONS[self.status]:
            raise IllegalTransition(N_("An appointment that is %(status)s cannot become %(wanted)s.",
                                        status=STATUS_WORDS[self.status], wanted=STATUS_WORDS[to]))
        return replace(self, status=to, **changes)

    def confirm(self) -> "Appointment":
        return self._move(Status.CONFIRMED)

    def mark_arrived(self) -> "Appointment":
        return self._move(Status.ARRIVED)

    def complete(self) -> "Appointment":
        return self._move(Status.COMPLETED)

    def mark_no_show(self) -> "Appointment":
        return self._move(Status.NO_SHOW, due=None)

    def revert_no_show(self) -> "Appointment":
        """The owner's correction: the client did come."""
        if self.status is not Status.NO_SHOW:
            raise IllegalTransition(N_("An appointment that is %(status)s is not a no-show.",
                                        status=STATUS_WORDS[self.status]))
        return self._move(Status.ARRIVED)

    def claim(self) -> "Appointment":
        """A waitlisted client takes the slot held for them."""
        return self._move(Status.BOOKED)

    def pay_deposit(self, payment_ref: str | None, now: datetime, due: Due | None) -> "Appointment":
        """The provider says the deposit is paid: the appointment is booked, with its sweep times
        (`due`) and the deposit recorded as a movement."""
        if self.deposit is None:
            raise IllegalTransition(N_("This appointment asks no deposit."))
        if self.deposit.paid:
            raise IllegalTransition(N_("This deposit is already paid."), "already_paid")
        paid = self.deposit.settled(payment_ref, now)
        if not paid.amount:  # a card left on file: nothing was paid
            return self._move(Status.BOOKED, deposit=paid, due=due)
        movement = Movement(MovementKind.DEPOSIT, paid.amount, paid.currency, now, payment_ref, paid.provider)
        return self._move(Status.BOOKED, deposit=paid, due=due, movements=(*self.movements, movement))

    def expire(self) -> "Appointment":
        """Unpaid at the deposit's expiry: the hold is released."""
        return self._move(Status.EXPIRED, due=None)

    def with_movement(self, movement: Movement) -> "Appointment":
        return replace(self, movements=(*self.movements, movement))

    def cancel(self, by: CancelledBy, now: datetime, free_until: datetime) -> "Appointment":
        """A client's cancel after `free_until` is allowed but flagged late; the salon's never is."""
        if by is CancelledBy.CLIENT and now >= self.start:
            raise _started()
        # An unpaid deposit booking dropped by its client cost the salon nothing: never late.
        late = by is CancelledBy.CLIENT and now > free_until and self.status is not Status.AWAITING_PAYMENT
        return self._move(Status.CANCELLED, cancelled_by=by, late=late, due=None)

    def moved_to(self, start: datetime, end: datetime, staff_id: str, now: datetime) -> "Appointment":
        if not self.is_active:
            raise IllegalTransition(N_("An appointment that is %(status)s cannot be moved.",
                                        status=STATUS_WORDS[self.status]))
        if now >= self.start:
            raise _started()
        return replace(self, start=start, end=end, staff_id=staff_id)
