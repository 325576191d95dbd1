"""Report counters: what each appointment adds to its month's counters, and the figures a report
shows from them. Pure: the storage layer applies `deltas(before, after)` in the transaction that
changes the appointment, and the repair command sums `contribution` over every appointment, so
the two can only agree.

An appointment counts in the salon-local month of its start, for the salon and for its
specialist. A waitlist hold counts once claimed; one that expired unclaimed never counted. So
does a booking waiting for its deposit: it counts once paid (it becomes booked), and a hold whose
deposit never came (expired) never counted, like an unclaimed waitlist hold: it is not a client's
cancellation.

Money counts where it moved: each movement of an appointment (deposit paid, fee charged to the
card or paid at the desk, refund) adds to the salon-local month of the movement itself, for the
salon and the appointment's specialist, whatever became of the appointment (a late payment
refunded counts both ways). Movements are only ever appended, so the same before/after deltas
apply."""
from calendar import monthrange
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from .appointment import Appointment, CancelledBy, Status
from .catalog import Staff
from .money import MovementKind
from .salon import Salon
from .values import frozen

COUNTERS = ("appointments", "completed", "no_shows", "late_cancels", "cancels", "booked_minutes",
            "revenue_booked_cents", "revenue_lost_cents", "new_clients", "returning_clients",
            "messages_sent", "message_cost_cents",
            *("deposits_cents", "fees_collected_cents", "refunds_cents"))  # money movements (MONEY_COUNTERS)
# Counted by the dispatcher as messages leave, not from appointments (the repair keeps them):
# per channel, and the estimated cost in millionths of a USD (an e-mail costs a hundredth of a cent).
MESSAGE_COUNTERS = ("messages_sent", "message_cost_cents", "message_cost_musd", "messages_whatsapp", "messages_email",
                    "messages_sms", "message_cost_whatsapp_musd", "message_cost_email_musd", "message_cost_sms_musd")
COUNTERS += MESSAGE_COUNTERS[2:]
NOT_YET = (Status.HELD, Status.AWAITING_PAYMENT, Status.EXPIRED)  # never a booking (yet): counts nothing
STANDS = (Status.BOOKED, Status.CONFIRMED, Status.ARRIVED, Status.COMPLETED)
MONTHS_SHOWN = 12
# Which counter each kind of money movement adds to (a fee owed and a waiver move no money).
MONEY_COUNTERS = {MovementKind.DEPOSIT: "deposits_cents", MovementKind.CHARGE: "fees_collected_cents",
                  MovementKind.CASH: "fees_collected_cents", MovementKind.REFUND: "refunds_cents"}

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


def money_moved(appt: Appointment) -> tuple:
    """The movements that count as money in or out: (counter, amount, when), oldest first."""
    return tuple((MONEY_COUNTERS[m.kind], m.amount, m.at) for m in appt.movements if m.kind in MONEY_COUNTERS)


def keyed(appt: Appointment, tz: ZoneInfo) -> dict[Key, dict[str, int]]:
    total: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    counted = contribution(appt)
    if counted:
        month = local_month(appt.start, tz)
        for key in ((month, None), (month, appt.staff_id)):
            total[key].update(counted)
    for name, amount, at in money_moved(appt):
        month = local_month(at, tz)
        for key in ((month, None), (month, appt.staff_id)):
            total[key][name] += amount
    return {key: dict(counters) for key, counters in total.items()}


def unchanged(before: Appointment | None, after: Appointment | None) -> bool:
    """True when the change moves no counter (checked without the salon's zone)."""
    if before is None or after is None:
        appt = before or after
        return not contribution(appt) and not money_moved(appt)
    return (before.start, before.staff_id) == (after.start, after.staff_id) and \
        contribution(before) == contribution(after) and money_moved(before) == money_moved(after)


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


def month_days(month: str) -> tuple[date, date]:
    """The first and the last day of a YYYY-MM month."""
    year, number = int(month[:4]), int(month[5:])
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


@frozen
class FrozenOpenMinutes:
    """A month's open minutes up to `through` (inclusive), computed with the hours in force then:
    written each time the hours change, so a past month keeps the hours it was open with."""

    through: date
    salon: int  # the whole salon (its active specialists, summed)
    staff: dict[str, int]  # each specialist's own


def open_minutes(salon: Salon, members, month: str, snapshot: FrozenOpenMinutes | None = None,
                 staff_id: str | None = None) -> int:
    """Minutes the specialists `members` were open for bookings in the month, summed: the salon's
    hours and closed days, each one's own hours within them, less their time off. The days up to
    `snapshot.through` are taken from the snapshot (the salon's, or `staff_id`'s), the others are
    computed with the current hours (no change of hours happened since)."""
    first, last = month_days(month)
    if snapshot is None or snapshot.through < first:
        return open_minutes_between(salon, members, first, last)
    kept = snapshot.staff.get(staff_id, 0) if staff_id else snapshot.salon
    return kept + open_minutes_between(salon, members, snapshot.through + timedelta(days=1), last)


def freeze(salon: Salon, active, every_staff, first: date, last: date, before: FrozenOpenMinutes | None
           ) -> FrozenOpenMinutes:
    """`before` (or nothing) extended through `last` with the hours of `salon` and the staff as they
    are now: the whole salon over `active`, each of `every_staff` on their own (`first`: the first
    day not yet in `before`)."""
    salon_total = open_minutes_between(salon, active, first, last)
    staff = {s.id: open_minutes_between(salon, [s], first, last) for s in every_staff}
    if before is not None:
        salon_total += before.salon
        staff = {k: staff.get(k, 0) + before.staff.get(k, 0) for k in set(staff) | set(before.staff)}
    return FrozenOpenMinutes(last, salon_total, staff)


def open_minutes_between(salon: Salon, members, first: date, last: date) -> int:
    """Open minutes of `members` from day `first` to day `last` (inclusive)."""
    total = 0
    for day in (first + timedelta(days=n) for n in range(max((last - first).days + 1, 0))):
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
