"""Owner side — Agenda: the day and week per staff, and what can be done to an appointment.

HTML under /owner/..., the same as JSON under /v1/admin/...; every route behind the guard
(chalicelib/auth/guard.py), except the staff calendar feed, whose secret URL is its credential.
The routes live in agenda_pages.py (agenda and actions), agenda_moves.py (move, book
by phone), agenda_json.py (/v1/admin) and agenda_feeds.py (calendar feeds), all on
this one blueprint: importing this module registers them."""
import functools

from chalice import Blueprint

from ...auth import accounts, roles
from ...auth.guard import Guard, app_root, owner_locale, owner_page, translator
from ...services.owner.agenda import Viewer
from ...services.salons import load_salon
from ...web.owner.agenda import (
    ACTION_LABELS,
    CANCELLED_BY_LABELS,
    FIELD_ERRORS,
    STATUS_LABELS,
    Links,
    formatter,
    labels,
    phone_label,
)
from ...wiring import config, now, repository
from .. import schema
from ..errors import error_response
from ..http import base_url

owner_agenda = Blueprint(__name__)
guard = Guard(owner_agenda)

FORM = "application/x-www-form-urlencoded"


# --- /v1/admin paths of this area, for /v1/openapi.json (merged by api/openapi.py) ---------------

def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def responses(ok: int, schema_name: str, description: str, *errors: int) -> dict:
    codes = {400: "invalid_request, invalid_phone", 401: "unauthenticated", 403: "forbidden, csrf_failed",
             404: "appointment_not_found, staff_not_found, service_not_found", 409: "illegal_transition, "
             "appointment_started, booking_changed, slot_taken, not_started, not_today, feed_changed",
             422: "slot_not_offered, idempotency_key_reused"}
    answers = {str(ok): {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}}
    for status in (401, 403, *errors):
        answers[str(status)] = {"description": "Codes: " + codes[status],
                                "content": {"application/json": {"schema": ref("Error")}}}
    return answers


_CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string", "maxLength": 100},
         "description": "The session's CSRF token (every owner page carries it)."}
_APPOINTMENT = [
    {"name": "start", "in": "path", "required": True, "description": "The appointment's start in UTC",
     "schema": {"type": "string", "pattern": r"^\d{8}T\d{6}Z$", "example": "20260324T090000Z"}},
    {"name": "appointment_id", "in": "path", "required": True, "schema": schema.ID},
]
_ACTIONS = {
    "arrived": ("markArrived", "The client is here"),
    "completed": ("markCompleted", "Done (queues the recall nudge if the client agreed to it)"),
    "no-show": ("markNoShow", "Missed; during the appointment the rest of its time goes to the waitlist"),
    "revert-no-show": ("revertNoShow", "The client did come: the no-show and its consequences are undone"),
    "cancel": ("cancelBySalon", "Cancelled by the salon (never late); the client gets a text"),
}


def _action_path(operation: str, description: str, body: str | None = None, *errors: int) -> dict:
    spec = {"operationId": operation, "summary": description, "security": [{"session": []}],
            "parameters": _APPOINTMENT + [_CSRF],
            "responses": responses(200, "AgendaAppointmentAnswer", description, 404, 409, *errors)}
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    return {"post": spec}


# GET /v1/admin/agenda's query: documented and enforced from this one dict ("enum" is documentation:
# the service refuses other views with its own message).
AGENDA_QUERY = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "day": schema.DATE,
        "staff": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$", "example": "all"},
        "view": {"type": "string", "maxLength": 4, "enum": ["day", "week"]},
    },
}

OPENAPI_PATHS: dict = {
    "/v1/admin/agenda": {"get": {
        "operationId": "getAgenda", "summary": "A day or a week of appointments (a staff login: its own)",
        "security": [{"session": []}],
        "parameters": [{"name": name, "in": "query", "required": False, "schema": spec}
                       for name, spec in AGENDA_QUERY["properties"].items()],
        "responses": responses(200, "Agenda", "The agenda, in the salon's time zone", 400, 404)}},
    **{f"/v1/admin/appointments/{{start}}/{{appointment_id}}/{name}": _action_path(op, text)
       for name, (op, text) in _ACTIONS.items()},
    "/v1/admin/appointments/{start}/{appointment_id}/move": _action_path(
        "moveBySalon", "Moved to another time and/or specialist (the salon's rules apply)", "RescheduleRequest",
        400, 422),
    "/v1/admin/bookings": {"post": {
        "operationId": "bookByPhone", "summary": "Book for a client (a phone call): their online restriction "
                                                 "does not apply", "security": [{"session": []}],
        "parameters": [_CSRF, {"name": "Idempotency-Key", "in": "header", "required": False,
                               "schema": {"type": "string", "maxLength": 200}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref("BookingRequest")}}},
        "responses": {**responses(201, "AgendaAppointmentAnswer", "Booked", 400, 404, 409, 422),
                      "200": {"description": "Replay of an earlier request with the same key",
                              "content": {"application/json": {"schema": ref("AgendaAppointmentAnswer")}}}}}},
    "/v1/admin/feeds/{staff_id}/rotate": {"post": {
        "operationId": "rotateStaffFeed", "summary": "A new secret calendar URL for a specialist; the old one "
                                                     "stops working. The URL is shown only in this answer.",
        "security": [{"session": []}],
        "parameters": [{"name": "staff_id", "in": "path", "required": True, "schema": schema.ID}, _CSRF],
        "responses": responses(200, "AgendaFeed", "The new feed URL", 404, 409)}},
}

_STRING = {"type": "string"}
_APPOINTMENT_VIEW = {"type": "object", "required": ["id", "status", "start", "end", "path"], "properties": {
    "id": _STRING, "status": {"type": "string", "enum": list(STATUS_LABELS)},
    "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
    "service_id": _STRING, "service_name": {"type": "string", "nullable": True}, "staff_id": _STRING,
    "staff_name": {"type": "string", "nullable": True}, "late": {"type": "boolean"},
    "path": {"type": "string", "description": "Append /arrived, /no-show, ... to act on it"},
    "deposit": {"type": "string", "nullable": True, "enum": ["paid", "unpaid", None],
                "description": "the deposit asked at booking, if any"}}}
OPENAPI_SCHEMAS: dict = {
    "AgendaAppointmentAnswer": {"type": "object", "properties": {"appointment": _APPOINTMENT_VIEW}},
    "Agenda": {"type": "object", "properties": {
        "view": _STRING, "first_day": {"type": "string", "format": "date"},
        "last_day": {"type": "string", "format": "date"}, "today": {"type": "string", "format": "date"},
        "timezone": _STRING, "staff": {"type": "array", "items": {"type": "object", "properties": {
            "id": _STRING, "name": _STRING}}},
        "days": {"type": "array", "items": {"type": "object", "properties": {
            "date": {"type": "string", "format": "date"},
            "appointments": {"type": "array", "items": {"allOf": [_APPOINTMENT_VIEW, {"type": "object", "properties": {
                "client": {"type": "object", "properties": {"name": _STRING, "phone": _STRING}},
                "flags": {"type": "array", "items": {"type": "string", "enum": ["allergies", "note"]}},
                "actions": {"type": "array", "items": {"type": "string", "enum": list(ACTION_LABELS)}}}}]}}}}}}},
    "AgendaFeed": {"type": "object", "properties": {"staff_id": _STRING, "url": {"type": "string", "format": "uri"}}},
}


# --- shared by the route modules --------------------------------------------------------------------

def viewer() -> Viewer:
    me = guard.principal()
    return Viewer(me.role, me.staff_id)


def staff_may(capability: str, api: bool = False):
    """Under @guard.require(roles.AGENDA_OWN): the owner and the front desk pass; a staff login
    passes only where the salon's owner switched `capability` on (domain/staff_rights.py), and
    is refused exactly as the guard refuses a role."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            me = guard.principal()
            if not me.can(roles.AGENDA_ALL):
                salon, _ = load_salon(repository(), me.salon_id)
                if not me.staff_id or capability not in salon.staff_rights:
                    message = "Your role does not allow this."
                    if api:
                        return error_response(403, "forbidden", guard.said(message))
                    tr = translator()
                    return owner_page(owner_agenda.current_request, "owner/error.html", 403,
                                      title=tr.gettext("Not allowed"), message=guard.said(message))
            return view(*args, **kwargs)
        return wrapped
    return decorate


def own_staff(requested: str | None) -> str | None:
    """The specialist a staff login acts for is always its own; others choose."""
    me = guard.principal()
    return requested if me.can(roles.AGENDA_ALL) else me.staff_id


def audited(action: str, appt, **details) -> None:
    """Every agenda action is in the audit log: who, what, which appointment (never a client's data)."""
    me = guard.principal()
    accounts().record_audit(me.salon_id, me.user_id, f"appointment_{action}", f"appointment:{appt.id}",
                            {"staff_id": appt.staff_id, **details}, now())


def public_base() -> str:
    """Where links in texts and feed URLs point."""
    return base_url(owner_agenda.current_request, config().public_base_url)


def links() -> Links:
    return Links(app_root(owner_agenda.current_request))


def reader_formatter(salon):
    """Dates, times and money in the signed-in user's language, in the salon's zone."""
    return formatter(salon, owner_locale(guard.principal()))


def render(template: str, salon, status: int = 200, **context):
    """An agenda page in its reader's language: the salon's name in the header, times in its zone."""
    tr = translator()
    return owner_page(owner_agenda.current_request, template, status, me=guard.principal(), salon_name=salon.name,
                      fmt=reader_formatter(salon), links=links(), status_labels=labels(tr, STATUS_LABELS),
                      action_labels=labels(tr, ACTION_LABELS), cancelled_by_labels=labels(tr, CANCELLED_BY_LABELS),
                      field_errors=labels(tr, FIELD_ERRORS), phone=phone_label, **context)


from . import agenda_feeds, agenda_json, agenda_moves, agenda_pages, agenda_self  # noqa: E402, F401, I001
