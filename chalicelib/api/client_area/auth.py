"""The client's area at the HTTP edge: the session cookie (pages) or bearer token (JSON), the
sign-in forms' CSRF nonce, and the store. Shared by pages.py and api.py.

The cookie is scoped to the salon's area (`Path=/my/<salon>`): a client signed in at two salons
holds two independent sessions, and no other page of the site ever receives it. That path rules
out the `__Host-` prefix, so over https the name is `__Secure-chairtime_client` (the browser
takes it only with `Secure`). HttpOnly, SameSite=Lax (a link from the salon's text must arrive
signed in), 90 days. Over plain http to the local stack it is neither prefixed nor Secure, as
the owner's cookie.
"""
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from ...auth import csrf, signing_key
from ...auth.sessions import is_secure
from ...services.client_area import sign_in as client_sign_in
from ...storage.client_area_store import ClientAreaStore, ClientSession
from ...wiring import repository

SESSION_COOKIE = "chairtime_client"
NONCE_COOKIE = "chairtime_client_form"  # the sign-in forms' CSRF nonce (no session yet)
NONCE_TTL = timedelta(hours=1)


def store() -> ClientAreaStore:
    repository()  # binds the models to the configured table, once per container
    return ClientAreaStore()


def cookie_name(request, base: str) -> str:
    return f"__Secure-{base}" if is_secure(request) else base


def read_cookie(request, base: str) -> str | None:
    name = cookie_name(request, base)
    for part in (request.headers.get("cookie") or "").split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key == name:
            return value.strip() or None
    return None


def set_cookie(request, base: str, value: str, path: str, expires: datetime, now: datetime) -> str:
    secure = is_secure(request)
    max_age = max(0, int((expires - now).total_seconds()))
    expiry = format_datetime(expires.astimezone(UTC), usegmt=True)
    return (f"{cookie_name(request, base)}={value}; Path={path}; Max-Age={max_age}; "
            f"Expires={expiry}; HttpOnly; SameSite=Lax" + ("; Secure" if secure else ""))


def clear_cookie(request, base: str, path: str) -> str:
    return (f"{cookie_name(request, base)}=; Path={path}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; "
            "HttpOnly; SameSite=Lax" + ("; Secure" if is_secure(request) else ""))


def page_session(request, salon_id: str, now: datetime) -> ClientSession | None:
    """The session of this salon's area from the cookie (a session of another salon is none)."""
    return client_sign_in.resolve(store(), signing_key(), read_cookie(request, SESSION_COOKIE), now, salon_id)


def bearer_session(request, now: datetime) -> ClientSession | None:
    """The session named by `Authorization: Bearer <token>` (apps: no cookie, so no CSRF either)."""
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return client_sign_in.resolve(store(), signing_key(), token.strip(), now)


def form_token(session: ClientSession) -> str:
    return csrf.token(signing_key(), client_sign_in.csrf_binding(session))


def form_token_ok(session: ClientSession, presented: str | None) -> bool:
    return csrf.valid(signing_key(), client_sign_in.csrf_binding(session), presented)


def nonce_token(nonce: str) -> str:
    return csrf.token(signing_key(), f"client-sign-in:{nonce}")


def nonce_token_ok(nonce: str | None, presented: str | None) -> bool:
    return nonce is not None and len(nonce) <= 64 and csrf.valid(signing_key(), f"client-sign-in:{nonce}", presented)


def client_address(request) -> str | None:
    return ((request.context or {}).get("identity") or {}).get("sourceIp")
