"""The client's sign-in to their area at a salon: a one-time code over their channel, then a session.

No passwords. Asking for a code answers the same whether or not the phone is known here: an
unknown phone gets a code item too (nothing is sent), and makes the same DynamoDB requests in
the same order as a known one, so the limits, the answer and its cost are identical. Codes are
stored as an HMAC (the app's signing key, salon, phone, issue time and code); they live 10
minutes, allow 5 tries, and a phone has at most one (asking again replaces it).

The code text is sent at once, not through the dispatcher's next run: a client signing in at
23:00 needs it now, so it ignores the salon's quiet hours (it answers the client's own request).
It is still an outbox item (the owner sees it, with the code masked) and is counted against the
SMS caps like any other text. Its body in the table never holds the code.

The session is like the owner's (chalicelib/auth/sessions.py): a random 256-bit id, the cookie or
bearer token is `<id>.<hmac tag>`, the table keeps only sha256(id); it lasts 90 days and is
checked against the clock on every request. Sessions are indexed per client so "sign out
everywhere" ends them all.
"""
import hashlib
import hmac
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from ...domain import rate_limits
from ...domain import sign_in as rules
from ...domain.client import normalize_phone
from ...domain.errors import DomainError, RateLimited
from ...domain.ids import new_signed_token, signed_token_id, token_hash
from ...domain.outbox import MessageStatus
from ...domain.salon import Salon
from ...storage.client_area_store import ClientSession
from ...storage.outbox_store import SmsCapReached
from ...storage.sign_in_writes import CodeRaced
from .. import notify
from ..rate_limit import RateGuard

SESSION_PURPOSE = b"client-session"  # a client session token's tag (domain/ids.py new_signed_token)

SESSION_TTL = timedelta(days=90)
MASKED_CODE = "******"
# No client id can be this (ids are 26-character ULIDs): an unknown phone reads a client item that
# is never there, as a known phone reads its own, so both make the same requests.
NO_CLIENT = "none"


class SignInLimited(RateLimited):
    """Too many codes for this phone: 429 with Retry-After, like any rate limit."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after, "code")
        minutes = max(1, -(-retry_after // 60))
        self.message = (f"Too many codes were asked for this number. Try again in {minutes} minute"
                        f"{'s' if minutes > 1 else ''}.")
        self.args = (self.message,)


class CodeRejected(DomainError):
    """A wrong, used-up or expired code (one answer, so it says nothing about the phone)."""

    code = "code_invalid"


def check_sign_in_allowed(repo, store, salon_id: str, phone: str, address: str | None, now: datetime):
    """The one gate every request for a code passes through, page or JSON. Returns the phone's
    current code item (or None); raises RateLimited (SignInLimited for the phone's own count).

    First the per-phone hourly count kept on the code item (no write), then the public limiter's
    counters (per address, per phone, per salon: rate_limits.SIGN_IN), charged for known and
    unknown phones alike so the answer and the writes say nothing about the number."""
    previous = store.sign_in_code(salon_id, phone)
    wait = rules.retry_after(previous, now)
    if wait is not None:
        raise SignInLimited(wait)
    RateGuard(repo, address, now, rate_limits.SIGN_IN).check(salon_id, phone=phone)
    return previous


def request_code(repo, store, sender, key: bytes, salon: Salon, raw_phone: str, address: str | None,
                 now: datetime) -> None:
    """Issue a code for this phone and send it if the phone is a client of the salon. Raises
    InvalidPhone (a malformed number) or SignInLimited; otherwise says nothing either way.

    Known and unknown phones make the same DynamoDB requests in the same order (the code item, the
    limits, the phone claim, a client item, then two transactions: storage/sign_in_writes.py), so
    neither the answer nor its cost tells whether the number is a client here."""
    phone = normalize_phone(raw_phone, salon.country)
    previous = check_sign_in_allowed(repo, store, salon.id, phone, address, now)
    client = repo.get_client(salon.id, repo.client_id_for_phone(salon.id, phone) or NO_CLIENT)
    if client is not None and client.erased:
        client = None
    code = f"{secrets.randbelow(10 ** rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}"
    issued = rules.issued(previous, salon.id, phone, client.id if client else None, "", now)
    issued = replace(issued, code_digest=_code_digest(key, issued, code))
    try:
        _issue_and_text(repo, sender, salon, client, previous, issued, code, now)
    except CodeRaced:
        raise SignInLimited(1) from None  # another request for this phone won the same instant: ask again


def verify_code(repo, store, key: bytes, salon: Salon, raw_phone: str, code: str, address: str | None,
                now: datetime) -> tuple[str, ClientSession]:
    """A right code opens a session: (token for the cookie or the Authorization header, session).
    Anything else raises CodeRejected, and counts a try. Every check is first counted per address
    and salon (rate_limits.SIGN_IN_VERIFY): RateLimited past it."""
    RateGuard(repo, address, now, rate_limits.SIGN_IN_VERIFY).check(salon.id)
    rejected = CodeRejected("That code is not right or has expired. Check the text, or ask for a new code.")
    try:
        phone = normalize_phone(raw_phone, salon.country)
    except DomainError:
        raise rejected from None
    current = store.sign_in_code(salon.id, phone)
    if current is None or not current.usable(now):
        raise rejected
    code = (code or "").strip().replace(" ", "")
    right = (len(code) == rules.CODE_DIGITS and code.isdigit()
             and hmac.compare_digest(_code_digest(key, current, code), current.code_digest))
    after = current.tried().used() if right else current.tried()
    if not store.update_sign_in_code(current, after) or not right or current.client_id is None:
        raise rejected
    session_id, token = new_signed_token(key, SESSION_PURPOSE)
    session = ClientSession(digest=token_hash(session_id), salon_id=salon.id, client_id=current.client_id,
                            issued_at=now.replace(microsecond=0), expires=now + SESSION_TTL)
    store.save_client_session(session)
    return token, session


def resolve(store, key: bytes, token: str | None, now: datetime, salon_id: str | None = None) -> ClientSession | None:
    """The session behind a cookie or bearer token; None when forged, expired, ended or (with
    `salon_id`) of another salon. A forged token costs no read."""
    session_id = signed_token_id(key, SESSION_PURPOSE, token)
    if session_id is None:
        return None
    session = store.client_session(token_hash(session_id))
    if session is None or session.expires <= now or (salon_id is not None and session.salon_id != salon_id):
        return None
    return session


def sign_out(store, session: ClientSession, everywhere: bool = False) -> None:
    if everywhere:
        store.end_client_sessions(session.salon_id, session.client_id)
    store.delete_client_session(session.digest)


def csrf_binding(session: ClientSession) -> str:
    """What the area's form tokens are bound to (chalicelib/auth/csrf.py)."""
    return f"client-session:{session.digest}"


# --- internals ------------------------------------------------------------------------------------

def _issue_and_text(repo, sender, salon: Salon, client, previous, issued: rules.SignInCode, code: str,
                    now: datetime) -> None:
    """Two transactions on every path: issue the code (counting its text when one will leave), then
    note what became of the text; the caps refusing it folds both into the second."""
    from ...messaging.providers import SendError
    from ...messaging.templates import render

    message = _code_message(sender, salon, client, now) if client is not None else None
    if message is None or message.status is MessageStatus.CANCELLED:
        repo.issue_sign_in_code(previous, issued)
        repo.note_sign_in_text(issued, message, None)
        return
    policy = salon.policy
    try:
        repo.issue_sign_in_code(previous, issued, (now.astimezone(salon.tz).date(), policy.phone_daily_cap,
                                                   policy.salon_daily_cap, now))
    except SmsCapReached:
        repo.issue_sign_in_code_untexted(previous, issued,
                                         replace(message, status=MessageStatus.FAILED, reason="daily_cap_reached"))
        return
    body = render("sign_in_code", message.locale, salon.timezone, salon_name=salon.name, code=code)
    attempt = message.claimed("direct", now)
    try:
        provider_id = sender.send(client.phone, body)
    except SendError as error:  # never retried later: the stored body has no code; the client asks again
        repo.note_sign_in_text(issued, replace(message, status=MessageStatus.FAILED, reason=error.reason,
                                               attempts=1), None)
        return
    # The reply route lets a STOP in answer to it reach this salon; it asks nothing.
    repo.note_sign_in_text(issued, replace(attempt.sent(provider_id, now), claim_id=None), now)


def _code_message(sender, salon: Salon, client, now: datetime):
    """The outbox message of the code (its body never holds the code), cancelled when the client
    opted out, the salon does not text that country, or the carrier's list says the number opted out."""
    from ...messaging.providers import SendError

    message = replace(notify.message(salon, client, "sign_in_code", now, code=MASKED_CODE), not_before=now)
    if message.status is MessageStatus.CANCELLED:
        return message
    try:
        if sender.is_opted_out(client.phone):
            return message.cancelled("opted_out_carrier")
    except SendError:
        pass  # the carrier list could not be read: the carrier refuses the text itself if it must
    return message


def _code_digest(key: bytes, code_item: rules.SignInCode, code: str) -> str:
    message = f"sign-in\x00{code_item.salon_id}\x00{code_item.phone}\x00{code_item.issued_at.isoformat()}\x00{code}"
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


