"""Parsing what browsers send: urlencoded bodies, query values, and the booking form's fields.

Nothing here raises on bad input except `fields` (for bodies that are not a form at all) and the
date readers for a real date outside the app's calendar (year 1, year 9999: hostile, not mistyped;
InvalidRequest, a 400 page): every other problem is returned as None or an i18n key, so the page can
show it next to the field it concerns.
"""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import parse_qs

from ..domain.clock import check_calendar
from ..domain.errors import InvalidRequest
from ..domain.text import N_

MAX_BODY_BYTES = 16 * 1024
MAX_LENGTHS = {"name": 100, "phone": 32, "email": 254, "note": 500}
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{1,200}$")


def fields(raw: bytes | str | None) -> dict[str, str]:
    """A urlencoded body -> {name: first value}."""
    raw = raw or b""
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidRequest(N_("The form is too large."))
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        parsed = parse_qs(text, keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequest(N_("The form could not be read. Please try again.")) from None
    return {name: values[0] for name, values in parsed.items()}


def query(request) -> dict[str, str]:
    """Query parameters -> {name: first value} (Chalice gives None when there are none)."""
    params = request.query_params or {}
    return {name: params.getlist(name)[0] for name in params}


def ident(value: str | None) -> str | None:
    """A service or staff id as the catalog spells them, else None."""
    return value if value and _ID.match(value) else None


def parse_day(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None
    return check_calendar(day) if day else None


def parse_start(value: str | None) -> datetime | None:
    """An ISO instant with its offset. A '+' typed into a URL arrives as a space: put it back."""
    if not value or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        return None
    return check_calendar(parsed, "The time") if parsed.tzinfo is not None else None


def staff_choice(value: str | None) -> str | None:
    """'any', a staff id, or None when nothing (valid) was chosen."""
    return "any" if value == "any" else ident(value)


@dataclass
class BookingForm:
    service: str = ""
    start: str = ""
    staff: str = ""  # the slot's specialist; empty: the first free one
    pick: str = "any"  # what the client chose on the specialist step, for the links back
    name: str = ""
    phone: str = ""
    email: str = ""
    note: str = ""
    recall: str = ""  # "1": the client agrees to a nudge when the treatment is due again
    channel: str = ""  # whatsapp | email | sms; empty: WhatsApp if agreed, else e-mail if given, else SMS
    whatsapp: str = ""  # "1": agrees to messages on WhatsApp
    marketing: str = ""  # "1": agrees to offers and news (a separate, unticked box)
    key: str = ""  # one per form: a double tap on "Book" replays instead of booking twice
    errors: dict[str, str] = field(default_factory=dict)  # field -> i18n key

    @property
    def start_at(self) -> datetime | None:
        return parse_start(self.start)

    @property
    def staff_id(self) -> str | None:
        return ident(self.staff)

    @property
    def idempotency_key(self) -> str | None:
        return self.key if _KEY.match(self.key) else None


def channel_problem(channel: str, email: str, whatsapp_consent: bool) -> str | None:
    """What is wrong with a chosen channel (the templates say it in the client's language), or None."""
    if channel and channel not in ("whatsapp", "email", "sms"):
        return "channel_unknown"
    if channel == "email" and not email:
        return "channel_needs_email"
    if channel == "whatsapp" and not whatsapp_consent:
        return "channel_needs_whatsapp_consent"
    return None


def booking_form(data: dict[str, str]) -> BookingForm:
    """The submitted booking form, trimmed, with a problem per field that needs one."""
    form = BookingForm(**{name: (data.get(name) or "").strip()
                          for name in ("service", "start", "staff", "pick", "name", "phone", "email", "note", "recall",
                                       "channel", "whatsapp", "marketing", "key")})
    form.pick = staff_choice(form.pick) or "any"
    if ident(form.service) is None:
        form.errors["service"] = "err_service"
    if form.start_at is None:
        form.errors["start"] = "err_start"
    if form.staff and form.staff_id is None:
        form.errors["staff"] = "err_staff"
    if not form.name:
        form.errors["name"] = "err_name_required"
    if not form.phone:
        form.errors["phone"] = "err_phone_required"
    if form.email and not _EMAIL.match(form.email):
        form.errors["email"] = "err_email"
    if problem := channel_problem(form.channel, form.email, form.whatsapp == "1"):
        form.errors["channel"] = problem
    for name, limit in MAX_LENGTHS.items():
        if len(getattr(form, name)) > limit:
            form.errors[name] = f"err_too_long_{name}"
    return form


@dataclass
class ReachForm:
    """How the client wants to be reached, as a settings form holds it (the client's area)."""
    channel: str = ""
    email: str = ""
    whatsapp: str = ""  # "1": agrees to WhatsApp
    errors: dict[str, str] = field(default_factory=dict)


def reach_form(client) -> ReachForm:
    """The form filled from the client's file."""
    return ReachForm(channel=client.preferred_channel or "", email=client.email or "",
                     whatsapp="1" if client.whatsapp_consent else "")


def reach_form_from(data: dict[str, str]) -> ReachForm:
    form = ReachForm(**{name: (data.get(name) or "").strip() for name in ("channel", "email", "whatsapp")})
    if form.email and (not _EMAIL.match(form.email) or len(form.email) > MAX_LENGTHS["email"]):
        form.errors["email"] = "err_email"
    if problem := channel_problem(form.channel, form.email, form.whatsapp == "1"):
        form.errors["channel"] = problem
    return form
