"""A salon's messaging and attendance policies, with the defaults the design names."""
from dataclasses import field
from datetime import time
from decimal import Decimal

from .money import CardOnFile
from .text import ngettext
from .values import frozen


@frozen
class Ladder:
    """No-show escalation: the n-th no-show within `window_days` takes the matching step."""

    warn_at: int = 2
    restrict_at: int = 3
    window_days: int = 365
    restrict_days: int = 90


@frozen
class Policy:
    send_from: time = time(9, 0)  # client messages leave only between these local times
    send_until: time = time(20, 0)
    reminder_time: time = time(18, 0)  # on the day before the appointment
    grace_minutes: int = 15  # after the end, before an unmarked appointment counts as missed
    confirmations: bool = True  # booking and cancellation confirmations by SMS
    # What clients did online themselves (book, move, cancel) their page already confirmed: its
    # confirmation goes by e-mail, and by SMS or WhatsApp only when the salon wants that too.
    text_receipts: bool = False
    ladder: Ladder = field(default_factory=Ladder)
    late_cancel_fee: Decimal | None = None
    no_show_fee: Decimal | None = None
    allowed_countries: tuple[str, ...] = ()  # empty: the salon's own country only
    phone_daily_cap: int = 6  # messages to one phone per day
    salon_daily_cap: int = 300  # messages per salon per day
    waitlist_hold_minutes: int = 30
    deposit_expiry_minutes: int = 15  # an unpaid deposit booking holds its slot this long
    card_on_file: CardOnFile = CardOnFile.NEVER  # when a client must leave a card to book online
    staff_see_notes: bool = False  # the staff role may read clients' private notes (roles.can staff_notes)

    def requires_card(self, no_show_count: int) -> bool:
        """Whether a client with this many no-shows must leave a card on file to book online."""
        if self.card_on_file is CardOnFile.ALWAYS:
            return True
        return self.card_on_file is CardOnFile.AFTER_WARNING and no_show_count >= self.ladder.warn_at

    def sms_countries(self, salon_country: str) -> tuple[str, ...]:
        return self.allowed_countries or (salon_country,)


# --- what the daily SMS caps leave for reminders ----------------------------------------------------
# Texts anyone can cause from the public side, by booking and cancelling (or moving) with no account.
PUBLIC_KINDS = frozenset({"booking_confirmation", "cancellation_confirmation"})
# Those may use at most this share of a day's caps (per phone and per salon): the rest is kept for
# reminders, the ladder, waitlist offers and replies, so scripted book-and-cancel churn cannot use
# up what the salon's real reminders need.
PUBLIC_SHARE_PERCENT = 50


@frozen
class SmsCeilings:
    """The platform's ceiling on the caps an owner sets (config: SMS_PHONE_DAILY_CEILING,
    SMS_SALON_DAILY_CEILING): what one salon can spend of the account's SMS budget."""

    phone_daily: int = 20
    salon_daily: int = 2000


DEFAULT_CEILINGS = SmsCeilings()


@frozen
class DailyCaps:
    phone: int
    salon: int
    public_phone: int | None = None  # set for PUBLIC_KINDS: their own, smaller, count
    public_salon: int | None = None


def daily_caps(policy: Policy, kind: str, ceilings: SmsCeilings) -> DailyCaps:
    """The caps one message of `kind` is counted against: the owner's, never above the ceiling."""
    phone = min(policy.phone_daily_cap, ceilings.phone_daily)
    salon = min(policy.salon_daily_cap, ceilings.salon_daily)
    if kind not in PUBLIC_KINDS:
        return DailyCaps(phone, salon)
    return DailyCaps(phone, salon, max(1, phone * PUBLIC_SHARE_PERCENT // 100),
                     max(1, salon * PUBLIC_SHARE_PERCENT // 100))


def above_ceilings(policy: Policy, ceilings: SmsCeilings) -> dict[str, str]:
    """Field -> problem, for caps set above the platform's ceiling (settings validation)."""
    problems = {}
    if policy.phone_daily_cap > ceilings.phone_daily:
        problems["phone_daily_cap"] = ngettext("At most %(num)s text to one phone a day (the platform's limit).",
                                               "At most %(num)s texts to one phone a day (the platform's limit).",
                                               ceilings.phone_daily)
    if policy.salon_daily_cap > ceilings.salon_daily:
        problems["salon_daily_cap"] = ngettext("At most %(num)s text a day per salon (the platform's limit).",
                                               "At most %(num)s texts a day per salon (the platform's limit).",
                                               ceilings.salon_daily)
    return problems
