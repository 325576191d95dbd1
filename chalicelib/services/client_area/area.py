"""What a signed-in client does in their area at one salon. Every function takes the client's
session (salon and client come from it, never from the request), so a client can only ever reach
their own appointments at that salon: another client's id is simply not in their history (404).

Private notes, allergies and treatment records stay on the salon's side: nothing here reads them
into an answer."""
import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from ...domain.appointment import Appointment, CancelledBy, Status
from ...domain.catalog import Catalog
from ...domain.client import Client
from ...domain.clock import iso_utc
from ...domain.errors import IllegalTransition, InvalidRequest, NotFound
from ...domain.salon import Salon
from ...domain.values import frozen
from ...storage.client_area_store import ClientSession, Preferences
from .. import booking, manage, waitlist
from ..salons import load_salon

PAGE = 50  # appointments on one page of the history
UPCOMING = (Status.HELD, Status.BOOKED, Status.CONFIRMED)
_ID = re.compile(r"^[0-9A-Za-z]{1,40}$")


@frozen
class Home:
    salon: Salon
    catalog: Catalog
    upcoming: list[Appointment]  # soonest first
    past: list[Appointment]  # newest first
    older_before: datetime | None  # where the next page of the history starts, if there is one


@frozen
class Own:
    salon: Salon
    catalog: Catalog
    appointment: Appointment

    @property
    def free_cancellation_until(self) -> datetime:
        return self.salon.free_cancellation_until(self.appointment.start)


def home(repo, store, session: ClientSession, now: datetime, before: datetime | None = None) -> Home:
    """Three requests whatever the history's length: the salon, and one page of the client's
    history newest first (the session was the first)."""
    salon, catalog = load_salon(repo, session.salon_id)
    page = store.client_history(session.salon_id, session.client_id, before, PAGE + 1)
    more = len(page) > PAGE
    page = page[:PAGE]
    upcoming = sorted((a for a in page if a.start >= now and a.status in UPCOMING), key=lambda a: a.start)
    past = [a for a in page if not (a.start >= now and a.status in UPCOMING) and a.status is not Status.HELD]
    older = page[-1].start - timedelta(seconds=1) if more and page else None
    return Home(salon, catalog, upcoming if before is None else [], past, older)


def own_appointment(repo, session: ClientSession, appointment_id: str) -> Own:
    """One of the session's client's appointments at the session's salon, else NotFound."""
    appt = None
    if appointment_id and _ID.match(appointment_id):
        appt = repo.client_appointment(session.salon_id, session.client_id, appointment_id)
    if appt is None or appt.client_id != session.client_id or appt.salon_id != session.salon_id:
        raise NotFound("You have no such appointment here.", "booking_not_found")
    salon, catalog = load_salon(repo, session.salon_id)
    return Own(salon, catalog, appt)


def cancel(repo, session: ClientSession, appointment_id: str, now: datetime, base_url: str,
           guard=None) -> Own:
    """`guard` (every write of the area): the public rate limits, per address, phone and salon,
    counted in the write's own transaction like the manage link's."""
    own = own_appointment(repo, session, appointment_id)
    client = repo.get_client(own.salon.id, own.appointment.client_id)
    charges = tuple(guard.charges(own.salon.id, phone=client.phone)) if guard is not None and client else ()
    cancelled = manage.cancel_appointment(repo, own.salon, own.catalog, own.appointment, CancelledBy.CLIENT, now,
                                          base_url, client=client, rate_charges=charges)
    return replace(own, appointment=cancelled)


def move(repo, session: ClientSession, appointment_id: str, start: datetime, staff_id: str | None,
         now: datetime, base_url: str, guard=None) -> Own:
    """Move under the booking rules. The confirmation text carries a new manage link, made by the
    dispatcher when the text leaves (the area never holds a link: only their hashes are stored)."""
    own = own_appointment(repo, session, appointment_id)
    moved = manage.move_appointment(
        repo, own.salon, own.catalog, own.appointment, start, staff_id, now, base_url,
        charges_for=lambda client: guard.charges(own.salon.id, phone=client.phone) if guard and client else ())
    return replace(own, appointment=moved)


def client_file(repo, session: ClientSession) -> Client:
    client = repo.get_client(session.salon_id, session.client_id)
    if client is None or client.erased:
        raise NotFound("Your details are no longer kept by this salon.", "client_not_found")
    return client


def short_name(name: str) -> str:
    """"Anna Maria Rossi" -> "Anna R.": enough to recognise oneself, little to a passer-by."""
    words = name.split()
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{words[0]} {words[-1][0]}."


def book(repo, session: ClientSession, service_id: str, staff_id: str | None, start: datetime, now: datetime,
         idempotency_key: str | None, base_url: str, notes: str = "", guard=None) -> booking.Booked:
    """Book with the details the salon already has: nothing to retype."""
    client = client_file(repo, session)
    return booking.book(repo, booking.BookingRequest(
        salon_id=session.salon_id, service_id=service_id, start=start, name=client.name, phone=client.phone,
        staff_id=staff_id, email=client.email, notes=notes, recall_consent=client.recall_consent,
    ), now, idempotency_key, base_url, guard=guard)


def join_waitlist(repo, session: ClientSession, service_id: str, staff_id: str | None, first_day: date,
                  last_day: date, now: datetime, guard=None):
    client = client_file(repo, session)
    return waitlist.join(repo, waitlist.WaitlistRequest(
        salon_id=session.salon_id, service_id=service_id, staff_id=staff_id, first_day=first_day,
        last_day=last_day, name=client.name, phone=client.phone, email=client.email,
    ), now, guard=guard)


def preferences(repo, store, session: ClientSession) -> tuple[Client, Preferences]:
    client = client_file(repo, session)
    prefs = store.client_preferences(session.salon_id, session.client_id)
    return client, prefs


def set_consents(repo, store, session: ClientSession, recall: bool, marketing: bool) -> None:
    client_file(repo, session)
    store.set_client_consents(session.salon_id, session.client_id, recall, marketing)


def my_data(repo, store, session: ClientSession, now: datetime) -> dict:
    """Everything the salon holds about the client that is the client's to see (right of
    access): the file without the salon's private notes, appointments, texts, waitlist."""
    from ..exports import appointment_record, client_record, message_record

    salon, catalog = load_salon(repo, session.salon_id)
    client = client_file(repo, session)
    prefs = store.client_preferences(salon.id, client.id)
    record = client_record(client, notes=False)
    record["marketing_consent"] = bool(prefs and prefs.marketing_consent)
    return {
        "exported_at": iso_utc(now), "salon": {"id": salon.id, "name": salon.name, "phone": salon.phone},
        "client": record,
        "appointments": [appointment_record(a, salon, catalog) for a in repo.client_appointments(salon.id, client.id)
                         if a.status is not Status.HELD],
        "messages_sent": [message_record(m, salon) for m in repo.client_messages(salon.id, client.id,
                                                                                   newest_first=False)],
        "waitlist": [{name: entry[name] for name in ("id", "service_id", "staff_id", "first_day", "last_day",
                                                     "status", "created_at")}
                     for entry in repo.client_waitlist(salon.id, client.id)],
    }


def request_erasure(repo, store, audit, session: ClientSession, now: datetime) -> None:
    """"Delete my data": a request the salon confirms (the owner erases from the client file).
    Refused while appointments are upcoming, as on the owner side."""
    client = client_file(repo, session)
    upcoming = [a for a in repo.client_appointments(session.salon_id, client.id, since=now) if a.status in UPCOMING]
    if upcoming:
        raise IllegalTransition("You have upcoming appointments. Cancel them first, then ask again.",
                                "client_has_upcoming")
    repo.request_erasure(session.salon_id, client.id, now)
    audit.record_audit(session.salon_id, f"client:{client.id}", "erasure_requested", f"client:{client.id}", {}, now)


def parse_day_range(first: date | None, last: date | None) -> tuple[date, date]:
    if first is None or last is None:
        raise InvalidRequest("Give the first and the last day.")
    return first, last
