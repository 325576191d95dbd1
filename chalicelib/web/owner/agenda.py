"""What the owner's agenda pages need besides templates: formats in the salon's zone, the
appointment's key in URLs, labels and one-line confirmations, and the agenda's links."""
from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode

from ...domain.clock import UTC, in_calendar
from ..catalogs import N_, Translator
from ..i18n import Formatter, Texts
from ..localize import error_message

KEY_FORMAT = "%Y%m%dT%H%M%SZ"  # an appointment's start in its URL: no ':' or '+' to escape

# Labels are English msgids of the `owner` text domain (N_ marks them for `make messages`); the pages
# show them through `labels()` in the reader's language.
STATUS_LABELS = {"held": N_("Held for the waitlist"), "awaiting_payment": N_("Awaiting the deposit"),
                 "expired": N_("Deposit not paid"), "booked": N_("Booked"), "confirmed": N_("Confirmed"),
                 "arrived": N_("Arrived"), "completed": N_("Completed"), "cancelled": N_("Cancelled"),
                 "no_show": N_("No-show")}
ACTION_LABELS = {"arrived": N_("Arrived"), "completed": N_("Completed"), "no_show": N_("No-show"),
                 "revert_no_show": N_("Undo no-show"), "cancel": N_("Cancel"), "move": N_("Move")}
ACTION_PATHS = {"arrived": "arrived", "completed": "completed", "no_show": "no-show",
                "revert_no_show": "revert-no-show", "cancel": "cancel", "move": "move"}
# Flash messages travel as a fixed key in the redirect's query: no text from the request is echoed.
DONE = {
    "arrived": N_("Marked as arrived."),
    "completed": N_("Marked as completed."),
    "no_show": N_("Marked as a no-show. If it was during the appointment, the rest of its time is offered to the "
                  "waitlist."),
    "revert_no_show": N_("No-show undone: marked as arrived, and the client's counter is back."),
    "cancel": N_("Cancelled. The client gets a text."),
    "move": N_("Moved. The client gets a text with the new time."),
    "booked": N_("Booked. The client gets a text with the details."),
}
CANCELLED_BY_LABELS = {"client": N_("by the client"), "salon": N_("by the salon"),
                       "offer_expired": N_("the waitlist offer expired")}
# The booking form's field errors (web/forms.py keys) as the front desk reads them.
FIELD_ERRORS = {
    "err_name_required": N_("Enter the client's name."),
    "err_phone_required": N_("Enter the client's phone number."),
    "err_too_long_name": N_("The name is too long: at most 100 characters."),
    "err_too_long_phone": N_("The phone number is too long: at most 32 characters."),
    "err_too_long_note": N_("The note is too long: at most 500 characters."),
}
# What an agenda page says for a domain refusal whose English message is built with values (so it has
# no msgid of its own), by its stable code.
REFUSALS = {
    "slot_taken": N_("Someone has just booked this time. Pick another one."),
    "slot_not_offered": N_("The salon does not offer this time (closed, a break, time off, or too soon). Pick "
                           "another one."),
    "illegal_transition": N_("The appointment has changed meanwhile, so this cannot be done any more. Reload the "
                             "agenda."),
    "appointment_started": N_("This appointment has already started."),
}


def refusal(tr: Translator, error) -> str:
    """A domain error's message in the reader's language: its own translation where the catalog has
    one, else the refusal its code stands for; English readers get the message itself."""
    translated = error_message(error, tr)
    if tr.locale == "en" or translated != error.message or error.code not in REFUSALS:
        return translated
    return tr.gettext(REFUSALS[error.code])


def labels(tr: Translator, table: dict[str, str]) -> dict[str, str]:
    """One of the tables above in the reader's language."""
    return {key: tr.gettext(text) for key, text in table.items()}


def flash(tr: Translator, table: dict[str, str], key: str | None) -> str | None:
    """The confirmation a redirect's `done=<key>` names, in the reader's language (None: no such key)."""
    text = table.get(key or "")
    return tr.gettext(text) if text else None


class OwnerFormatter(Formatter):
    def short_date(self, instant: datetime) -> str:
        """'24 Mar 2026' in the reader's language, the day in the salon's zone."""
        from babel.dates import format_date

        return format_date(self.local(instant).date(), "d MMM y", locale=self.locale)

    def short_when(self, instant: datetime) -> str:
        """'Tue, Mar 24, 2026, 09:00' as the reader's language writes it, in the salon's zone."""
        from babel.dates import format_skeleton

        return f"{format_skeleton('yMMMEd', self.local(instant), locale=self.locale)}, {self.time(instant)}"


def formatter(salon, locale: str = "en") -> OwnerFormatter:
    """Dates, times and money in the reader's language, times in the salon's zone."""
    return OwnerFormatter(Texts(locale), salon.tz, salon.currency)


def first_weekday(locale: str, country: str | None) -> int:
    """The first day of a week shown to this reader (0 Monday ... 6 Sunday): Babel's, for their
    language in the salon's country (en in Italy: Monday; en in the US: Sunday)."""
    from babel import Locale, UnknownLocaleError

    for tag in (f"{locale}_{(country or '').upper()}", locale):
        try:
            return Locale.parse(tag).first_week_day
        except (UnknownLocaleError, ValueError):
            continue
    return 0


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
