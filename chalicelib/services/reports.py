"""The salon's reports: the last 12 months, for the salon and per specialist, from the counters
the appointment transactions keep (2 DynamoDB requests: the salon, the counters), as figures,
CSV, and the repair that recomputes the counters from the appointments."""
from datetime import datetime, timedelta

from ..domain import reports
from ..domain.catalog import Catalog, Staff
from ..domain.clock import local_today
from ..domain.reports import MonthFigures
from ..domain.salon import Salon
from ..domain.values import frozen
from .exports import to_csv
from .salons import load_salon

CSV_COLUMNS = ("month", "scope", "staff_id", "appointments", "completed", "no_shows", "no_show_rate", "late_cancels",
               "cancels", "revenue_booked", "revenue_lost", "booked_minutes", "open_minutes", "utilisation",
               "new_clients", "returning_clients", "messages_sent", "message_cost",
               *("deposits", "fees_collected", "refunds"))  # money that moved in the month


@frozen
class Line:
    """The salon (staff None) or one specialist, month by month."""

    staff: Staff | None
    months: tuple[MonthFigures, ...]

    @property
    def name(self) -> str:
        return self.staff.name if self.staff else "Whole salon"

    def total(self, name: str) -> int:
        return sum(m.get(name) for m in self.months)

    @property
    def totals(self) -> MonthFigures:
        return MonthFigures("total", {n: self.total(n) for n in reports.COUNTERS},
                            sum(m.open_minutes for m in self.months))


@frozen
class Report:
    salon: Salon
    catalog: Catalog
    months: tuple[str, ...]
    salon_line: Line
    staff_lines: tuple[Line, ...]


def load_report(repo, salon_id: str, now: datetime) -> Report:
    salon, catalog = load_salon(repo, salon_id)
    months = reports.last_months(local_today(now, salon.tz))
    counters, frozen = repo.report_months(salon.id, months[0], months[-1])  # one Query: counters and hours
    counted_staff = {staff_id for (_, staff_id) in counters if staff_id}
    shown = [s for s in catalog.staff if s.active or s.id in counted_staff]
    active = [s for s in catalog.staff if s.active]

    def line(staff: Staff | None) -> Line:
        members = [staff] if staff else active
        return Line(staff, tuple(MonthFigures(m, counters.get((m, staff.id if staff else None), {}),
                                              reports.open_minutes(salon, members, m, frozen.get(m),
                                                                   staff.id if staff else None))
                                 for m in months))

    return Report(salon, catalog, tuple(months), line(None), tuple(line(s) for s in shown))


FREEZE_PASSES = 3


def freeze_open_minutes(repo, salon: Salon, catalog: Catalog, now: datetime) -> None:
    """Call before saving a change of hours (the salon's hours or closed days, a specialist's hours,
    time off, arrival or leaving), with the salon and catalog as they still are: every reported
    month's open minutes up to yesterday are frozen with these hours, so utilisation of the past
    keeps the hours it was open with. Costs a Query and, when something is left to freeze, one
    transaction; the reports page still reads them with its one Query."""
    today = local_today(now, salon.tz)
    yesterday = today - timedelta(days=1)
    months = reports.last_months(today)
    active = [s for s in catalog.staff if s.active]
    for _ in range(FREEZE_PASSES):
        _, frozen = repo.report_months(salon.id, months[0], months[-1])
        writes = {}
        for month in months:
            first, last = reports.month_days(month)
            last = min(last, yesterday)
            before = frozen.get(month)
            start = before.through + timedelta(days=1) if before else first
            if start <= last:
                writes[month] = (before, reports.freeze(salon, active, catalog.staff, start, last, before))
        if repo.freeze_open_minutes(salon.id, writes):
            return
    # Other changes of hours kept freezing the same months: what they froze is already right.


def as_csv(report: Report) -> str:
    rows = []
    for line in (report.salon_line, *report.staff_lines):
        for m in line.months:
            rows.append((m.month, "salon" if line.staff is None else "staff", line.staff.id if line.staff else "",
                         *_row(m)))
    return to_csv(CSV_COLUMNS, rows)


def as_json(report: Report) -> dict:
    def figures(m: MonthFigures) -> dict:
        return {"month": m.month, **dict(zip(CSV_COLUMNS[3:], _row(m), strict=True))}

    return {"salon": {"id": report.salon.id, "currency": report.salon.currency}, "months": list(report.months),
            "whole_salon": [figures(m) for m in report.salon_line.months],
            "staff": [{"id": line.staff.id, "name": line.staff.name, "months": [figures(m) for m in line.months]}
                      for line in report.staff_lines]}


def _row(m: MonthFigures) -> tuple:
    rate, used = m.no_show_rate, m.utilisation
    return (m.get("appointments"), m.get("completed"), m.get("no_shows"),
            None if rate is None else round(rate, 4), m.get("late_cancels"), m.get("cancels"),
            _money(m.get("revenue_booked_cents")), _money(m.get("revenue_lost_cents")), m.get("booked_minutes"),
            m.open_minutes, None if used is None else round(used, 4), m.get("new_clients"),
            m.get("returning_clients"), m.get("messages_sent"), usd(m.get("message_cost_musd")),
            *(_money(m.get(name)) for name in ("deposits_cents", "fees_collected_cents", "refunds_cents")))


def usd(micro: int) -> str:
    """Millionths of a USD as dollars with four decimals: the estimated message cost."""
    return f"{(micro or 0) / 1_000_000:.4f}"


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


# --- repair ----------------------------------------------------------------------------------------

@frozen
class Difference:
    month: str
    staff_id: str | None
    counter: str
    stored: int
    recomputed: int


# Counted by the dispatcher as texts leave, not from the appointments: the repair leaves them alone.
REPAIRED = tuple(name for name in reports.COUNTERS if name not in reports.MESSAGE_COUNTERS)
REPAIR_PASSES = 3


class RepairContended(Exception):
    """Bookings kept moving the counters while the repair wrote them: run it again later."""


def differences(stored: dict, recomputed: dict) -> list[Difference]:
    found = []
    for key in sorted(set(stored) | set(recomputed), key=lambda k: (k[0], k[1] or "")):
        for name in REPAIRED:
            have, want = int(stored.get(key, {}).get(name, 0)), int(recomputed.get(key, {}).get(name, 0))
            if have != want:
                found.append(Difference(key[0], key[1], name, have, want))
    return found


def repair(repo, salon_id: str, now: datetime, fix: bool = False) -> list[Difference]:
    """Recompute every month's counters from the salon's appointments and compare them with the
    stored ones; `fix`: correct the items that differ (message counters are kept). Returns what
    differed. Safe on a live table: the counters are read before the appointments, and each
    correction is written only while the item still holds what was read, so a booking landing
    meanwhile is never lost; such a salon is read again (RepairContended after REPAIR_PASSES)."""
    salon, _ = load_salon(repo, salon_id)
    first = None
    for _ in range(REPAIR_PASSES):
        stored = repo.report_counters(salon.id, "0000-00", "9999-99")  # before the appointments: see above
        recomputed = reports.summed(repo.all_appointments(salon.id), salon.tz)
        found = differences(stored, recomputed)
        first = found if first is None else first
        if not fix or not found:
            return first
        keys = sorted({(d.month, d.staff_id) for d in found}, key=lambda k: (k[0], k[1] or ""))
        written = [repo.correct_report_counters(salon.id, month, staff_id, stored.get((month, staff_id), {}),
                                                recomputed.get((month, staff_id), {}), REPAIRED)
                   for month, staff_id in keys]
        if all(written):
            return first
    raise RepairContended(f"The counters of {salon.id} kept changing while they were repaired: run it again.")
