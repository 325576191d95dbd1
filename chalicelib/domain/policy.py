"""A salon's messaging and attendance policies, with the defaults the design names."""
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal


@dataclass(frozen=True)
class Ladder:
    """No-show escalation: the n-th no-show within `window_days` takes the matching step."""

    warn_at: int = 2
    restrict_at: int = 3
    window_days: int = 365
    restrict_days: int = 90


@dataclass(frozen=True)
class Policy:
    send_from: time = time(9, 0)  # client messages leave only between these local times
    send_until: time = time(20, 0)
    reminder_time: time = time(18, 0)  # on the day before the appointment
    grace_minutes: int = 15  # after the end, before an unmarked appointment counts as missed
    confirmations: bool = True  # booking and cancellation confirmations by SMS
    ladder: Ladder = field(default_factory=Ladder)
    late_cancel_fee: Decimal | None = None
    no_show_fee: Decimal | None = None
    allowed_countries: tuple[str, ...] = ()  # empty: the salon's own country only
    phone_daily_cap: int = 6  # messages to one phone per day
    salon_daily_cap: int = 300  # messages per salon per day
    waitlist_hold_minutes: int = 30
    staff_see_notes: bool = False  # the staff role may read clients' private notes (roles.can staff_notes)

    def sms_countries(self, salon_country: str) -> tuple[str, ...]:
        return self.allowed_countries or (salon_country,)


# --- what the daily SMS caps leave for reminders ----------------------------------------------------
# Texts anyone can cause from the public side, by booking and cancelling (or moving) with no account.
PUBLIC_KINDS = frozenset({"booking_confirmation", "cancellation_confirmation"})
# Those may use at most this share of a day's caps (per phone and per salon): the rest is kept for
# reminders, the ladder, waitlist offers and replies, so scripted book-and-cancel churn cannot use
# up what the salon's real reminders need.
PUBLIC_SHARE_PERCENT = 50


@dataclass(frozen=True)
class SmsCeilings:
    """The platform's ceiling on the caps an owner sets (config: SMS_PHONE_DAILY_CEILING,
    SMS_SALON_DAILY_CEILING): what one salon can spend of the account's SMS budget."""

    phone_daily: int = 20
    salon_daily: int = 2000


DEFAULT_CEILINGS = SmsCeilings()


@dataclass(frozen=True)
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
        problems["phone_daily_cap"] = f"At most {ceilings.phone_daily} texts to one phone a day (the platform's limit)."
    if policy.salon_daily_cap > ceilings.salon_daily:
        problems["salon_daily_cap"] = f"At most {ceilings.salon_daily} texts a day per salon (the platform's limit)."
    return problems
