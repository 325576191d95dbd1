"""The scheduled sweeps over the sparse due index: day-before reminders, the nightly no-show
check, and the end of waitlist holds. Each reads only what is due (see storage/sweep_store.py)."""
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .. import observability
from ..domain import schedule
from ..domain.appointment import Appointment, Status
from ..domain.clock import days
from ..domain.errors import DomainError
from . import attendance, notify, waitlist_offers
from .salons import load_salon

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    read: int = 0
    done: dict = field(default_factory=dict)  # what happened -> how many
    errors: int = 0

    def count(self, what: str) -> None:
        self.done[what] = self.done.get(what, 0) + 1


class _Salons:
    """Each salon's configuration is read once per run."""

    def __init__(self, repo):
        self._repo, self._cache = repo, {}

    def __call__(self, salon_id: str):
        if salon_id not in self._cache:
            self._cache[salon_id] = load_salon(self._repo, salon_id)
        return self._cache[salon_id]


def _run_lane(repo, lane: str, now: datetime, handle) -> SweepReport:
    """Read every day bucket from the lane's cursor to today; advance the cursor past the days
    that were handled without error (a failed item is retried by the next run)."""
    report, today = SweepReport(), now.date()
    first = min(repo.cursor(lane, today), today - timedelta(days=1))  # yesterday at least: clocks skew
    clean_until = None
    for day in days(first, today):
        for item in repo.due_appointments(lane, day, now):
            report.read += 1
            try:
                report.count(handle(item))
            except DomainError as error:  # changed by someone else meanwhile: the next run sees it
                report.count(f"skipped: {error.code}")
            except Exception:  # noqa: BLE001 - one bad item must not stop the sweep; it is retried
                log.exception("sweep %s failed on %s", lane, item.id)
                report.errors += 1
                clean_until = clean_until or day
    repo.advance_cursor(lane, clean_until or today)
    return report


def sweep_appointments(repo, now: datetime, base_url: str) -> SweepReport:
    salons = _Salons(repo)

    def handle(appt: Appointment) -> str:
        salon, catalog = salons(appt.salon_id)
        if appt.due.kind == "reminder":
            return _remind(repo, salon, catalog, appt, now, base_url)
        if appt.status in (Status.BOOKED, Status.CONFIRMED):
            attendance.mark_no_show(repo, salon, catalog, appt, now, base_url)
            return "no_show"
        if appt.status is Status.ARRIVED:
            attendance.complete(repo, salon, catalog, appt, now, base_url)
            return "completed"
        repo.update_appointment(appt, replace(appt, due=None))
        return "nothing to do"

    return _run_lane(repo, "appt", now, handle)


def _remind(repo, salon, catalog, appt: Appointment, now: datetime, base_url: str) -> str:
    """The reminder carries a fresh manage link, made when it is sent (only hashes are stored, so
    the first one cannot be re-sent); the appointment moves on to its no-show check."""
    next_due = schedule.Due("noshow", schedule.noshow_check_at(salon, appt.start, appt.end))
    if appt.status not in (Status.BOOKED, Status.CONFIRMED) or now >= appt.start:
        repo.update_appointment(appt, replace(appt, due=next_due if appt.status is not Status.CANCELLED else None))
        return "reminder not needed"
    client = repo.get_client(salon.id, appt.client_id)
    reminder = notify.message(salon, client, "reminder", now, appointment=appt, start=appt.start,
                              manage_url=notify.manage_url(base_url), **notify.names(catalog, appt))
    repo.update_appointment(appt, replace(appt, due=next_due), (reminder,))
    observability.count("RemindersQueued", salon=salon.id)
    return "reminder queued"


def sweep_offers(repo, now: datetime, base_url: str) -> SweepReport:
    salons = _Salons(repo)

    def handle(held: Appointment) -> str:
        if held.due is not None and held.due.kind == "freed":
            return _offer_freed(repo, salons, held, now, base_url)
        if held.status is not Status.HELD:
            repo.update_appointment(held, replace(held, due=None))
            return "claimed"
        salon, catalog = salons(held.salon_id)
        offered = waitlist_offers.expire_hold(repo, salon, catalog, held, now, base_url)
        return "offered to the next" if offered else "released"

    return _run_lane(repo, "offer", now, handle)


def _offer_freed(repo, salons, cancelled: Appointment, now: datetime, base_url: str) -> str:
    """A cancellation freed this slot: offer it, then take the appointment out of the lane. A run
    stopped in between offers again, and finds the slot held or the entry already offered."""
    salon, catalog = salons(cancelled.salon_id)
    offered = waitlist_offers.offer_freed_slot(repo, salon, catalog, cancelled, now, base_url)
    repo.update_appointment(cancelled, replace(cancelled, due=None))
    return "freed slot offered" if offered else "freed slot: nobody to offer it to"
