"""Report counters: what each appointment adds to its month's counters, and the figures a report
shows from them. Pure: the storage layer applies `deltas(before, after)` in the transaction that
changes the appointment, and the repair command sums `contribution` over every appointment, so
the two can only agree.

An appointment counts in the salon-local month of its start, for the salon and for its
specialist. A waitlist hold counts once claimed; one that expired unclaimed never counted. So
does a booking waiting for its deposit: it counts once paid (it becomes booked), and a hold whose
deposit never came (expired) never counted, like an unclaimed waitlist hold: it is not a client's
cancellation."""
from calendar import monthrange
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from .appointment import Appointment, CancelledBy, Status
from .catalog import Staff
from .salon import Salon
from .values import frozen

COUNTERS = ("appointments", "completed", "no_shows", "late_cancels", "cancels", "booked_minutes",
            "revenue_booked_cents", "revenue_lost_cents", "new_clients", "returning_clients",
            "messages_sent", "message_cost_cents")
# Counted by the dispatcher as messages leave, not from appointments (the repair keeps them):
# per channel, and the estimated cost in millionths of a USD (an e-mail costs a hundredth of a cent).
MESSAGE_COUNTERS = ("messages_sent", "message_cost_cents", "message_cost_musd", "messages_whatsapp", "messages_email",
                    "messages_sms", "message_cost_whatsapp_musd", "message_cost_email_musd", "message_cost_sms_musd")
COUNTERS += MESSAGE_COUNTERS[2:]
NOT_YET = (Status.HELD, Status.AWAITING_PAYMENT, Status.EXPIRED)  # never a booking (yet): counts nothing
STANDS = (Status.BOOKED, Status.CONFIRMED, Status.ARRIVED, Status.COMPLETED)
MONTHS_SHOWN = 12

Key = tuple[str, str | None]  # (YYYY-MM, staff id or None for the whole salon)


def cents(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def local_month(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m")


def contribution(appt: Appointment) -> dict[str, int]:
    """What this appointment, as it is now, adds to the counters of its month."""
    if appt.status in NOT_YET or appt.cancelled_by is CancelledBy.OFFER_EXPIRED:
        return {}
    price = cents(appt.price)
    counted = {"appointments": 1, "new_clients" if appt.first_visit else "returning_clients": 1}
    if appt.status in STANDS:
        counted["booked_minutes"] = int((appt.end - appt.start).total_seconds() // 60)
        counted["revenue_booked_cents"] = price
    if appt.status is Status.COMPLETED:
        counted["completed"] = 1
    elif appt.status is Status.NO_SHOW:
        counted.update(no_shows=1, revenue_lost_cents=price)
    elif appt.status is Status.CANCELLED:
        counted.update({"late_cancels": 1, "revenue_lost_cents": price} if appt.late else {"cancels": 1})
    return {name: value for name, value in counted.items() if value}


def keyed(appt: Appointment, tz: ZoneInfo) -> dict[Key, dict[str, int]]:
    counted = contribution(appt)
    if not counted:
        return {}
    month = local_month(appt.start, tz)
    return {(month, None): counted, (month, appt.staff_id): counted}


def unchanged(before: Appointment | None, after: Appointment | None) -> bool:
    """True when the change moves no counter (checked without the salon's zone)."""
    if before is None or after is None:
        return not contribution(before or after)
    return (before.start, before.staff_id) == (after.start, after.staff_id) and \
        contribution(before) == contribution(after)


def deltas(before: Appointment | None, after: Appointment | None, tz: ZoneInfo) -> dict[Key, dict[str, int]]:
    """What a change (a booking: before None; a status change; a move to another time, month or
    specialist) adds to each counter item; items whose counters do not move are left out."""
    total: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for appt, sign in ((before, -1), (after, 1)):
        if appt is None:
            continue
        for key, counted in keyed(appt, tz).items():
            for name, value in counted.items():
                total[key][name] += sign * value
    return {key: {n: v for n, v in counters.items() if v} for key, counters in total.items()
            if any(counters.values())}


def summed(appointments, tz: ZoneInfo) -> dict[Key, dict[str, int]]:
    """The counters recomputed from the appointments themselves (the repair command)."""
    total: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for appt in appointments:
        for key, counted in keyed(appt, tz).items():
            for name, value in counted.items():
                total[key][name] += value
    return {key: dict(counters) for key, counters in total.items()}


# --- the figures of a report ---------------------------------------------------------------------------

def last_months(today: date, count: int = MONTHS_SHOWN) -> list[str]:
    """The `count` months up to this one, oldest first, as YYYY-MM."""
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def open_minutes(salon: Salon, members, month: str) -> int:
    """Minutes the specialists `members` were open for bookings in the month, summed: the salon's
    hours and closed days, each one's own hours within them, less their time off. The current
    hours stand for the past months."""
    year, number = int(month[:4]), int(month[5:])
    total = 0
    for day in (date(year, number, d) for d in range(1, monthrange(year, number)[1] + 1)):
        salon_ranges = salon.intervals_on(day)
        for member in members:
            own = member.hours.get(day.weekday(), ()) if member.hours is not None else salon_ranges
            for a in salon_ranges:
                for b in own:
                    start, end = max(a.start, b.start), min(a.end, b.end)
                    if start < end:
                        total += _minutes_not_off(member, day, start, end)
    return total


def _minutes_not_off(staff: Staff, day: date, start: time, end: time) -> int:
    begin, finish = datetime.combine(day, start), datetime.combine(day, end)
    minutes = (finish - begin) // timedelta(minutes=1)
    for off in staff.time_off:
        overlap = min(finish, off.end) - max(begin, off.start)
        if overlap > timedelta(0):
            minutes -= overlap // timedelta(minutes=1)
    return max(minutes, 0)


@frozen
class MonthFigures:
    month: str
    counters: dict[str, int]
    open_minutes: int

    def get(self, name: str) -> int:
        return int(self.counters.get(name, 0))

    @property
    def attended_or_missed(self) -> int:
        """Appointments that were not cancelled: the base of the no-show rate."""
        return self.get("appointments") - self.get("cancels") - self.get("late_cancels")

    @property
    def no_show_rate(self) -> float | None:
        base = self.attended_or_missed
        return self.get("no_shows") / base if base > 0 else None

    @property
    def utilisation(self) -> float | None:
        return self.get("booked_minutes") / self.open_minutes if self.open_minutes else None
