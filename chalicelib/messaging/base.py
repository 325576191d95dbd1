"""What every SMS provider offers, and how an AWS error becomes a retry or a give-up."""
from contextlib import contextmanager
from typing import Protocol, runtime_checkable

from botocore import exceptions


class SendError(Exception):
    """A text that did not go out. `permanent`: sending it again will fail the same way."""

    def __init__(self, reason: str, permanent: bool):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@runtime_checkable
class SmsSender(Protocol):
    def send(self, phone: str, body: str) -> str:
        """Send `body` to the E.164 `phone`; the provider's message id. Raises SendError."""
        ...

    def is_opted_out(self, phone: str) -> bool:
        """True when the number said STOP: texting it again would fail or break the rules."""
        ...


# Error codes worth a later retry, across SNS and End User Messaging. Everything else the
# service refuses (4xx: bad number, opted out, no permission, disabled) fails again as it is.
TRANSIENT_CODES = frozenset({
    "Throttling", "ThrottlingException", "Throttled", "ThrottledException", "TooManyRequestsException",
    "KMSThrottling", "KMSThrottlingException",
    "InternalError", "InternalErrorException", "InternalFailure", "InternalServerException",
    "ServiceUnavailable", "ServiceUnavailableException", "RequestTimeout", "RequestTimeoutException",
})
# No answer at all: refused, timed out, cut. The text may have left, so a retry can duplicate it.
NO_ANSWER = (exceptions.ConnectionError, exceptions.HTTPClientError)


def from_client_error(exc: exceptions.ClientError) -> SendError:
    """Transient for throttling and server faults (5xx, 429), permanent for any other refusal."""
    error = exc.response.get("Error", {})
    code = error.get("Code") or "Unknown"
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
    transient = code in TRANSIENT_CODES or status >= 500 or status == 429
    message = error.get("Message")
    return SendError(f"{code}: {message}" if message else code, permanent=not transient)


@contextmanager
def aws_errors():
    """Turn botocore's exceptions raised inside the block into SendError."""
    try:
        yield
    except exceptions.ClientError as exc:
        raise from_client_error(exc) from exc
    except NO_ANSWER as exc:
        raise SendError(f"{type(exc).__name__}: {exc}", permanent=False) from exc
