"""Sessions of the owner side: stored in the table; the cookie holds a random id and its HMAC.

Why not a self-contained signed cookie (user, salon, role, expiry)? Revocation. Here logging out
deletes the session item, and "log out everywhere" bumps the user's session generation, which
every session records when it is issued. Each request reads the session and then its user (two
consistent GetItems), so a disabled account, a changed role or a revoked generation takes effect
on the very next request. A signed payload could only be revoked through a deny-list, which is a
table read anyway, and would keep trusting a stale role until it expired.

The cookie is `<id>.<tag>`: id = 256 random bits, tag = HMAC-SHA256(signing key, id). A forged,
guessed or truncated cookie fails the tag and costs no read. The table keeps only sha256(id), so
whoever reads the table still holds no usable cookie. Sessions expire 12 hours after sign-in
whatever happens; the expiry is checked on every request (DynamoDB's TTL only cleans up, late).
Cookies are HttpOnly, SameSite=Lax, Path=/, and Secure with the `__Host-` name prefix except over
plain http to 127.0.0.1/localhost (the local stack).
"""
import secrets
from collections.abc import Callable
from dataclasses import field
from datetime import datetime, timedelta
from email.utils import format_datetime

from ..domain.errors import DomainError
from ..domain.ids import new_signed_token, signed_token_id, token_hash
from ..domain.text import N_, ngettext
from ..domain.values import frozen
from ..storage.accounts import AccountsRepository, StoredSession, User, normalize_email
from . import csrf, passwords, roles, signing_key, throttle

SESSION_TTL = timedelta(hours=12)
LOGIN_NONCE_TTL = timedelta(hours=1)
SESSION_COOKIE = "chairtime_session"
PURPOSE = b"session"  # what an owner session token's tag is for (domain/ids.py new_signed_token)
LOGIN_COOKIE = "chairtime_login"  # the login form's CSRF nonce
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}
Verifier = Callable[[str | None, str], bool]  # (stored hash or None, typed password) -> right?


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


class LoginLocked(DomainError):
    code = "login_locked"

    def __init__(self, until: datetime, now: datetime):
        self.until = until
        minutes = max(1, -(-int((until - now).total_seconds()) // 60))
        super().__init__(ngettext("Too many failed attempts. Try again in %(num)s minute.",
                                  "Too many failed attempts. Try again in %(num)s minutes.", minutes))


@frozen
class Principal:
    """Who is making this request, read fresh from the user item on every request."""

    user_id: str
    email: str
    salon_id: str
    role: str
    staff_id: str | None
    name: str
    session_id: str = field(repr=False)
    csrf_token: str = field(repr=False)  # put it in every form (field `csrf`) or the X-CSRF-Token header
    locale: str | None = None  # the user's own language; None: the salon's (auth/guard.py owner_locale)

    def can(self, permission: str, *, staff_notes: bool = False) -> bool:
        return roles.can(self.role, permission, staff_notes=staff_notes)


# --- sign in and out ----------------------------------------------------------------------------

def sign_in(accounts: AccountsRepository, email: str, password: str, address: str | None,
            now: datetime, verify: Verifier = passwords.verify) -> tuple[str, Principal, datetime]:
    """Check the password under the throttle, open a session. Returns (cookie value, principal,
    expiry). Raises LoginLocked (before any password is checked) or InvalidCredentials: the same
    one for an unknown email, a wrong password and a disabled account. `verify`: the password
    check (passwords.verify; a test may wrap it to count the checks)."""
    key = signing_key()
    email = normalize_email(email)
    user = accounts.get_user(email) if 0 < len(email) <= 254 else None
    usable = user is not None and user.active and roles.is_role(user.role)
    if not checked_password(accounts, key, email, user if usable else None, password, address, now, verify,
                            audit_user=user, failed_action="login_failed"):
        raise InvalidCredentials(N_("The email or the password is not right."))
    if passwords.needs_rehash(user.password_hash):
        accounts.set_password_hash(user.email, passwords.hash_password(password), end_sessions=False)
    session_id, token = new_signed_token(key, PURPOSE)
    stored = StoredSession(digest=token_hash(session_id), email=user.email, user_id=user.id, salon_id=user.salon_id,
                           generation=user.session_generation, issued_at=now, expires_at=now + SESSION_TTL)
    accounts.save_session(stored)
    accounts.record_audit(user.salon_id, user.id, "login", f"user:{user.id}", {"address": address}, now)
    return token, _principal(key, session_id, user), stored.expires_at


def checked_password(accounts: AccountsRepository, key: bytes, email: str, user: User | None, password: str,
                     address: str | None, now: datetime, verify: Verifier, audit_user: User | None,
                     failed_action: str) -> bool:
    """Whether `password` is `user`'s (None: nobody's, checked against a dummy hash all the same),
    counted by the throttle before it is checked: raises LoginLocked instead of checking when the
    account or the address has no attempt left. A failure is audited as `failed_action` (and
    `login_locked` when it locks) in `audit_user`'s salon."""
    attempt = throttle.reserve(accounts, throttle.subjects(key, email, address), now)
    if attempt.refused_until is not None:
        raise LoginLocked(attempt.refused_until, now)
    if verify(user.password_hash if user is not None else None, password):
        throttle.succeeded(accounts, attempt)
        return True
    locked = throttle.failed(accounts, attempt, now)
    if audit_user is not None:
        target = f"user:{audit_user.id}"
        accounts.record_audit(audit_user.salon_id, audit_user.id, failed_action, target, {"address": address}, now)
        if locked is not None:
            accounts.record_audit(audit_user.salon_id, audit_user.id, "login_locked", target,
                                  {"address": address, "until": locked.isoformat()}, now)
    return False


def resolve(accounts: AccountsRepository, cookie: str | None, now: datetime) -> Principal | None:
    """The principal behind a session cookie, or None: forged, expired, logged out, revoked,
    or its user disabled or moved to another salon."""
    key = signing_key()
    session_id = signed_token_id(key, PURPOSE, cookie)
    if session_id is None:
        return None
    session = accounts.get_session(token_hash(session_id))
    if session is None or session.expires_at <= now:
        return None
    user = accounts.get_user(session.email)
    if (user is None or not user.active or user.id != session.user_id or user.salon_id != session.salon_id
            or user.session_generation != session.generation or not roles.is_role(user.role)):
        return None
    return _principal(key, session_id, user)


def sign_out(accounts: AccountsRepository, principal: Principal, now: datetime, everywhere: bool = False) -> None:
    """End this session; `everywhere`: every session of this user, on every device."""
    if everywhere:
        accounts.end_all_sessions(principal.email)
    accounts.delete_session(token_hash(principal.session_id))
    accounts.record_audit(principal.salon_id, principal.user_id, "logout_everywhere" if everywhere else "logout",
                          f"user:{principal.user_id}", {}, now)


def end_cookie_session(accounts: AccountsRepository, cookie: str | None) -> None:
    """Drop the session a cookie names, if its tag is right (a new sign-in replaces an old session)."""
    session_id = signed_token_id(signing_key(), PURPOSE, cookie)
    if session_id is not None:
        accounts.delete_session(token_hash(session_id))


def session_digest(principal: Principal) -> str:
    """The stored form of the principal's session (what the session item is keyed by)."""
    return token_hash(principal.session_id)


# --- the cookies ----------------------------------------------------------------------------------

def is_secure(request) -> bool:
    """Secure cookies, unless the request came over plain http to this machine (the local stack)."""
    headers = request.headers
    if headers.get("x-forwarded-proto", "").lower() == "https":
        return True
    host = headers.get("host", "").strip().lower()
    hostname = host[:host.index("]") + 1] if host.startswith("[") and "]" in host else host.split(":")[0]
    return hostname not in _LOCAL_HOSTS


def cookie_name(base: str, secure: bool) -> str:
    # __Host-: the browser takes it only from this exact host, over https, for Path=/.
    return f"__Host-{base}" if secure else base


def read_cookie(request, base: str) -> str | None:
    """The cookie's value under the name this request's transport uses (a plain-named cookie is
    never read over https, so a sibling subdomain cannot plant one)."""
    name = cookie_name(base, is_secure(request))
    for part in (request.headers.get("cookie") or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip() or None
    return None


def set_cookie(request, base: str, value: str, expires: datetime, now: datetime) -> str:
    """A Set-Cookie header value."""
    secure = is_secure(request)
    max_age = max(0, int((expires - now).total_seconds()))
    return (f"{cookie_name(base, secure)}={value}; Path=/; Max-Age={max_age}; "
            f"Expires={format_datetime(expires, usegmt=True)}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else ""))


def clear_cookie(request, base: str) -> str:
    secure = is_secure(request)
    return (f"{cookie_name(base, secure)}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; "
            "SameSite=Lax" + ("; Secure" if secure else ""))


def login_form_token(nonce: str) -> str:
    """The login form's CSRF token, bound to the nonce cookie (there is no session yet)."""
    return csrf.token(signing_key(), f"login:{nonce}")


def login_form_ok(nonce: str | None, presented: str | None) -> bool:
    return nonce is not None and len(nonce) <= 64 and csrf.valid(signing_key(), f"login:{nonce}", presented)


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


# --- internals ------------------------------------------------------------------------------------

def _principal(key: bytes, session_id: str, user: User) -> Principal:
    return Principal(user_id=user.id, email=user.email, salon_id=user.salon_id, role=user.role,
                     staff_id=user.staff_id, name=user.name, session_id=session_id,
                     csrf_token=csrf.token(key, f"session:{session_id}"), locale=user.locale)


