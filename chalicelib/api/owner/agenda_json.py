"""The agenda as JSON under /v1/admin (documented in OPENAPI_PATHS of agenda.py): the same
services and rules as the pages; errors in the API's shape."""
from chalice import Response

from ...auth import accounts, roles
from ...domain.clock import iso_utc
from ...domain.errors import NotFound
from ...domain.staff_rights import BOOK, FEED, MOVE_CANCEL
from ...domain.text import N_
from ...services import booking
from ...services.owner import agenda as agenda_service
from ...services.owner import agenda_feed as feed_service
from ...web import forms
from ...web.owner.agenda import ACTION_PATHS, parse_start_key, start_key
from ...wiring import now, repository
from .. import schema, views
from ..http import idempotency_key, json_body, query
from .agenda import AGENDA_QUERY, audited, guard, own_staff, owner_agenda, public_base, staff_may, viewer


def _request():
    return owner_agenda.current_request


def _json(body: dict, status: int = 200, **headers) -> Response:
    """Answers carry client phone numbers or a secret URL: never cached."""
    return Response(body=body, status_code=status, headers={"Cache-Control": "no-store", **headers})


def _appointment(appt, salon, catalog) -> dict:
    path = f"/v1/admin/appointments/{start_key(appt.start)}/{appt.id}"
    deposit = None if appt.deposit is None else ("paid" if appt.deposit.paid else "unpaid")
    return {**views.booking_view(appt, salon, catalog), "path": path, "deposit": deposit}


def _entry(entry: agenda_service.Entry, salon, catalog) -> dict:
    return {**_appointment(entry.appointment, salon, catalog),
            "client": {"name": entry.client_name, "phone": entry.client_phone}, "flags": list(entry.flags),
            "actions": [ACTION_PATHS[a] for a in entry.actions]}


@owner_agenda.route("/v1/admin/agenda", methods=["GET"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_agenda():
    params = query(_request(), AGENDA_QUERY)
    agenda = agenda_service.load_agenda(repository(), guard.principal().salon_id, viewer(), params.get("day"),
                                        params.get("view", "day"), params.get("staff"), now())
    salon, catalog = agenda.salon, agenda.catalog
    staff = agenda.days[0].columns if agenda.days else ()
    return _json({"view": agenda.view, "first_day": agenda.first.isoformat(), "last_day": agenda.last.isoformat(),
            "today": agenda.today.isoformat(), "timezone": salon.timezone,
            "staff": [{"id": c.staff.id, "name": c.staff.name} for c in staff],
            "days": [{"date": d.day.isoformat(), "appointments": [_entry(e, salon, catalog) for e in d.entries]}
                     for d in agenda.days]})


def _act(start: str, appointment_id: str, action: str) -> Response:
    found = _find(start, appointment_id)
    done = agenda_service.act(repository(), found, action, now(), public_base())
    audited(action, found.appointment)
    return _json({"appointment": _appointment(done, found.salon, found.catalog)})


def _find(start: str, appointment_id: str) -> agenda_service.Found:
    return agenda_service.find(repository(), guard.principal().salon_id, viewer(), parse_start_key(start),
                               forms.ident(appointment_id))


@owner_agenda.route("/v1/admin/appointments/{start}/{appointment_id}/arrived", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_arrived(start, appointment_id):
    return _act(start, appointment_id, "arrived")


@owner_agenda.route("/v1/admin/appointments/{start}/{appointment_id}/completed", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_completed(start, appointment_id):
    return _act(start, appointment_id, "completed")


@owner_agenda.route("/v1/admin/appointments/{start}/{appointment_id}/no-show", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_no_show(start, appointment_id):
    return _act(start, appointment_id, "no_show")


@owner_agenda.route("/v1/admin/appointments/{start}/{appointment_id}/revert-no-show", methods=["POST"])
@guard.require(roles.AGENDA_ALL, api=True)
def api_revert_no_show(start, appointment_id):
    return _act(start, appointment_id, "revert_no_show")


@owner_agenda.route("/v1/admin/appointments/{start}/{appointment_id}/cancel", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
@staff_may(MOVE_CANCEL, api=True)
def api_cancel(start, appointment_id):
    return _act(start, appointment_id, "cancel")


@owner_agenda.route("/v1/admin/appointments/{start}/{appointment_id}/move", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
@staff_may(MOVE_CANCEL, api=True)
def api_move(start, appointment_id):
    body = json_body(_request(), schema.RESCHEDULE_REQUEST)
    found = _find(start, appointment_id)
    moved = agenda_service.move(repository(), found.salon, found.catalog, found.appointment, body["start"],
                                own_staff(body.get("staff_id")), now(), public_base())
    audited("moved", found.appointment, to=iso_utc(moved.start), to_staff_id=moved.staff_id)
    return _json({"appointment": _appointment(moved, found.salon, found.catalog)})


@owner_agenda.route("/v1/admin/bookings", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
@staff_may(BOOK, api=True)
def api_book_by_phone():
    request = _request()
    key = idempotency_key(request)
    body = json_body(request, schema.BOOKING_REQUEST)
    client = body["client"]
    booked = booking.book(repository(), booking.BookingRequest(
        salon_id=guard.principal().salon_id, service_id=body["service_id"], start=body["start"],
        staff_id=own_staff(body.get("staff_id")), name=client["name"], phone=client["phone"], email=client.get("email"),
        notes=body.get("notes", ""),
    ), now(), key, public_base(), by_salon=True)
    answer = {"appointment": _appointment(booked.appointment, booked.salon, None)}
    if not booked.replayed:
        audited("booked", booked.appointment, by_phone=True)
    if booked.replayed:
        return _json(answer, 200, **{"Idempotent-Replayed": "true"})
    return _json(answer, 201)


@owner_agenda.route("/v1/admin/feeds/{staff_id}/rotate", methods=["POST"])
@guard.require(roles.AGENDA_OWN, api=True)
@staff_may(FEED, api=True)
def api_rotate_feed(staff_id):
    me = guard.principal()
    if own_staff(staff_id) != staff_id:
        raise NotFound(N_("There is no such specialist in your agenda."), "staff_not_found")
    token = feed_service.rotate(repository(), accounts(), me.salon_id, forms.ident(staff_id) or "", me.user_id, now())
    return _json({"staff_id": staff_id, "url": f"{public_base()}/ical/{token}.ics"})
