"""Request schemas as JSON Schema dicts, with a small validator for exactly the subset used.

The same dicts go into /v1/openapi.json, so what is documented is what is enforced.
"""
import re
from datetime import date, datetime

from ..domain.clock import check_calendar
from ..domain.errors import InvalidPhone, InvalidRequest
from ..domain.text import N_, Text

NAME = {"type": "string", "minLength": 1, "maxLength": 100}
# Any problem with a phone (too short, too long, not text) answers `invalid_phone`, as the contract says.
PHONE = {"type": "string", "minLength": 3, "maxLength": 32, "example": "+39 333 123 4567",
         "x-error-code": "invalid_phone"}
EMAIL = {"type": "string", "maxLength": 254, "format": "email"}
ID = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"}
DATE = {"type": "string", "format": "date", "example": "2026-03-31"}
DATE_TIME = {"type": "string", "format": "date-time", "example": "2026-03-31T10:00:00+02:00"}

CLIENT = {
    "type": "object", "additionalProperties": False, "required": ["name", "phone"],
    "properties": {"name": NAME, "phone": PHONE, "email": EMAIL,
                   "recall_consent": {"type": "boolean", "description": "agrees to a nudge when a periodic "
                                                                        "treatment is due again"}},
}
CHANNEL = {"type": "string", "enum": ["whatsapp", "email", "sms"],
           "description": "how the client wants to be reached; one the salon enabled (GET /v1/salons/{salon} "
                          "`channels`); email needs `email`, whatsapp needs `whatsapp_consent`. Left out: WhatsApp "
                          "if agreed, else e-mail if given, else SMS, in the salon's order",
           "x-error-code": "invalid_channel"}
BOOKING_CLIENT = {
    **CLIENT,
    "properties": {**CLIENT["properties"], "channel": CHANNEL,
                   "whatsapp_consent": {"type": "boolean", "description": "agrees to messages on WhatsApp"},
                   "marketing_consent": {"type": "boolean", "description": "agrees to offers and news "
                                                                           "(separate from appointment messages)"}},
}
BOOKING_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["service_id", "start", "client"],
    "properties": {
        "service_id": ID, "start": DATE_TIME, "staff_id": ID, "client": BOOKING_CLIENT,
        "notes": {"type": "string", "maxLength": 500},
    },
}
RESCHEDULE_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["start"],
    "properties": {"start": DATE_TIME, "staff_id": ID},
}
WAITLIST_REQUEST = {
    "type": "object", "additionalProperties": False, "required": ["service_id", "date_from", "date_to", "client"],
    "properties": {"service_id": ID, "staff_id": ID, "date_from": DATE, "date_to": DATE, "client": CLIENT},
}
AVAILABILITY_QUERY = {
    "type": "object", "additionalProperties": False, "required": ["service_id", "date_from", "date_to"],
    "properties": {"service_id": ID, "date_from": DATE, "date_to": DATE, "staff_id": ID},
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TYPES = {"object": dict, "string": str, "integer": int, "boolean": bool}
_EXPECTED = {"object": N_("%(field)s: expected an object."), "string": N_("%(field)s: expected a string."),
             "integer": N_("%(field)s: expected an integer."), "boolean": N_("%(field)s: expected a boolean.")}


def validate(value, schema: dict, path: str = ""):
    """Return `value` with `date`/`date-time` strings parsed; raise InvalidRequest otherwise
    (InvalidPhone for a schema marked `x-error-code: invalid_phone`)."""
    if schema.get("x-error-code") == "invalid_phone":
        try:
            return _validate(value, schema, path)
        except InvalidRequest:
            raise InvalidPhone(N_("%(field)s: not a phone number. Give the full number with its country "
                                  "code, like +39 333 123 4567.", field=path or "phone")) from None
    return _validate(value, schema, path)


def _validate(value, schema: dict, path: str):
    label = path or "body"
    expected = _TYPES[schema["type"]]
    if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
        raise InvalidRequest(Text(_EXPECTED[schema["type"]], {"field": label}))
    if schema["type"] == "object":
        return _validate_object(value, schema, path)
    if schema["type"] == "string":
        return _validate_string(value, schema, label)
    return value


def _validate_object(value: dict, schema: dict, path: str) -> dict:
    properties = schema.get("properties", {})
    unknown = sorted(set(value) - set(properties))
    if unknown and schema.get("additionalProperties") is False:
        raise InvalidRequest(N_("Unknown field %(field)s. Allowed: %(allowed)s.", field=_join(path, unknown[0]),
                                allowed=", ".join(properties)))
    for name in schema.get("required", []):
        if value.get(name) is None:
            raise InvalidRequest(N_("%(field)s is required.", field=_join(path, name)))
    return {name: validate(item, properties[name], _join(path, name))
            for name, item in value.items() if item is not None}


def _validate_string(value: str, schema: dict, label: str):
    if len(value) < schema.get("minLength", 0):
        raise InvalidRequest(N_("%(field)s must not be empty.", field=label) if schema.get("minLength") == 1
                             else N_("%(field)s is too short.", field=label))
    if len(value) > schema.get("maxLength", 10_000):
        raise InvalidRequest(N_("%(field)s is too long (at most %(most)s characters).", field=label,
                                most=schema["maxLength"]))
    if "enum" in schema and value not in schema["enum"]:
        raise InvalidRequest(N_("%(field)s must be one of: %(choices)s.", field=label,
                                choices=", ".join(schema["enum"])),
                             schema.get("x-error-code"))
    if "pattern" in schema and not re.search(schema["pattern"], value):
        raise InvalidRequest(N_("%(field)s may contain only letters, digits, '-' and '_'.", field=label))
    fmt = schema.get("format")
    if fmt == "date":
        try:
            parsed = date.fromisoformat(value) if len(value) == 10 else _bad()
        except ValueError:
            raise InvalidRequest(N_("%(field)s: '%(value)s' is not a date like 2026-03-31.", field=label,
                                    value=value)) from None
        return check_calendar(parsed, label)
    if fmt == "date-time":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidRequest(N_("%(field)s: '%(value)s' is not a date and time like 2026-03-31T10:00:00+02:00.",
                                    field=label, value=value)) from None
        if parsed.tzinfo is None:
            raise InvalidRequest(N_("%(field)s: include the UTC offset, like 2026-03-31T10:00:00+02:00.", field=label))
        return check_calendar(parsed, label)
    if fmt == "email" and not _EMAIL.match(value):
        raise InvalidRequest(N_("%(field)s: '%(value)s' is not an e-mail address. Check it, e.g. name@example.com.",
                                field=label, value=value), "invalid_email")
    return value


def _bad():
    raise ValueError


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
