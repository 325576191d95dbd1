"""Login throttling: failures are counted per account and per client address, and a subject
that reaches its limit is locked for a while, even for the right password.

The account limit (5) stops guessing one person's password from many addresses; the address
limit (20) stops one address from trying a few passwords on many accounts. It is higher because a
salon's whole front desk shares one address. Unknown emails are counted like real ones, so a lock
says nothing about whether an account exists. A counter starts over when its last failure is
older than the window; a lock resets it. Subjects are stored as HMACs, never as raw emails or
addresses, and expire with DynamoDB's TTL.

The price of a per-account lock: anyone who knows an email can keep that person out, 15 minutes
at a time. The address limit and the audit log (login_locked) make such a campaign visible.
"""
import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..storage.accounts import AccountsRepository, Counter

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Policy:
    limit: int  # failures that lock
    window: timedelta  # a failure is forgotten this long after the last one
    lock: timedelta


POLICIES = {
    ACCOUNT: Policy(5, timedelta(minutes=15), timedelta(minutes=15)),
    ADDRESS: Policy(20, timedelta(minutes=15), timedelta(minutes=15)),
}

Subject = tuple[str, str]  # (scope, digest)


def subjects(key: bytes, email: str, address: str | None) -> list[Subject]:
    return [(ACCOUNT, _digest(key, ACCOUNT, email)), (ADDRESS, _digest(key, ADDRESS, address or "unknown"))]


def locked_until(counters: dict[Subject, Counter], now: datetime) -> datetime | None:
    """The latest running lock among the counters, or None (pure)."""
    running = [c.locked_until for c in counters.values() if c.locked_until is not None and c.locked_until > now]
    return max(running, default=None)


def failed(accounts: AccountsRepository, subs: list[Subject], now: datetime) -> datetime | None:
    """Count a failure for every subject; lock those that reach their limit. Returns the new lock's end."""
    until = None
    for scope, digest in subs:
        policy = POLICIES[scope]
        if accounts.add_failure(scope, digest, now, policy.window) >= policy.limit:
            accounts.lock(scope, digest, now + policy.lock)
            until = max(until or now, now + policy.lock)
    return until


def succeeded(accounts: AccountsRepository, subs: list[Subject], counters: dict[Subject, Counter]) -> None:
    """A right password forgives the account's failures, not the address's: otherwise an attacker
    with one valid account could reset their address's counter between guesses at others."""
    for scope, digest in subs:
        if scope == ACCOUNT and (scope, digest) in counters:
            accounts.clear_counter(scope, digest)


def _digest(key: bytes, scope: str, value: str) -> str:
    mac = hmac.new(key, f"throttle\x00{scope}\x00{value.strip().lower()}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:20]).rstrip(b"=").decode("ascii")
