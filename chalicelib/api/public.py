"""Public JSON API v1 (the contract in docs/api.md and /v1/openapi.json)."""

from chalice import Blueprint, Response

from ..domain.errors import DomainError
from ..services import availability, booking, manage, payments, rate_limit, salons, waitlist, waitlist_offers
from ..wiring import config, now
from ..wiring import payments as payment_provider
from ..wiring import public_repository as repository
from . import errors, schema, views
from .http import base_url, idempotency_key, json_body, query, source_address

public = Blueprint(__name__)



def _handled(view):
    """Domain errors become their HTTP answer; nothing else is caught here."""
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            return errors.from_domain(error)
    wrapper.__name__ = view.__name__
    return wrapper



def _salon(salon_id: str):
    return salons.load_salon(repository(), salons.checked_salon_id(salon_id))


def _base() -> str:
    return base_url(public.current_request, config().public_base_url)


def _guard() -> rate_limit.RateGuard:
    """Every public write is counted per caller address, per phone or manage link, and per salon."""
    return rate_limit.RateGuard(repository(), source_address(public.current_request), now())


def _manage_url(token: str) -> str:
    return f"{_base()}/manage/{token}"


@public.route("/v1/salons/{salon_id}", methods=["GET"])
@_handled
def get_salon(salon_id):
    salon, _ = _salon(salon_id)
    return views.salon_view(salon)


@public.route("/v1/salons/{salon_id}/services", methods=["GET"])
@_handled
def list_services(salon_id):
    salon, catalog = _salon(salon_id)
    return {"services": [views.service_view(s, salon, catalog) for s in catalog.services if s.active]}


@public.route("/v1/salons/{salon_id}/staff", methods=["GET"])
@_handled
def list_staff(salon_id):
    _, catalog = _salon(salon_id)
    return {"staff": [views.staff_view(s, catalog) for s in catalog.staff if s.active]}


@public.route("/v1/salons/{salon_id}/availability", methods=["GET"])
@_handled
def get_availability(salon_id):
    salons.checked_salon_id(salon_id)
    params = query(public.current_request, schema.AVAILABILITY_QUERY)
    salon, slots = availability.find_slots(repository(), salon_id, params["service_id"], params["date_from"],
                                           params["date_to"], now(), params.get("staff_id"))
    return {"slots": [views.slot_view(s, salon) for s in slots]}


@public.route("/v1/salons/{salon_id}/bookings", methods=["POST"])
@_handled
def create_booking(salon_id):
    request = public.current_request
    salons.checked_salon_id(salon_id)
    key = idempotency_key(request)
    body = json_body(request, schema.BOOKING_REQUEST)
    client = body["client"]
    booked = booking.book(repository(), booking.BookingRequest(
        salon_id=salon_id, service_id=body["service_id"], start=body["start"], staff_id=body.get("staff_id"),
        name=client["name"], phone=client["phone"], email=client.get("email"), notes=body.get("notes", ""),
        recall_consent=client.get("recall_consent", False), channel=client.get("channel"),
        whatsapp_consent=client.get("whatsapp_consent", False),
        marketing_consent=client.get("marketing_consent", False),
    ), now(), key, _base(), payments=payment_provider(), guard=_guard())
    answer = {"booking": views.booking_view(booked.appointment, booked.salon), "manage_token": booked.manage_token,
              "manage_url": _manage_url(booked.manage_token)}
    if booked.appointment.deposit is not None and not booked.appointment.deposit.paid:
        answer["payment"] = views.payment_view(booked.appointment.deposit, booked.salon)
    return Response(body=answer, status_code=200 if booked.replayed else 201,
                    headers={"Idempotent-Replayed": "true"} if booked.replayed else {})


@public.route("/v1/bookings/{token}", methods=["GET"])
@_handled
def get_booking(token):
    managed = manage.view(repository(), token, now())
    return _managed_view(managed)


@public.route("/v1/bookings/{token}/cancel", methods=["POST"])
@_handled
def cancel_booking(token):
    return _managed_view(manage.cancel(repository(), token, now(), _base(), payments=payment_provider(),
                                       guard=_guard()))


@public.route("/v1/bookings/{token}/reschedule", methods=["POST"])
@_handled
def reschedule_booking(token):
    body = json_body(public.current_request, schema.RESCHEDULE_REQUEST)
    moved = manage.reschedule(repository(), token, body["start"], now(), body.get("staff_id"), _base(),
                              guard=_guard())
    return _managed_view(moved)


@public.route("/v1/bookings/{token}/claim", methods=["POST"])
@_handled
def claim_offer(token):
    """Take a slot the waitlist offered: the claim link becomes the booking's manage link."""
    waitlist_offers.claim(repository(), token, now(), _base(), guard=_guard())
    return _managed_view(manage.view(repository(), token, now()))


@public.route("/v1/salons/{salon_id}/waitlist", methods=["POST"])
@_handled
def join_waitlist(salon_id):
    salons.checked_salon_id(salon_id)
    body = json_body(public.current_request, schema.WAITLIST_REQUEST)
    client = body["client"]
    entry = waitlist.join(repository(), waitlist.WaitlistRequest(
        salon_id=salon_id, service_id=body["service_id"], staff_id=body.get("staff_id"),
        first_day=body["date_from"], last_day=body["date_to"], name=client["name"], phone=client["phone"],
        email=client.get("email"),
    ), now(), guard=_guard())
    # A repeated or overlapping join is answered like a first one, with the days asked for (which
    # the entry covers): an anonymous caller learns nothing about what a number already waits for.
    return Response(body={"waitlist_entry": {
        "id": entry.id, "service_id": entry.service_id, "staff_id": body.get("staff_id"),
        "date_from": max(body["date_from"], entry.first_day).isoformat(), "date_to": body["date_to"].isoformat(),
        "status": "waiting",
    }}, status_code=201)


@public.route("/v1/payments/{provider}/webhook", methods=["POST"])
@_handled
def payment_webhook(provider):
    """The payment provider's signed events: 400 invalid_signature before anything else is read."""
    request = public.current_request
    outcome = payments.handle_webhook(repository(), payment_provider(), provider, request.raw_body or b"",
                                      dict(request.headers), now(), _base())
    return {"received": True, "outcome": outcome}


def _managed_view(managed: manage.ManagedBooking) -> dict:
    salon = managed.salon
    answer = {
        "booking": views.booking_view(managed.appointment, salon, managed.catalog),
        "salon": {"id": salon.id, "name": salon.name, "phone": salon.phone, "address": salon.address or None,
                  "timezone": salon.timezone},
        "free_cancellation_until": views.local_iso(managed.free_cancellation_until, salon),
    }
    deposit = managed.appointment.deposit
    if deposit is not None:
        answer["payment"] = views.payment_view(deposit, salon, managed.appointment.status.value)
    return answer
