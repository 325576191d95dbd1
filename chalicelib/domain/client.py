"""The client file: identity, counters and the online-booking status staff can change."""
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from .errors import InvalidPhone
from .money import SavedCard
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

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

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
        raise InvalidPhone(f"'{raw}' is not a phone number. Use the full number, e.g. +39 333 123 4567.") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(f"'{raw}' is not a valid phone number. Check the digits and the country code.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+393331234567 -> +39******4567: for logs and for screens that need no more."""
    if len(e164) <= 6:
        return "*" * len(e164)
    return e164[:3] + "*" * (len(e164) - 7) + e164[-4:]
