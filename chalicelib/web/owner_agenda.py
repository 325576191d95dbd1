"""What the owner's agenda pages need besides templates: formats in the salon's zone, the
appointment's key in URLs, labels and one-line confirmations, and the agenda's links."""
from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode

from ..domain.clock import UTC, in_calendar
from .i18n import Formatter, Texts

KEY_FORMAT = "%Y%m%dT%H%M%SZ"  # an appointment's start in its URL: no ':' or '+' to escape

STATUS_LABELS = {"held": "Held for the waitlist", "awaiting_payment": "Awaiting the deposit",
                 "expired": "Deposit not paid", "booked": "Booked", "confirmed": "Confirmed",
                 "arrived": "Arrived", "completed": "Completed", "cancelled": "Cancelled", "no_show": "No-show"}
ACTION_LABELS = {"arrived": "Arrived", "completed": "Completed", "no_show": "No-show",
                 "revert_no_show": "Undo no-show", "cancel": "Cancel", "move": "Move"}
ACTION_PATHS = {"arrived": "arrived", "completed": "completed", "no_show": "no-show",
                "revert_no_show": "revert-no-show", "cancel": "cancel", "move": "move"}
# Flash messages travel as a fixed key in the redirect's query: no text from the request is echoed.
DONE = {
    "arrived": "Marked as arrived.",
    "completed": "Marked as completed.",
    "no_show": "Marked as a no-show. If it was during the appointment, the rest of its time is offered to the "
               "waitlist.",
    "revert_no_show": "No-show undone: marked as arrived, and the client's counter is back.",
    "cancel": "Cancelled. The client gets a text.",
    "move": "Moved. The client gets a text with the new time.",
    "booked": "Booked. The client gets a text with the details.",
}


def formatter(salon) -> Formatter:
    """Owner pages are in English for now, with times in the salon's zone."""
    return Formatter(Texts("en"), salon.tz, salon.currency)


def phone_label(e164: str) -> str:
    """+393331234567 -> +39 333 123 4567, as people read and dial it."""
    import phonenumbers  # imported on first use, like domain/client.py does

    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def start_key(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime(KEY_FORMAT)


def parse_start_key(text: str | None) -> datetime | None:
    if not text or len(text) != 16:
        return None
    try:
        start = datetime.strptime(text, KEY_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return start if in_calendar(start) else None  # no appointment can start there: not found


class Links:
    """Every agenda URL, under the app's root (an API Gateway stage)."""

    def __init__(self, root: str):
        self.root = root

    def agenda(self, day: date | None = None, staff: str | None = None, view: str | None = None, **extra) -> str:
        params = {"day": day.isoformat() if day else None, "staff": staff, "view": view, **extra}
        return self._url("/owner/agenda", params)

    def appointment(self, appt, action: str = "", **params) -> str:
        path = f"/owner/agenda/appointments/{start_key(appt.start)}/{quote(appt.id, safe='')}"
        return self._url(path + (f"/{ACTION_PATHS[action]}" if action else ""), params)

    def book(self, **params) -> str:
        return self._url("/owner/agenda/book", params)

    def record(self, appt) -> str:
        """The visit's treatment record (once the client has arrived)."""
        return self._url(f"/owner/records/{start_key(appt.start)}/{quote(appt.id, safe='')}", {})

    def feeds(self) -> str:
        return self._url("/owner/agenda/feeds", {})

    def feed_rotate(self, staff_id: str) -> str:
        return self._url(f"/owner/agenda/feeds/{quote(staff_id, safe='')}/rotate", {})

    def _url(self, path: str, params: dict) -> str:
        query = urlencode({k: v for k, v in params.items() if v})
        return self.root + path + (f"?{query}" if query else "")


def step(day: date, view: str, forward: bool) -> date:
    """The previous or next day, or week."""
    days = 7 if view == "week" else 1
    return day + timedelta(days=days if forward else -days)
