"""Request parsing shared by the routes: JSON bodies, query strings, headers, base URL."""
import json
import re
from itertools import accumulate

from ..domain.errors import InvalidRequest
from ..domain.text import N_
from .schema import validate

MAX_BODY_BYTES = 16 * 1024
MAX_JSON_DEPTH = 32  # our deepest request is 3 levels; json.loads recurses once per level
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_NESTING = re.compile(r"[\[\]{}]")


def parse_json(raw: bytes | str | None, empty=None, max_bytes: int = MAX_BODY_BYTES):
    """A request body -> its JSON value, `empty` for a blank body. Every body the API reads comes
    through here: its size and its nesting are checked before json.loads, which would recurse once
    per `[` (10,000 of them end in RecursionError, a 500). `max_bytes`: a larger bound for a body
    another service writes (a payment provider's signed event)."""
    raw = raw or b""
    if len(raw) > max_bytes:
        raise InvalidRequest(N_("The request body is too large (at most %(most)s bytes).", most=max_bytes))
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise InvalidRequest(N_("The request body is not valid JSON (it must be UTF-8).")) from None
    if not text.strip():
        return empty
    brackets = _NESTING.findall(_JSON_STRING.sub("", text))  # brackets inside strings do not nest
    if max(accumulate(1 if b in "[{" else -1 for b in brackets), default=0) > MAX_JSON_DEPTH:
        raise InvalidRequest(N_("The request body is nested too deeply (at most %(most)s levels).",
                                most=MAX_JSON_DEPTH))
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidRequest(N_("The request body is not valid JSON.")) from None


def json_body(request, schema: dict) -> dict:
    body = parse_json(request.raw_body)
    if body is None:
        raise InvalidRequest(N_("The request body is empty; send a JSON object."))
    return validate(body, schema)


def query(request, schema: dict) -> dict:
    raw = request.query_params or {}
    params = {}
    for name in raw:
        values = raw.getlist(name)
        if len(values) > 1:
            raise InvalidRequest(N_("Give %(name)s only once.", name=name))
        params[name] = values[0]
    return validate(params, schema, "")


def idempotency_key(request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
        raise InvalidRequest(N_("Idempotency-Key must be 1-200 printable ASCII characters (a UUID is ideal)."))
    return key


def base_url(request, configured: str | None) -> str:
    """Where links in answers point: the configured public URL, else the one this request used."""
    if configured:
        return configured
    headers = request.headers
    host = headers.get("host", "127.0.0.1:8000")
    scheme = headers.get("x-forwarded-proto", "http")
    stage = (request.context or {}).get("stage")
    prefix = f"/{stage}" if stage and host.endswith("amazonaws.com") else ""
    return f"{scheme}://{host}{prefix}"


def source_address(request) -> str | None:
    """The caller's address as API Gateway saw it (X-Forwarded-For is not trusted: anyone writes it)."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp") or None
