"""The rules of the client's one-time sign-in codes (pure: `now` is always an argument).

A phone has at most one code at a salon: asking again replaces it. A code lives 10 minutes and
allows 5 tries; a phone gets at most CODES_PER_HOUR codes an hour, counted on the code item
itself, so the limit costs no extra read.
"""
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

CODE_TTL = timedelta(minutes=10)
MAX_TRIES = 5
CODES_PER_HOUR = 5
WINDOW = timedelta(hours=1)
CODE_DIGITS = 6


@dataclass(frozen=True)
class SignInCode:
    salon_id: str
    phone: str  # E.164
    client_id: str | None  # None: nobody here has this phone (no code is sent, the answer is the same)
    code_digest: str  # "" once used
    issued_at: datetime
    expires: datetime
    tries: int
    window_start: datetime
    window_count: int

    def usable(self, now: datetime) -> bool:
        return bool(self.code_digest) and now < self.expires and self.tries < MAX_TRIES

    def tried(self) -> "SignInCode":
        return replace(self, tries=self.tries + 1)

    def used(self) -> "SignInCode":
        return replace(self, code_digest="")


def retry_after(previous: SignInCode | None, now: datetime) -> int | None:
    """Seconds until this phone may ask for another code; None: it may now."""
    if previous is None or now >= previous.window_start + WINDOW or previous.window_count < CODES_PER_HOUR:
        return None
    import math

    return max(1, math.ceil((previous.window_start + WINDOW - now).total_seconds()))


def issued(previous: SignInCode | None, salon_id: str, phone: str, client_id: str | None, code_digest: str,
           now: datetime) -> SignInCode:
    """A new code replacing `previous` (whose hourly count it carries on, or starts anew)."""
    fresh_window = previous is None or now >= previous.window_start + WINDOW
    return SignInCode(
        salon_id=salon_id, phone=phone, client_id=client_id, code_digest=code_digest, issued_at=now,
        expires=now + CODE_TTL, tries=0,
        window_start=now if fresh_window else previous.window_start,
        window_count=1 if fresh_window else previous.window_count + 1,
    )
