"""The client's area as JSON, for apps: sign in with a one-time code, then `/v1/me/...` with
`Authorization: Bearer <token>` (the token `verify` returns). A bearer token is never sent by a
browser on its own, so these routes need no CSRF token; the session names the salon and the
client, so no URL does. Documented in OPENAPI_PATHS below (served in /v1/openapi.json)."""
from chalice import Blueprint, Response

from ...auth import accounts, signing_key
from ...domain.appointment import Status
from ...domain.errors import DomainError, RateLimited
from ...services import salons
from ...services.client_area import area as client_area
from ...services.client_area import channels as client_channels
from ...services.client_area import sign_in as client_sign_in
from ...services.client_area.calendar import appointment_ics
from ...services.rate_limit import RateGuard
from ...wiring import config, current_sender, now, repository
from .. import errors, schema, views
from ..http import base_url, idempotency_key, json_body, parse_json, query
from . import auth as client_auth

client_api = Blueprint(__name__)

PHONE_REQUEST = {"type": "object", "additionalProperties": False, "required": ["phone"],
                 "properties": {"phone": schema.PHONE}}
VERIFY_REQUEST = {"type": "object", "additionalProperties": False, "required": ["phone", "code"],
                  "properties": {"phone": schema.PHONE,
                                 "code": {"type": "string", "minLength": 1, "maxLength": 20, "example": "123456"}}}
SIGN_OUT_REQUEST = {"type": "object", "additionalProperties": False, "properties": {"everywhere": {"type": "boolean"}}}
MY_BOOKING_REQUEST = {"type": "object", "additionalProperties": False, "required": ["service_id", "start"],
                      "properties": {"service_id": schema.ID, "start": schema.DATE_TIME, "staff_id": schema.ID,
                                     "notes": {"type": "string", "maxLength": 500}}}
MY_WAITLIST_REQUEST = {"type": "object", "additionalProperties": False,
                       "required": ["service_id", "date_from", "date_to"],
                       "properties": {"service_id": schema.ID, "staff_id": schema.ID, "date_from": schema.DATE,
                                      "date_to": schema.DATE}}
HISTORY_QUERY = {"type": "object", "additionalProperties": False, "properties": {"before": schema.DATE_TIME}}
PREFERENCES_REQUEST = {"type": "object", "additionalProperties": False,
                       "required": ["recall_consent", "marketing_consent"],
                       "properties": {"recall_consent": {"type": "boolean"}, "marketing_consent": {"type": "boolean"},
                                      # left out: as they are; `email: ""` removes the address
                                      "channel": {**schema.CHANNEL, "description": "one of the salon's channels"},
                                      "email": {"type": "string", "maxLength": 254},
                                      "whatsapp_consent": {"type": "boolean"}}}


class _Unauthenticated(Exception):
    pass


def _handled(view):
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except _Unauthenticated:
            return errors.error_response(401, "unauthenticated", "Sign in first: POST /v1/salons/{salon_id}/sign-in, "
                                         "then /sign-in/verify, and send the token as 'Authorization: Bearer'.",
                                         {"WWW-Authenticate": "Bearer"})
        except RateLimited as error:  # the phone's own count (SignInLimited) or the public limits
            return errors.error_response(429, error.code, error.message, {"Retry-After": str(error.retry_after)})
        except client_sign_in.CodeRejected as error:
            return errors.error_response(400, error.code, error.message)
        except DomainError as error:
            return errors.from_domain(error)
    wrapper.__name__ = view.__name__
    return wrapper


def _request():
    return client_api.current_request


def _guard() -> RateGuard:
    """The area's writes meet the public rate limits (per address, phone and salon) like the public pages."""
    return RateGuard(repository(), client_auth.client_address(_request()), now())


def _base() -> str:
    return base_url(_request(), config().public_base_url)


def _session():
    session = client_auth.bearer_session(_request(), now())
    if session is None:
        raise _Unauthenticated()
    return session


# --- signing in ----------------------------------------------------------------------------------

@client_api.route("/v1/salons/{salon_id}/sign-in", methods=["POST"])
@_handled
def request_sign_in_code(salon_id):
    salon, _ = salons.load_salon(repository(), salons.checked_salon_id(salon_id))
    body = json_body(_request(), PHONE_REQUEST)
    client_sign_in.request_code(repository(), client_auth.store(), current_sender(), signing_key(), salon,
                                body["phone"], client_auth.client_address(_request()), now())
    return Response(body={"status": "code_sent_if_known",
                          "message": "If this number has appointments here, a code is on its way."}, status_code=202)


@client_api.route("/v1/salons/{salon_id}/sign-in/verify", methods=["POST"])
@_handled
def verify_sign_in_code(salon_id):
    salon, _ = salons.load_salon(repository(), salons.checked_salon_id(salon_id))
    body = json_body(_request(), VERIFY_REQUEST)
    token, session = client_sign_in.verify_code(repository(), client_auth.store(), signing_key(), salon,
                                                body["phone"], body["code"],
                                                client_auth.client_address(_request()), now())
    return {"token": token, "token_type": "Bearer", "expires_at": views.local_iso(session.expires, salon)}


@client_api.route("/v1/me/sign-out", methods=["POST"])
@_handled
def sign_out():
    session = _session()
    body = schema.validate(parse_json(_request().raw_body, empty={}), SIGN_OUT_REQUEST)  # a blank body is {}
    client_sign_in.sign_out(client_auth.store(), session, everywhere=bool(body.get("everywhere")))
    return Response(body="", status_code=204)


# --- the client's own things ---------------------------------------------------------------------------

@client_api.route("/v1/me", methods=["GET"])
@_handled
def me():
    session = _session()
    client, prefs = client_area.preferences(repository(), client_auth.store(), session)
    salon, _ = salons.load_salon(repository(), session.salon_id)
    return {"salon": {"id": salon.id, "name": salon.name, "phone": salon.phone, "timezone": salon.timezone,
                      "channels": list(salon.channels_enabled)},
            "client": {"name": client.name, "phone": client.phone, "email": client.email,
                       "channel": _channel(client, salon), "reach": client_channels.reach_view(client)},
            "preferences": _preferences(prefs, _channel(client, salon))}


@client_api.route("/v1/me/appointments", methods=["GET"])
@_handled
def my_appointments():
    session = _session()
    before = query(_request(), HISTORY_QUERY).get("before")
    home = client_area.home(repository(), client_auth.store(), session, now(), before)
    salon, catalog = home.salon, home.catalog
    return {"upcoming": [views.booking_view(a, salon, catalog) for a in home.upcoming],
            "past": [views.booking_view(a, salon, catalog) for a in home.past],
            "next_before": views.local_iso(home.older_before, salon) if home.older_before else None}


@client_api.route("/v1/me/appointments/{appointment_id}", methods=["GET"])
@_handled
def my_appointment(appointment_id):
    own = client_area.own_appointment(repository(), _session(), appointment_id)
    return _own_view(own)


@client_api.route("/v1/me/appointments/{appointment_id}/cancel", methods=["POST"])
@_handled
def cancel_my_appointment(appointment_id):
    return _own_view(client_area.cancel(repository(), _session(), appointment_id, now(), _base(), guard=_guard()))


@client_api.route("/v1/me/appointments/{appointment_id}/reschedule", methods=["POST"])
@_handled
def reschedule_my_appointment(appointment_id):
    session = _session()
    body = json_body(_request(), schema.RESCHEDULE_REQUEST)
    return _own_view(client_area.move(repository(), session, appointment_id, body["start"], body.get("staff_id"),
                                      now(), _base(), guard=_guard()))


@client_api.route("/v1/me/appointments/{appointment_id}/calendar.ics", methods=["GET"])
@_handled
def my_appointment_calendar(appointment_id):
    own = client_area.own_appointment(repository(), _session(), appointment_id)
    text = appointment_ics(own.appointment, own.salon, own.catalog, f"{_base()}/my/{own.salon.id}", now())
    return Response(body=text, status_code=200, headers={"Content-Type": "text/calendar; charset=utf-8",
                                                         "Cache-Control": "no-store"})


@client_api.route("/v1/me/bookings", methods=["POST"])
@_handled
def book_for_me():
    session = _session()
    key = idempotency_key(_request())
    body = json_body(_request(), MY_BOOKING_REQUEST)
    booked = client_area.book(repository(), session, body["service_id"], body.get("staff_id"), body["start"], now(),
                              key, _base(), body.get("notes", ""), guard=_guard())
    answer = {"booking": views.booking_view(booked.appointment, booked.salon), "manage_token": booked.manage_token,
              "manage_url": f"{_base()}/manage/{booked.manage_token}"}
    return Response(body=answer, status_code=200 if booked.replayed else 201,
                    headers={"Idempotent-Replayed": "true"} if booked.replayed else {})


@client_api.route("/v1/me/waitlist", methods=["POST"])
@_handled
def join_my_waitlist():
    session = _session()
    body = json_body(_request(), MY_WAITLIST_REQUEST)
    entry = client_area.join_waitlist(repository(), session, body["service_id"], body.get("staff_id"),
                                      body["date_from"], body["date_to"], now(), guard=_guard())
    return Response(body={"waitlist_entry": {
        "id": entry.id, "service_id": entry.service_id, "staff_id": entry.staff_id,
        "date_from": entry.first_day.isoformat(), "date_to": entry.last_day.isoformat(), "status": "waiting",
    }}, status_code=201)


@client_api.route("/v1/me/preferences", methods=["PUT"])
@_handled
def set_my_preferences():
    session = _session()
    body = json_body(_request(), PREFERENCES_REQUEST)
    if {"channel", "email", "whatsapp_consent"} & set(body):  # checked before any consent is written
        client, _ = client_area.preferences(repository(), client_auth.store(), session)
        salon, _ = salons.load_salon(repository(), session.salon_id)
        client_channels.set_reach(repository(), salon, client, client_channels.Reach(
            body.get("channel", client.preferred_channel), body.get("email", client.email) or None,
            body.get("whatsapp_consent", client.whatsapp_consent)))
    client_area.set_consents(repository(), client_auth.store(), session, body["recall_consent"],
                             body["marketing_consent"])
    client, prefs = client_area.preferences(repository(), client_auth.store(), session)
    salon, _ = salons.load_salon(repository(), session.salon_id)
    return {"preferences": _preferences(prefs, _channel(client, salon)),
            "reach": client_channels.reach_view(client)}


@client_api.route("/v1/me/data", methods=["GET"])
@_handled
def my_data():
    return client_area.my_data(repository(), client_auth.store(), _session(), now())


@client_api.route("/v1/me/delete-request", methods=["POST"])
@_handled
def request_my_erasure():
    client_area.request_erasure(repository(), client_auth.store(), accounts(), _session(), now())
    return Response(body={"status": "requested",
                          "message": "The salon will confirm and delete your personal data."}, status_code=202)


def _channel(client, salon) -> str | None:
    """The channel the client's messages take now: their choice if it can reach them, else the salon's order."""
    from ...domain.channels import route

    ranked = route(client.reachability(), salon.channels_enabled, salon.channel_order)
    return ranked[0] if ranked else None


def _preferences(prefs, channel: str | None = "sms") -> dict:
    return {"channel": channel, "reminders": True, "recall_consent": bool(prefs and prefs.recall_consent),
            "marketing_consent": bool(prefs and prefs.marketing_consent),
            "erasure_requested": bool(prefs and prefs.erasure_requested_at)}


def _own_view(own: client_area.Own) -> dict:
    salon = own.salon
    appt = own.appointment
    return {"booking": views.booking_view(appt, salon, own.catalog),
            "salon": {"id": salon.id, "name": salon.name, "phone": salon.phone, "address": salon.address or None,
                      "timezone": salon.timezone},
            "free_cancellation_until": views.local_iso(own.free_cancellation_until, salon),
            "can_change": appt.status in (Status.BOOKED, Status.CONFIRMED) and now() < appt.start}


# --- the OpenAPI document's part ----------------------------------------------------------------------

_BEARER = [{"client": []}]
_APPT_ID = {"name": "appointment_id", "in": "path", "required": True,
            "schema": {"type": "string", "maxLength": 40, "pattern": "^[0-9A-Za-z]+$"}}
_SALON_ID = {"name": "salon_id", "in": "path", "required": True,
             "schema": {"type": "string", "maxLength": 63, "example": "demo"}}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(ref)}}}


def _errs(*statuses: int) -> dict:
    return {str(s): _json("Error", "See error.code") for s in statuses}


def _body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": _ref(ref)}}}


OPENAPI_PATHS: dict = {
    "/v1/salons/{salon_id}/sign-in": {"post": {
        "operationId": "requestSignInCode", "summary": "Text a one-time code to this phone if it is a client here; "
                                                       "the answer is the same either way",
        "parameters": [_SALON_ID], "requestBody": _body("SignInRequest"),
        "responses": {"202": _json("SignInAccepted", "If the number is known, a code is on its way"),
                      **_errs(400, 404, 429)}}},
    "/v1/salons/{salon_id}/sign-in/verify": {"post": {
        "operationId": "verifySignInCode", "summary": "Exchange the code for a 90-day bearer token",
        "parameters": [_SALON_ID], "requestBody": _body("SignInVerify"),
        "responses": {"200": _json("ClientToken", "Signed in"), **_errs(400, 404)}}},
    "/v1/me": {"get": {"operationId": "getMe", "security": _BEARER,
                       "responses": {"200": _json("Me", "The client, the salon, the consents"), **_errs(401, 404)}}},
    "/v1/me/sign-out": {"post": {
        "operationId": "signOut", "security": _BEARER,
        "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("SignOutRequest")}}},
        "responses": {"204": {"description": "Signed out (everywhere: every device)"}, **_errs(400, 401)}}},
    "/v1/me/appointments": {"get": {
        "operationId": "listMyAppointments", "security": _BEARER,
        "parameters": [{"name": "before", "in": "query", "required": False, "schema": schema.DATE_TIME,
                        "description": "The next page of the past: `next_before` of the previous answer"}],
        "responses": {"200": _json("MyAppointments", "Upcoming (soonest first) and 50 past (newest first)"),
                      **_errs(400, 401)}}},
    "/v1/me/appointments/{appointment_id}": {"get": {
        "operationId": "getMyAppointment", "security": _BEARER, "parameters": [_APPT_ID],
        "responses": {"200": _json("MyAppointment", "One of my appointments"), **_errs(401, 404)}}},
    "/v1/me/appointments/{appointment_id}/cancel": {"post": {
        "operationId": "cancelMyAppointment", "security": _BEARER, "parameters": [_APPT_ID],
        "responses": {"200": _json("MyAppointment", "Cancelled; `late` after the cutoff"), **_errs(401, 404, 409)}}},
    "/v1/me/appointments/{appointment_id}/reschedule": {"post": {
        "operationId": "rescheduleMyAppointment", "security": _BEARER, "parameters": [_APPT_ID],
        "requestBody": _body("RescheduleRequest"),
        "responses": {"200": _json("MyAppointment", "Moved"), **_errs(400, 401, 404, 409, 422)}}},
    "/v1/me/appointments/{appointment_id}/calendar.ics": {"get": {
        "operationId": "myAppointmentCalendar", "security": _BEARER, "parameters": [_APPT_ID],
        "responses": {"200": {"description": "iCalendar, in the salon's time zone",
                              "content": {"text/calendar": {"schema": {"type": "string"}}}}, **_errs(401, 404)}}},
    "/v1/me/bookings": {"post": {
        "operationId": "bookForMe", "summary": "Book with the details the salon has (book again)",
        "security": _BEARER,
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "maxLength": 200}}],
        "requestBody": _body("MyBookingRequest"),
        "responses": {"201": _json("BookingCreated", "Booked"), "200": _json("BookingCreated", "Replay"),
                      **_errs(400, 401, 403, 404, 409, 422)}}},
    "/v1/me/waitlist": {"post": {
        "operationId": "joinMyWaitlist", "security": _BEARER, "requestBody": _body("MyWaitlistRequest"),
        "responses": {"201": _json("WaitlistEntry", "On the waitlist"), **_errs(400, 401, 403, 404)}}},
    "/v1/me/preferences": {"put": {
        "operationId": "setMyPreferences", "security": _BEARER, "requestBody": _body("PreferencesRequest"),
        "responses": {"200": _json("MyPreferences", "Saved"), **_errs(400, 401, 404)}}},
    "/v1/me/data": {"get": {
        "operationId": "downloadMyData", "security": _BEARER,
        "responses": {"200": {"description": "Everything the salon holds about me (without its private notes)",
                              "content": {"application/json": {"schema": {"type": "object"}}}},
                      **_errs(401, 404)}}},
    "/v1/me/delete-request": {"post": {
        "operationId": "requestMyErasure", "security": _BEARER,
        "responses": {"202": _json("SignInAccepted", "Requested; the salon confirms"), **_errs(401, 404, 409)}}},
}

_S = {"type": "string"}
_CHANNEL = {"type": "string", "nullable": True, "enum": ["whatsapp", "email", "sms", None],
            "description": "the channel messages take now (null: nothing can reach the client)"}
_BOOL = {"type": "boolean"}
_REACH = {"type": "object", "description": "the client's own choices of how to be reached", "properties": {
    "channel": {**_CHANNEL, "description": "the client's choice (null: the salon's order)"},
    "email": {"type": "string", "nullable": True}, "email_suppressed": _BOOL, "whatsapp_consent": _BOOL,
    "whatsapp_opt_out": _BOOL, "sms_opt_out": _BOOL, "marketing_consent": _BOOL}}
_PREFS = {"type": "object", "properties": {
    "channel": _CHANNEL, "reminders": {"type": "boolean"}, "recall_consent": {"type": "boolean"},
    "marketing_consent": {"type": "boolean"}, "erasure_requested": {"type": "boolean"}}}
OPENAPI_SCHEMAS: dict = {
    "SignInRequest": PHONE_REQUEST,
    "SignInVerify": VERIFY_REQUEST,
    "SignOutRequest": SIGN_OUT_REQUEST,
    "MyBookingRequest": MY_BOOKING_REQUEST,
    "MyWaitlistRequest": MY_WAITLIST_REQUEST,
    "PreferencesRequest": PREFERENCES_REQUEST,
    "SignInAccepted": {"type": "object", "properties": {"status": _S, "message": _S}},
    "ClientToken": {"type": "object", "properties": {"token": _S, "token_type": _S,
                                                     "expires_at": {"type": "string", "format": "date-time"}}},
    "Me": {"type": "object", "properties": {
        "salon": {"type": "object", "properties": {
            "id": _S, "name": _S, "phone": _S, "timezone": _S,
            "channels": {"type": "array", "items": {"type": "string", "enum": ["whatsapp", "email", "sms"]}}}},
        "client": {"type": "object", "properties": {
            "name": _S, "phone": _S, "email": {"type": "string", "nullable": True}, "channel": _CHANNEL,
            "reach": _REACH}},
        "preferences": _PREFS}},
    "MyPreferences": {"type": "object", "properties": {"preferences": _PREFS, "reach": _REACH}},
    "MyAppointments": {"type": "object", "properties": {
        "upcoming": {"type": "array", "items": _ref("Booking")}, "past": {"type": "array", "items": _ref("Booking")},
        "next_before": {"type": "string", "format": "date-time", "nullable": True}}},
    "MyAppointment": {"type": "object", "properties": {
        "booking": _ref("Booking"), "salon": {"type": "object", "additionalProperties": {"type": "string",
                                                                                         "nullable": True}},
        "free_cancellation_until": {"type": "string", "format": "date-time"}, "can_change": {"type": "boolean"}}},
}
