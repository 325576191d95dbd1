"""Money on an appointment: deposit rules, the deposit itself, and every movement (deposit, fee,
charge, refund, cash at the desk, waived). Amounts are integers in the currency's minor units
(cents), never floats; the salon's settings speak in decimal text ("20.00") at the edges only.
"""
from dataclasses import replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from .errors import InvalidRequest
from .text import N_
from .values import frozen

# ISO 4217 exponents that are not 2 (the salons' currencies are all 2: EUR, PLN, BRL, RUB, GBP...).
_EXPONENT = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "HUF": 2, "BHD": 3, "KWD": 3, "JOD": 3, "TND": 3}
MAX_AMOUNT_MINOR = 10_000_000  # 100,000.00: anything above is a typo, not a deposit


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


def to_minor(amount: Decimal | str, currency: str) -> int:
    """Decimal text or Decimal -> minor units; refuses negatives and more decimals than the currency has."""
    try:
        value = Decimal(str(amount).strip())
    except InvalidOperation as exc:
        raise InvalidRequest(N_("'%(amount)s' is not an amount like 20.00.", amount=amount)) from exc
    if not value.is_finite() or value < 0:
        raise InvalidRequest(N_("'%(amount)s' is not an amount like 20.00.", amount=amount))
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise InvalidRequest(N_("%(currency)s amounts have at most %(decimals)s decimals ('%(amount)s').",
                                currency=currency, decimals=exponent(currency), amount=amount))
    minor = int(scaled)
    if minor > MAX_AMOUNT_MINOR:
        raise InvalidRequest(N_("'%(amount)s' is more than any deposit or fee this app takes.", amount=amount))
    return minor


def format_amount(minor: int, currency: str) -> str:
    """1234, EUR -> '12.34' (the API's and the pages' form)."""
    places = exponent(currency)
    return f"{Decimal(minor).scaleb(-places):.{places}f}"


class DepositKind(StrEnum):
    NONE = "none"
    FIXED = "fixed"  # `value` in minor units
    PERCENT = "percent"  # `value` in percent of the service's price, 1..100


@frozen
class DepositRule:
    """What a service asks before it is booked online."""

    kind: DepositKind = DepositKind.NONE
    value: int = 0

    def __post_init__(self):
        if self.kind is DepositKind.PERCENT and not 1 <= self.value <= 100:
            raise InvalidRequest(N_("A deposit percentage is between 1 and 100."))
        if self.kind is DepositKind.FIXED and not 1 <= self.value <= MAX_AMOUNT_MINOR:
            raise InvalidRequest(N_("A fixed deposit is more than zero."))

    def amount(self, price: Decimal, currency: str) -> int:
        """The deposit in minor units; 0 when the service asks none. Percent rounds half up to a cent."""
        if self.kind is DepositKind.FIXED:
            return self.value
        if self.kind is DepositKind.PERCENT:
            minor = Decimal(to_minor(price, currency)) * self.value / 100
            return int(minor.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return 0


class CardOnFile(StrEnum):
    """When a salon asks a client to leave a card (setup-mode checkout) before booking online."""

    NEVER = "never"
    AFTER_WARNING = "after_warning"  # once the no-show ladder has warned the client
    ALWAYS = "always"


class MovementKind(StrEnum):
    DEPOSIT = "deposit"  # paid online at booking
    FEE = "fee"  # a late-cancel or no-show fee the client owes
    CHARGE = "charge"  # a fee collected from the card on file
    REFUND = "refund"  # money given back (a deposit on a timely cancel, or by hand)
    CASH = "cash"  # paid at the desk
    WAIVED = "waived"  # the salon let it go


# How each kind moves what the client owes for the appointment.
_OWED_SIGN = {MovementKind.FEE: 1, MovementKind.REFUND: 1, MovementKind.DEPOSIT: -1, MovementKind.CHARGE: -1,
              MovementKind.CASH: -1, MovementKind.WAIVED: -1}


@frozen
class Movement:
    kind: MovementKind
    amount: int  # minor units, always positive: the kind says which way it goes
    currency: str
    at: datetime  # UTC
    reference: str | None = None  # the provider's id (payment intent, refund, charge)
    provider: str | None = None  # stripe | local; None for the desk and the owner's decisions

    def __post_init__(self):
        if self.amount <= 0:
            raise InvalidRequest(N_("A money movement has a positive amount."))


def owed(movements: tuple[Movement, ...]) -> int:
    """What the client owes for one appointment. Without a fee, a deposit pays toward the
    treatment at the desk and nothing is owed; with one, the deposit is kept toward it and only
    the rest (after charges, cash and waivers, plus what was refunded) is owed. Never negative:
    an overpayment is for the owner to refund by hand."""
    if not any(m.kind is MovementKind.FEE for m in movements):
        return 0
    return max(0, sum(_OWED_SIGN[m.kind] * m.amount for m in movements))


def paid_in(movements: tuple[Movement, ...]) -> int:
    """Money the salon holds for the appointment (paid in, less refunds): the most it can refund."""
    taken = sum(m.amount for m in movements if m.kind in (MovementKind.DEPOSIT, MovementKind.CHARGE))
    return taken - sum(m.amount for m in movements if m.kind is MovementKind.REFUND)


@frozen
class Deposit:
    """The deposit an `awaiting_payment` appointment waits for, and, once paid, its references."""

    amount: int
    currency: str
    expires_at: datetime  # UTC: unpaid then, the hold is released
    provider: str
    checkout_ref: str | None = None  # the provider's checkout (session) id
    url: str | None = None  # where the client pays
    payment_ref: str | None = None  # the provider's payment (intent) id, once paid
    paid_at: datetime | None = None

    @property
    def paid(self) -> bool:
        return self.paid_at is not None

    def settled(self, payment_ref: str | None, now: datetime) -> "Deposit":
        return replace(self, payment_ref=payment_ref, paid_at=now)


@frozen
class SavedCard:
    """A client's card on file at the provider (we keep only the provider's ids, never card data)."""

    provider: str
    customer: str
    payment_method: str
    saved_at: datetime


class JobKind(StrEnum):
    REFUND = "refund"  # give back `amount` of the payment `payment_ref`
    CHARGE = "charge"  # take `amount` from the client's card on file, off-session


class JobStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"  # a worker holds it until `lease_until`
    DONE = "done"
    FAILED = "failed"  # declined or needs the client: the owner sees why


@frozen
class PaymentJob:
    """A refund or a charge, written before the provider is called (like an outbox message): a
    worker claims it, calls the provider with an idempotency key of the job and its attempt, and
    records the outcome and the movement in one transaction, so a retry never pays out twice."""

    id: str
    kind: JobKind
    salon_id: str
    appointment_id: str
    appointment_start: datetime
    client_id: str
    amount: int
    currency: str
    provider: str
    created_at: datetime
    payment_ref: str | None = None  # refunds: the payment to refund
    customer: str | None = None  # charges: the card on file
    payment_method: str | None = None
    status: JobStatus = JobStatus.PENDING
    attempt: int = 1  # a new attempt (the owner retries a failed charge) gets a new idempotency key
    claim_id: str | None = None
    lease_until: datetime | None = None
    result_ref: str | None = None  # the provider's refund or payment id
    reason: str | None = None  # why it failed: declined, authentication_required...
    checkout_ref: str | None = None  # a charge the client must authenticate: the checkout sent to them

    @property
    def idempotency_key(self) -> str:
        return f"{self.id}-{self.attempt}"

    @property
    def next_attention(self) -> datetime | None:
        """When a sweep must look at it: now while pending, at the lease's end while claimed."""
        if self.status is JobStatus.PENDING:
            return self.created_at
        if self.status is JobStatus.CLAIMED:
            return self.lease_until
        return None
