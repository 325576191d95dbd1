"""Limits on what anyone may do without an account: the policy (how many, how often, counted per
what) and the arithmetic of fixed windows. Pure: the counters live in storage/rate_store.py, the
guard that charges them in services/rate_limit.py.

Windows are fixed and aligned to the epoch (a minute, an hour, a UTC day): one counter item per
subject and window, one atomic `ADD 1` with the condition `count < max`. A sliding window would
need a read or several items per check; a fixed window lets a burst of at most twice a limit
straddle a boundary, which the limits below allow for.
"""
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import RateLimited

# Who a request is counted against.
ADDRESS = "address"  # the caller's source IP as API Gateway saw it
PHONE = "phone"  # the phone a request names, within one salon
LINK = "link"  # a manage link (stands for its booking's phone: one booking, one phone)
SALON = "salon"  # everything the public does at one salon

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Limit:
    scope: str
    max: int  # requests allowed in one window
    window: timedelta


@dataclass(frozen=True)
class Policy:
    action: str  # counters of different actions never mix
    limits: tuple[Limit, ...]


# Public writes: book, cancel, move, join the waitlist. A burst of 30 a minute from one address
# (a race for one slot, a salon's shared Wi-Fi) is well inside the address's 60; a person books,
# moves or cancels a handful of times an hour, a salon's busiest hour stays under 200.
PUBLIC_WRITE = Policy("write", (
    Limit(ADDRESS, 60, MINUTE),
    Limit(ADDRESS, 300, HOUR),
    Limit(PHONE, 10, HOUR),
    Limit(PHONE, 20, DAY),
    Limit(LINK, 10, HOUR),
    Limit(LINK, 20, DAY),
    Limit(SALON, 200, HOUR),
    Limit(SALON, 1000, DAY),
))


# The client's area: asking for a sign-in code sends a text, so it is counted like a public write
# and more tightly per phone (the code item itself also allows 5 an hour); checking a code is
# counted per address and salon (the code item allows 5 tries), so nobody tries codes across
# many phones from one place. Known and unknown phones are counted alike.
SIGN_IN = Policy("sign_in", (
    Limit(ADDRESS, 10, MINUTE),
    Limit(ADDRESS, 60, HOUR),
    Limit(PHONE, 10, DAY),
    Limit(SALON, 100, HOUR),
    Limit(SALON, 500, DAY),
))
SIGN_IN_VERIFY = Policy("sign_in_verify", (
    Limit(ADDRESS, 30, MINUTE),
    Limit(ADDRESS, 120, HOUR),
    Limit(SALON, 300, HOUR),
))


@dataclass(frozen=True)
class Charge:
    """One counter to add 1 to: a subject's count in one window of one limit."""

    action: str
    scope: str
    subject: str  # the raw subject (an address, "salon\0phone", a link digest): storage hashes it
    window: timedelta
    window_start: datetime
    max: int
    at: datetime  # when the request came: a refusal's Retry-After counts from here

    @property
    def window_end(self) -> datetime:
        return self.window_start + self.window


def window_start(now: datetime, window: timedelta) -> datetime:
    periods = (now - _EPOCH) // window
    return _EPOCH + periods * window


def charges(policy: Policy, subjects: dict[str, str], now: datetime) -> list[Charge]:
    """The counters one request adds to: every limit whose scope the request has a subject for."""
    return [Charge(policy.action, limit.scope, subjects[limit.scope], limit.window,
                   window_start(now, limit.window), limit.max, now)
            for limit in policy.limits if subjects.get(limit.scope)]


def retry_after_seconds(charge: Charge) -> int:
    """Whole seconds from the request until the refusing window ends (at least 1)."""
    return max(1, math.ceil((charge.window_end - charge.at).total_seconds()))


def refused(charge: Charge) -> RateLimited:
    return RateLimited(retry_after_seconds(charge), charge.scope)
