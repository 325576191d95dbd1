"""The client's area's home page: what it costs for a client with 200 past appointments.

The client signs in for real (a code through the local SMS provider), then the home page's work
is counted: the session's GetItem, the salon's Query and one page of the client's history (a
Query on GSI1, newest first, limited to the page). 200 past appointments are written straight
into the table (as bench/seed.py does), one a week back from `now`.
"""
from datetime import timedelta

from chalicelib.auth import signing_key
from chalicelib.domain.appointment import Appointment, Status
from chalicelib.domain.client import Client
from chalicelib.domain.ids import new_id
from chalicelib.messaging.local import LocalSender
from chalicelib.services.client_area import area as client_area
from chalicelib.services.client_area import sign_in as client_sign_in
from chalicelib.storage.client_area_store import ClientAreaStore
from chalicelib.storage.mapping import appointment_to_item
from chalicelib.storage.models import AppointmentItem

from .counting import Counted, RequestCounter

PAST_APPOINTMENTS = 200
PHONE = "+393330000200"


def home_page(repo, counter: RequestCounter, salon_id: str, now) -> Counted:
    salon, _ = repo.load_salon(salon_id)
    client = Client(id=new_id(), name="Bench Regular", phone=PHONE, locale=salon.locale)
    repo.create_client(salon_id, client, now)
    with AppointmentItem.batch_write() as batch:
        for week in range(1, PAST_APPOINTMENTS + 1):
            start = now - timedelta(weeks=week, hours=1)
            batch.save(appointment_to_item(Appointment(
                id=new_id(), salon_id=salon_id, service_id="haircut", staff_id="giulia", client_id=client.id,
                start=start, end=start + timedelta(minutes=30), status=Status.COMPLETED, created_at=start)))
    store, sender, key = ClientAreaStore(), LocalSender(), signing_key()
    client_sign_in.request_code(repo, store, sender, key, salon, PHONE, None, now)
    code = next(word.strip(".") for word in sender.sent[-1]["body"].split() if word.strip(".").isdigit())
    token, _ = client_sign_in.verify_code(repo, store, key, salon, PHONE, code, None, now)
    with counter.measure() as counted:
        session = client_sign_in.resolve(store, key, token, now, salon_id)
        home = client_area.home(repo, store, session, now)
    if len(home.past) != client_area.PAGE or home.older_before is None:
        raise RuntimeError("The area's home page did not show a full first page of the history.")
    return counted
