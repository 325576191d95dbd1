"""CSRF tokens: an HMAC of what the token is bound to, so nothing is stored for them.

Every owner-side form carries a token bound to the session (`session:<id>`); the login form,
which has no session yet, carries one bound to a random nonce in a short-lived cookie
(`login:<nonce>`, a signed double-submit cookie). A page on another site can make the browser
send the cookie, but it cannot read the token that must come with it.
"""
import base64
import hashlib
import hmac


def token(key: bytes, binding: str) -> str:
    mac = hmac.new(key, b"csrf\x00" + binding.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def valid(key: bytes, binding: str | None, presented: str | None) -> bool:
    if not binding or not presented or len(presented) > 100 or not presented.isascii():
        return False
    return hmac.compare_digest(token(key, binding), presented)
