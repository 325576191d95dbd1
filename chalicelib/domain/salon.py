"""The salon: where, when it is open, and the booking policies clients see."""
from dataclasses import field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

from .channels import DEFAULT_ORDER, PriceTable
from .errors import InvalidRequest
from .policy import Policy
from .text import N_
from .values import frozen

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SUPPORTED_LOCALES = ("en", "it", "pl", "pt", "es", "ru")


@frozen
class TimeRange:
    """A local wall-clock interval within one day, start < end."""

    start: time
    end: time

    def __post_init__(self):
        if self.start >= self.end:
            raise InvalidRequest(N_("An interval must end after it starts (%(interval)s).",
                                    interval=f"{self.start:%H:%M}-{self.end:%H:%M}"))

    @classmethod
    def parse(cls, text: str) -> "TimeRange":
        """'09:00-13:00' -> TimeRange."""
        try:
            start, end = text.split("-")
            return cls(time.fromisoformat(start.strip()), time.fromisoformat(end.strip()))
        except ValueError as exc:
            raise InvalidRequest(N_("'%(text)s' is not an interval like 09:00-13:00.", text=text)) from exc

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_weekly_hours(spec: dict[str, list[str]]) -> dict[int, tuple[TimeRange, ...]]:
    """{'tue': ['09:00-13:00', '14:00-19:00']} -> {1: (TimeRange, TimeRange)}; days left out are closed."""
    hours: dict[int, tuple[TimeRange, ...]] = {}
    for day_name, ranges in spec.items():
        if day_name not in WEEKDAYS:
            raise InvalidRequest(N_("'%(day)s' is not a weekday (use %(weekdays)s).", day=day_name,
                                    weekdays=", ".join(WEEKDAYS)))
        parsed = sorted((TimeRange.parse(r) for r in ranges), key=lambda r: r.start)
        for earlier, later in zip(parsed, parsed[1:]):
            if later.start < earlier.end:
                raise InvalidRequest(N_("Intervals %(earlier)s and %(later)s on %(day)s overlap.",
                                        earlier=str(earlier), later=str(later), day=day_name))
        if parsed:
            hours[WEEKDAYS.index(day_name)] = tuple(parsed)
    return hours


def format_weekly_hours(hours: dict[int, tuple[TimeRange, ...]]) -> dict[str, list[str]]:
    return {WEEKDAYS[day]: [str(r) for r in ranges] for day, ranges in sorted(hours.items())}


@frozen
class Salon:
    id: str
    name: str
    phone: str
    timezone: str
    locale: str = "en"
    currency: str = "EUR"
    country: str = "IT"  # default region for parsing client phone numbers
    hours: dict[int, tuple[TimeRange, ...]] = field(default_factory=dict)
    closed_dates: frozenset[date] = frozenset()
    slot_minutes: int = 15
    min_notice_minutes: int = 60
    horizon_days: int = 60
    cancellation_cutoff_hours: int = 24
    policy: Policy = field(default_factory=Policy)
    staff_rights: frozenset[str] = frozenset()  # what staff may do in their own day (domain/staff_rights.py)
    address: str = ""  # the street address clients see and calendar apps map ("": not given)
    # Channels (domain/channels.py): which the salon uses, in which order, at which prices.
    channels_enabled: tuple[str, ...] = ("sms",)
    channel_order: tuple[str, ...] = DEFAULT_ORDER
    price_overrides: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # channel -> country -> USD
    monthly_budget_usd: Decimal | None = None  # past it only reminders and sign-in codes leave
    email_from: str | None = None  # a verified SES identity
    whatsapp_phone_number_id: str | None = None  # End User Messaging Social's id of the salon's number

    @property
    def price_table(self) -> PriceTable:
        return PriceTable(self.price_overrides)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def intervals_on(self, day: date) -> tuple[TimeRange, ...]:
        if day in self.closed_dates:
            return ()
        return self.hours.get(day.weekday(), ())

    def free_cancellation_until(self, start: datetime) -> datetime:
        from datetime import timedelta

        return start - timedelta(hours=self.cancellation_cutoff_hours)
