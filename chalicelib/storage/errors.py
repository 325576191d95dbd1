"""What a transaction can tell the service layer beyond the domain errors."""


class IdempotentReplay(Exception):
    """The Idempotency-Key was used before: the first request's hash, appointment and sealed token."""

    def __init__(self, request_hash: str, appointment, sealed_token: str):
        super().__init__("idempotent replay")
        self.request_hash = request_hash
        self.appointment = appointment
        self.sealed_token = sealed_token


class PhoneTaken(Exception):
    """Another request created the client for this phone first: read it again and retry."""


class OwnerChanged(Exception):
    """The owner a change counted on keeping is no longer an active owner (changed meanwhile)."""
