"""A salon's messaging and attendance policies, with the defaults the design names."""
from dataclasses import field
from datetime import time
from decimal import Decimal

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
