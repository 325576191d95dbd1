"""Domain errors. Each carries a stable `code`; the API maps codes to HTTP statuses in one place."""
import math

from .text import ngettext


class DomainError(Exception):
    code = "domain_error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidRequest(DomainError):
    code = "invalid_request"


class InvalidPhone(DomainError):
    code = "invalid_phone"


class NotFound(DomainError):
    code = "not_found"


class SlotNotOffered(DomainError):
    code = "slot_not_offered"

    def __init__(self, message: str, reason: str = "other", **values):
        super().__init__(message)
        self.reason = reason  # past | notice | horizon | other: pages say it in the salon's language
        self.values = values  # the numbers the message names: notice (minutes), horizon (days)


class SlotTaken(DomainError):
    code = "slot_taken"


class BookingRestricted(DomainError):
    code = "booking_restricted"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"


class PaymentUnavailable(DomainError):
    """The payment provider could not be reached: nothing was booked or charged; try again."""

    code = "payment_unavailable"


class RateLimited(DomainError):
    code = "rate_limited"

    def __init__(self, retry_after: int, scope: str = ""):
        minutes = math.ceil(retry_after / 60)
        if retry_after < 120:
            message = ngettext("Too many requests. Please wait %(num)s second and try again, or call the salon.",
                               "Too many requests. Please wait %(num)s seconds and try again, or call the salon.",
                               retry_after)
        else:
            message = ngettext("Too many requests. Please wait %(num)s minute and try again, or call the salon.",
                               "Too many requests. Please wait %(num)s minutes and try again, or call the salon.",
                               minutes)
        super().__init__(message)
        self.retry_after = retry_after
        self.values = {"minutes": minutes}  # pages say the wait in the salon's language
        self.scope = scope  # which kind of limit refused (for logs and metrics, never shown)
