"""The client file: identity, counters and the online-booking status staff can change."""
import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .channels import CHANNELS, EMAIL, SMS, WHATSAPP, Reachability
from .errors import InvalidPhone, InvalidRequest
from .money import SavedCard
from .text import N_
from .values import frozen


class Access(StrEnum):
    OK = "ok"
    RESTRICTED = "restricted"  # phone bookings only, until a date
    BANNED = "banned"  # the owner's decision


@frozen
class Client:
    id: str
    name: str
    phone: str  # E.164, unique per salon
    email: str | None = None
    locale: str | None = None
    no_show_count: int = 0
    late_cancel_count: int = 0
    access: Access = Access.OK
    restricted_until: date | None = None
    notes: str = ""  # private: staff only, never in the public API
    allergies: str = ""  # private: shown as a flag on the agenda to the roles allowed to see notes
    no_show_days: tuple[date, ...] = ()  # local days of recorded no-shows (the ladder's window)
    fees_owed: Decimal = Decimal("0")
    sms_opt_out: bool = False  # answered STOP: never messaged until they opt back in
    recall_consent: bool = False  # agreed to recall nudges
    erased_at: datetime | None = None  # personal data erased on request; counters and appointments kept
    card: SavedCard | None = None  # on file at the payment provider: fees can be collected off-session
    last_record: str = ""  # private: the summary of the latest treatment record ("last time: ...")
    last_record_at: datetime | None = None  # the start of that record's appointment
    erasure_requested_at: datetime | None = None  # asked in their area to delete their data (the owner erases)
    preferred_channel: str | None = None  # whatsapp | email | sms: the client's own choice (None: the salon's order)
    whatsapp_consent: bool = False  # agreed to be written to on WhatsApp
    whatsapp_opt_out: bool = False  # answered STOP on WhatsApp
    email_suppressed: bool = False  # the address bounced for good or complained: never written to again
    marketing_consent: bool = False  # offers and news (broadcasts); separate from appointment messages
    whatsapp_last_inbound_at: datetime | None = None  # the client's last WhatsApp message: opens a free 24-hour window

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def reachability(self) -> Reachability:
        """What routing needs to know of this client (domain/channels.py route())."""
        return Reachability(has_phone=bool(self.phone) and not self.erased, sms_opt_out=self.sms_opt_out,
                            email=None if self.erased else self.email, email_suppressed=self.email_suppressed,
                            whatsapp_consent=self.whatsapp_consent, whatsapp_opt_out=self.whatsapp_opt_out,
                            preferred=self.preferred_channel)

    def may_book_online(self, today: date) -> bool:
        if self.access is Access.BANNED:
            return False
        if self.access is Access.RESTRICTED:
            return self.restricted_until is not None and today >= self.restricted_until
        return True


def normalize_phone(raw: str, default_region: str) -> str:
    """Parse a phone number as a person types it; return E.164 or raise InvalidPhone."""
    import phonenumbers  # imported on first use: ~15 ms of cold start most requests never need

    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(N_("'%(raw)s' is not a phone number. Use the full number, e.g. +39 333 123 4567.",
                                raw=raw)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(N_("'%(raw)s' is not a valid phone number. Check the digits and the country code.", raw=raw))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+393331234567 -> +39******4567: for logs and for screens that need no more."""
    if len(e164) <= 6:
        return "*" * len(e164)
    return e164[:3] + "*" * (len(e164) - 7) + e164[-4:]


MAX_EMAIL = 254
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]{2,}$")


def normalize_email(raw: str | None) -> str | None:
    """An e-mail address as a person types it: trimmed, the domain lower-cased; None when empty.
    Raises InvalidRequest for something that cannot be an address (SES would refuse it)."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > MAX_EMAIL or not _EMAIL.match(text) or ".." in text:
        raise InvalidRequest(N_("'%(text)s' is not an e-mail address. Check it, e.g. name@example.com, "
                                "or leave the field empty.", text=text[:60]), code="invalid_email")
    local, domain = text.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def default_channel(enabled: tuple[str, ...], email: str | None, whatsapp_consent: bool) -> str:
    """The channel a booking form proposes: WhatsApp if the salon has it and the client agreed,
    else e-mail if given, else SMS (or the first the salon has)."""
    if WHATSAPP in enabled and whatsapp_consent:
        return WHATSAPP
    if EMAIL in enabled and email:
        return EMAIL
    return SMS if SMS in enabled or not enabled else enabled[0]


def check_channel_choice(channel: str | None, enabled: tuple[str, ...], email: str | None,
                         whatsapp_consent: bool) -> str | None:
    """The client's chosen channel, validated against what the salon enabled and what they gave."""
    if not channel:
        return None
    if channel not in CHANNELS or channel not in enabled:
        raise InvalidRequest(N_("'%(channel)s' is not a channel this salon uses. Choose one of: %(enabled)s.",
                                channel=channel, enabled=", ".join(enabled)), code="invalid_channel")
    if channel == EMAIL and not email:
        raise InvalidRequest(N_("To be reached by e-mail, give an e-mail address."), code="invalid_channel")
    if channel == WHATSAPP and not whatsapp_consent:
        raise InvalidRequest(N_("To be reached on WhatsApp, tick the box that agrees to WhatsApp messages."),
                             code="invalid_channel")
    return channel
