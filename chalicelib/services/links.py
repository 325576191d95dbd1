"""A link's token to its appointment: the manage link (manage.py) and the waitlist's claim link
(waitlist_offers.py) are found the same way, here, so neither module reaches into the other."""
from datetime import datetime

from ..domain.appointment import Appointment
from ..domain.errors import NotFound
from ..domain.ids import token_hash

MAX_TOKEN_LENGTH = 128


def link_digest(token: str) -> str | None:
    """The stored hash of a link's token; None for a token no link can have (empty or too long)."""
    return token_hash(token) if 0 < len(token) <= MAX_TOKEN_LENGTH else None


def link_not_found() -> NotFound:
    # An expired link answers exactly as an unknown one: nothing tells a guesser which it was.
    return NotFound("This booking link is not valid. Check the link in your confirmation.", "booking_not_found")


def find_by_link(repo, token: str, now: datetime) -> tuple[Appointment, str]:
    """The appointment a live link points to, and the link's digest; NotFound otherwise."""
    digest = link_digest(token)
    appt = repo.appointment_for_token(digest, now) if digest else None
    if appt is None:
        raise link_not_found()
    return appt, digest
