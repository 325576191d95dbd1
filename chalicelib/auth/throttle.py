"""Login throttling: failures are counted per account and per client address, and a subject
that reaches its limit is locked for a while, even for the right password.

The account limit (5) stops guessing one person's password from many addresses; the address
limit (20) stops one address from trying a few passwords on many accounts. It is higher because a
salon's whole front desk shares one address. Unknown emails are counted like real ones, so a lock
says nothing about whether an account exists. Every attempt is counted before its password is
checked (a conditional UpdateItem that refuses once the limit is reached), so parallel guesses
cannot share one reading of the counter; a right password then gives its attempt back. A counter
starts over when its last attempt is older than the window; a lock resets it. Subjects are
stored as HMACs, never as raw emails or addresses, and expire with DynamoDB's TTL.

The price of a per-account lock: anyone who knows an email can keep that person out, 15 minutes
at a time. The address limit and the audit log (login_locked) make such a campaign visible.
"""
import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..storage.accounts import AccountsRepository, Reservation

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


@dataclass(frozen=True)
class Attempt:
    """One password check, counted against every subject before it runs."""

    reserved: dict[Subject, Reservation]  # subject -> the attempt as counted there
    refused_until: datetime | None = None  # set: refused, no password may be checked


def reserve(accounts: AccountsRepository, subs: list[Subject], now: datetime) -> Attempt:
    """Count the attempt first (one conditional UpdateItem per subject), and only then may the
    password be checked: N parallel guesses get at most `limit` checks, never N. The address is
    counted first, so a refused account does not spend the address's count, and a refused address
    never touches the account's."""
    reserved: dict[Subject, Reservation] = {}
    for scope, digest in sorted(subs, key=lambda s: s[0] != ADDRESS):
        policy = POLICIES[scope]
        reservation = accounts.reserve_attempt(scope, digest, now, policy.limit, policy.window)
        if reservation.count is None:
            for (earlier_scope, earlier_digest), earlier in reserved.items():
                accounts.release_attempt(earlier_scope, earlier_digest, earlier)
            return Attempt({}, reservation.refused_until)
        reserved[(scope, digest)] = reservation
    return Attempt(reserved)


def failed(accounts: AccountsRepository, attempt: Attempt, now: datetime) -> datetime | None:
    """The password was wrong: the attempt stays counted; a subject whose limit it reached is
    locked (the count had already stopped further checks), unless attempts given back since
    (right passwords, refused attempts) brought it below the limit: parallel attempts in flight
    must not lock an address that had few failures. Returns the new lock's end, if any."""
    until = None
    for (scope, digest), reservation in attempt.reserved.items():
        policy = POLICIES[scope]
        if reservation.count >= policy.limit and accounts.lock(scope, digest, now + policy.lock, policy.limit):
            until = max(until or now, now + policy.lock)
    return until


def succeeded(accounts: AccountsRepository, attempt: Attempt) -> None:
    """A right password forgives the account's failures, not the address's: otherwise an attacker
    with one valid account could reset their address's counter between guesses at others. The
    address gets back only this attempt, so a salon's front desk signing in all day is never locked."""
    for (scope, digest), reservation in attempt.reserved.items():
        if scope == ACCOUNT:
            accounts.clear_counter(scope, digest)
        else:
            accounts.release_attempt(scope, digest, reservation)


def _digest(key: bytes, scope: str, value: str) -> str:
    mac = hmac.new(key, f"throttle\x00{scope}\x00{value.strip().lower()}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:20]).rstrip(b"=").decode("ascii")
