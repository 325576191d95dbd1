"""The owner's agenda: a day or a week of appointments per specialist, what can be done to each
one, and the salon's own move. Who may see what is decided here, from a `Viewer` the route
builds from the signed-in user: a staff login sees only its own specialist's appointments (any
other is "not found"), and private notes only where its role and the salon allow."""
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from ...auth import roles
from ...domain.appointment import Appointment, CancelledBy, Status
from ...domain.catalog import Catalog, Staff
from ...domain.clock import local_today
from ...domain.errors import IllegalTransition, InvalidRequest, NotFound
from ...domain.salon import Salon
from ...domain.staff_rights import MOVE_CANCEL
from ...domain.values import frozen
from ...web.catalogs import N_  # marks the messages owner pages translate (make messages)
from .. import attendance, manage, notify, waitlist_offers
from ..salons import load_salon

VIEWS = {"day": 1, "week": 7}
ALL = "all"
# What a staff login may do to its own appointments; the rest needs every specialist's agenda.
OWN_ACTIONS = ("arrived", "completed", "no_show")
DESK_ACTIONS = ("revert_no_show", "cancel", "move")


@frozen
class Viewer:
    role: str
    staff_id: str | None  # the specialist a staff login is

    @property
    def all_staff(self) -> bool:
        return roles.can(self.role, roles.AGENDA_ALL)

    def sees_notes(self, salon: Salon) -> bool:
        # The Settings area adds `staff_see_notes` to the policy; until then staff never see notes.
        return roles.can(self.role, roles.CLIENT_NOTES, staff_notes=getattr(salon.policy, "staff_see_notes", False))


@frozen
class Entry:
    appointment: Appointment
    service_name: str
    staff_name: str
    client_name: str
    client_phone: str
    allergies: str  # empty when none, or when the viewer may not read them
    notes: str  # the client file's private notes and the booking's note, same rule
    actions: tuple[str, ...]
    last_time: str = ""  # the client's latest treatment record before this visit, same rule as notes
    last_time_at: datetime | None = None  # when that record was written (pages format it)

    @property
    def flags(self) -> tuple[str, ...]:
        return (("allergies",) if self.allergies else ()) + (("note",) if self.notes else ())


@frozen
class Column:
    staff: Staff
    entries: tuple[Entry, ...]


@frozen
class AgendaDay:
    day: date
    columns: tuple[Column, ...]

    @property
    def entries(self) -> list[Entry]:
        return sorted((e for c in self.columns for e in c.entries), key=lambda e: e.appointment.start)


@frozen
class Agenda:
    salon: Salon
    catalog: Catalog
    view: str
    staff_choice: str  # ALL or a staff id
    today: date
    days: tuple[AgendaDay, ...]

    @property
    def first(self) -> date:
        return self.days[0].day

    @property
    def last(self) -> date:
        return self.days[-1].day


@frozen
class Found:
    salon: Salon
    catalog: Catalog
    appointment: Appointment


def period(day: date, view: str, first_weekday: int = 0) -> tuple[date, date]:
    """A day, or the week around it starting on `first_weekday` (0 Monday ... 6 Sunday: the reader's)."""
    if view not in VIEWS:
        raise InvalidRequest(N_("view must be day or week."))
    first = day - timedelta(days=(day.weekday() - first_weekday) % 7) if view == "week" else day
    return first, first + timedelta(days=VIEWS[view] - 1)


def load_agenda(repo, salon_id: str, viewer: Viewer, day: date | None, view: str, staff_choice: str | None,
                now: datetime, first_weekday: Callable[[Salon], int] | None = None) -> Agenda:
    """One Query for the salon, one for the period's appointments, one BatchGetItem for their clients.
    `first_weekday(salon)`: the day a week starts on for the reader (None: Monday)."""
    salon, catalog = load_salon(repo, salon_id)
    today = local_today(now, salon.tz)
    first, last = period(day or today, view, first_weekday(salon) if first_weekday else 0)
    begin = datetime.combine(first, time.min, salon.tz)
    end = datetime.combine(last + timedelta(days=1), time.min, salon.tz)
    found = [a for a in repo.appointments_overlapping(salon.id, begin, end) if begin <= a.start < end]
    choice, staff = _columns(catalog, viewer, staff_choice, {a.staff_id for a in found})
    shown = {s.id for s in staff}
    found = sorted((a for a in found if a.staff_id in shown), key=lambda a: (a.start, a.id))
    clients = repo.agenda_clients(salon.id, {a.client_id for a in found})
    notes = viewer.sees_notes(salon)
    entries = [_entry(a, catalog, clients.get(a.client_id), notes, viewer, salon, now) for a in found]
    days = []
    current = first
    while current <= last:
        on_day = [e for e in entries if e.appointment.start.astimezone(salon.tz).date() == current]
        days.append(AgendaDay(current, tuple(
            Column(s, tuple(e for e in on_day if e.appointment.staff_id == s.id)) for s in staff)))
        current += timedelta(days=1)
    return Agenda(salon, catalog, view, choice, today, tuple(days))


def _columns(catalog: Catalog, viewer: Viewer, choice: str | None, booked: set[str]) -> tuple[str, tuple[Staff, ...]]:
    """Staff logins always get their own column, whatever they ask for. Retired specialists
    keep a column while they still have appointments in the period."""
    if not viewer.all_staff:
        return viewer.staff_id or "", tuple(s for s in catalog.staff if s.id == viewer.staff_id)
    if choice in (None, "", ALL):
        return ALL, tuple(s for s in catalog.staff if s.active or s.id in booked)
    staff = next((s for s in catalog.staff if s.id == choice), None)
    if staff is None:
        raise NotFound(N_("This salon has no specialist '%(staff)s'.", staff=choice[:64]), "staff_not_found")
    return staff.id, (staff,)


def _entry(appt: Appointment, catalog: Catalog, client, notes: bool, viewer: Viewer, salon: Salon,
           now: datetime) -> Entry:
    service = next((s for s in catalog.services if s.id == appt.service_id), None)
    staff = next((s for s in catalog.staff if s.id == appt.staff_id), None)
    private = "\n".join(t for t in ((client.notes if client else ""), appt.notes) if t) if notes else ""
    return Entry(
        appointment=appt, service_name=service.name if service else appt.service_id,
        staff_name=staff.name if staff else appt.staff_id,
        client_name=(client.name if client else "") or "(no name)", client_phone=client.phone if client else "",
        allergies=(client.allergies if client and notes else ""), notes=private,
        actions=actions_for(appt, viewer, salon, now), **(_last_time(appt, client) if notes else {}),
    )


def _last_time(appt: Appointment, client) -> dict:
    if client is None or not client.last_record or client.last_record_at is None:
        return {}
    if client.last_record_at >= appt.start:
        return {}
    return {"last_time": client.last_record, "last_time_at": client.last_record_at}


def actions_for(appt: Appointment, viewer: Viewer, salon: Salon, now: datetime) -> tuple[str, ...]:
    """What the agenda offers for this appointment now (each is still checked when it is done)."""
    found: list[str] = []
    if appt.is_active:
        if appt.start.astimezone(salon.tz).date() <= local_today(now, salon.tz):
            found.append("arrived")
        if now >= appt.start:
            found.append("no_show")
        else:
            found.append("move")
        found.append("cancel")
    elif appt.status is Status.ARRIVED:
        found.append("completed")
    elif appt.status is Status.NO_SHOW:
        found.append("revert_no_show")
    own = OWN_ACTIONS + (("cancel", "move") if MOVE_CANCEL in salon.staff_rights else ())
    return tuple(a for a in found if viewer.all_staff or a in own)


def entry(repo, found: Found, viewer: Viewer, now: datetime) -> Entry:
    """One appointment as the agenda shows it (its page)."""
    appt = found.appointment
    client = repo.get_client(found.salon.id, appt.client_id)
    return _entry(appt, found.catalog, client, viewer.sees_notes(found.salon), viewer, found.salon, now)


def find(repo, salon_id: str, viewer: Viewer, start: datetime | None, appointment_id: str | None) -> Found:
    """The appointment (start, id) of the viewer's salon and, for a staff login, of their own
    specialist. Anything else is the same "not found", so nothing is confirmed to a prying user."""
    appt = repo.get_appointment(salon_id, start, appointment_id) if start and appointment_id else None
    if appt is None or appt.salon_id != salon_id or not (viewer.all_staff or appt.staff_id == viewer.staff_id):
        raise NotFound(N_("There is no such appointment in this agenda."), "appointment_not_found")
    salon, catalog = load_salon(repo, salon_id)
    return Found(salon, catalog, appt)


def act(repo, found: Found, action: str, now: datetime, base_url: str) -> Appointment:
    """arrived, completed, no_show, revert_no_show or cancel (by the salon: never late)."""
    salon, catalog, appt = found.salon, found.catalog, found.appointment
    if action == "arrived":
        if appt.start.astimezone(salon.tz).date() > local_today(now, salon.tz):
            raise IllegalTransition(N_("An appointment can be marked as arrived only on its day."), "not_today")
        return attendance.mark_arrived(repo, appt)
    if action == "completed":
        return attendance.complete(repo, salon, catalog, appt, now, base_url)
    if action == "no_show":
        # During the appointment the rest of its time goes back to the waitlist; afterwards
        # there is nothing left to free. Before its start the service refuses.
        return attendance.mark_no_show(repo, salon, catalog, appt, now, base_url, early=now < appt.end)
    if action == "revert_no_show":
        return attendance.revert_no_show(repo, salon, appt, now)
    if action == "cancel":
        return manage.cancel_appointment(repo, salon, catalog, appt, CancelledBy.SALON, now, base_url)
    raise InvalidRequest(N_("Unknown action '%(action)s'.", action=action[:40]))


def move(repo, salon: Salon, catalog: Catalog, appt: Appointment, start: datetime, staff_id: str | None,
         now: datetime, base_url: str) -> Appointment:
    """The salon moves an appointment, under the same rules as the client's own reschedule. A new
    time is texted to the client with a fresh manage link (the table keeps only the digests of
    the old ones); another specialist at the same time is not worth a text."""
    moved = manage.planned_move(salon, catalog, appt, start, staff_id, now)
    if moved == appt:
        return appt
    messages = ()
    if moved.start != appt.start:  # the confirmation's link is made when it is sent
        client = repo.get_client(salon.id, appt.client_id)
        if client is not None:
            messages = notify.booking_confirmation(salon, catalog, client, moved, base_url, now)
    repo.reschedule(appt, moved, None, messages)
    waitlist_offers.offer_freed_slot(repo, salon, catalog, appt, now, base_url)
    return moved
