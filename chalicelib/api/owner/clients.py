"""Owner side — Clients: search, the client file, access changes, exports and erasure.

HTML under /owner/..., the same as JSON under /v1/admin/...; every route behind the guard
(chalicelib/auth/guard.py). The routes live in three modules that add them to this one blueprint,
so app.py registers only `owner_clients`:

  client_pages.py   /owner/clients, the client file and its forms (HTML)
  exports.py        /owner/exports..., a client's JSON export and erasure (HTML, owner only)
  client_api.py     /v1/admin/clients... (JSON)
"""
import functools

from chalice import Blueprint

from ...auth.guard import Guard, owner_page, translator
from ...services.owner.clients import NotAllowed
from .. import schema
from ..errors import error_response

owner_clients = Blueprint(__name__)
guard = Guard(owner_clients)


def refusing(api: bool = False):
    """Under @guard.require: a NotAllowed from the service (the role may open the file, not make
    this change) answers 403 like the guard's own refusals."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except NotAllowed as error:
                if api:
                    return error_response(403, error.code, guard.said(error))
                tr = translator()
                return owner_page(owner_clients.current_request, "owner/error.html", 403,
                                  title=tr.gettext("Not allowed"), message=guard.said(error))
        return wrapped
    return decorate


# --- /v1/admin/clients... in /v1/openapi.json (merged by api/openapi.py) -----------------------------

def string(**extra) -> dict:
    return {"type": "string", **extra}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def reply(description: str, name: str = "Error") -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(name)}}}


_ID = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"}
_CLIENT_ID = {"name": "client_id", "in": "path", "required": True, "schema": _ID}
_APPOINTMENT_ID = {"name": "appointment_id", "in": "path", "required": True, "schema": _ID}
_REFUSED = {"401": reply("unauthenticated: no valid session"),
            "403": reply("csrf_failed (a change without X-CSRF-Token), forbidden (the role does not allow it)")}
_MISSING = {"404": reply("client_not_found: no such client, or one the user may not open")}

CLIENT_PATCH = {
    "type": "object", "additionalProperties": False,
    "properties": {"name": schema.NAME, "phone": schema.PHONE, "email": string(maxLength=254),
                   "locale": string(maxLength=5), "notes": string(maxLength=2000),
                   "allergies": string(maxLength=500), "recall_consent": {"type": "boolean"}},
}
ACCESS_CHANGE = {
    "type": "object", "additionalProperties": False, "required": ["access"],
    "properties": {"access": string(enum=["ok", "restricted", "banned"], maxLength=10), "until": schema.DATE},
}
MONEY_ACTION = {"type": "object", "additionalProperties": False, "required": ["action"],
                "properties": {"action": string(enum=["collect", "cash", "waive", "refund"], maxLength=10,
                                                 description="collect from the card on file, paid at the desk, "
                                                             "waive what is owed, or refund what was paid "
                                                             "online")}}
ERASE_REQUEST = {"type": "object", "additionalProperties": False, "required": ["confirm"],
                 "properties": {"confirm": string(maxLength=200, description="the client's name, typed")}}


def operation(operation_id: str, summary: str, answer: str, parameters: list, body: str | None = None,
               errors: dict | None = None) -> dict:
    spec = {"operationId": operation_id, "summary": summary, "security": [{"session": []}],
            "parameters": parameters,
            "responses": {"200": reply(summary, answer), **_REFUSED, **(errors or {})}}
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
    return spec


_BAD = {"400": reply("invalid_request, invalid_phone")}
OPENAPI_PATHS: dict = {
    "/v1/admin/clients": {"get": operation(
        "searchClients", "Clients by name prefix, full phone number or a few of its digits", "ClientSearch",
        [{"name": "q", "in": "query", "required": False, "schema": string(maxLength=100)},
         {"name": "erasure_requested", "in": "query", "required": False, "schema": string(enum=["true"]),
          "description": "instead of a search: the clients who asked to delete their data (owner only)"}],
        errors={"400": reply("invalid_request: a phone search needs at least 3 digits"),
                "403": reply("forbidden: only the owner lists erasure requests")})},
    "/v1/admin/clients/{client_id}": {
        "get": operation("getClientFile", "The client file with its history", "ClientFile", [_CLIENT_ID],
                          errors=_MISSING),
        "patch": operation("updateClient", "Change contact details, private notes, allergies or consent "
                            "(an empty email or locale clears it)", "ClientChanged", [_CLIENT_ID], "ClientPatch",
                            {**_BAD, **_MISSING, "409": reply("phone_taken, client_erased, client_changed")})},
    "/v1/admin/clients/{client_id}/access": {"post": operation(
        "setClientAccess", "Online booking: restrict until a day, ban, or lift (ok)", "ClientChanged",
        [_CLIENT_ID], "ClientAccessChange", {**_BAD, **_MISSING, "409": reply("client_erased")})},
    "/v1/admin/clients/{client_id}/appointments/{appointment_id}/revert-no-show": {"post": operation(
        "revertClientNoShow", "The client came after all: undo the no-show and what it caused", "ClientNoShowReverted",
        [_CLIENT_ID, _APPOINTMENT_ID],
        errors={"404": reply("client_not_found, appointment_not_found"),
                "409": reply("illegal_transition (not a no-show), booking_changed")})},
    "/v1/admin/clients/{client_id}/appointments/{appointment_id}/money": {"post": operation(
        "settleFee", "What the appointment owes: collect it from the card on file, paid at the desk, or waived",
        "ClientFeeSettled", [_CLIENT_ID, _APPOINTMENT_ID], "ClientMoneyAction",
        errors={**_BAD, "404": reply("client_not_found, appointment_not_found"),
                "409": reply("no_fee, nothing_owed, revert_window_open, no_card, fee_in_progress, "
                               "nothing_to_refund, refund_in_progress, booking_changed")})},
    "/v1/admin/clients/{client_id}/export": {"get": operation(
        "exportClient", "Everything held about the client (right of access; owner only)", "ClientExport",
        [_CLIENT_ID], errors=_MISSING)},
    "/v1/admin/clients/{client_id}/erase": {"post": operation(
        "eraseClient", "Erase the client's personal data, keep the statistics (owner only)", "ClientChanged",
        [_CLIENT_ID], "ClientEraseRequest",
        {"400": reply("confirmation_mismatch"), **_MISSING,
         "409": reply("client_erased, client_has_upcoming")})},
}

_NULLABLE = string(nullable=True)
_CLIENT = {"type": "object", "properties": {
    "id": string(), "name": string(), "phone": _NULLABLE, "email": _NULLABLE, "locale": _NULLABLE,
    "no_show_count": {"type": "integer"}, "late_cancel_count": {"type": "integer"}, "fees_owed": string(),
    "access": string(enum=["ok", "restricted", "banned"]), "restricted_until": string(format="date", nullable=True),
    "recall_consent": {"type": "boolean"}, "sms_opt_out": {"type": "boolean"}, "erased": {"type": "boolean"},
    "erasure_requested_at": string(format="date-time", nullable=True,
                                    description="when the client asked, in their area, to delete their data"),
    "notes": string(description="only for roles that may read private notes"), "allergies": string()}}
_APPOINTMENT = {"type": "object", "properties": {
    "id": string(), "status": string(), "start": string(format="date-time"), "end": string(format="date-time"),
    "service_id": string(), "service_name": _NULLABLE, "staff_id": string(), "staff_name": _NULLABLE,
    "late": {"type": "boolean"}, "cancelled_by": _NULLABLE, "client_note": string(),
    "deposit": {"type": "object", "nullable": True, "properties": {
        "amount": string(), "currency": string(), "paid_at": string(format="date-time", nullable=True),
        "expires_at": string(format="date-time")}},
    "movements": {"type": "array", "items": {"type": "object", "properties": {
        "kind": string(enum=["deposit", "fee", "charge", "refund", "cash", "waived"]), "amount": string(),
        "currency": string(), "at": string(format="date-time"), "reference": _NULLABLE, "provider": _NULLABLE}}},
    "owed": string(description="what the client owes for this appointment, e.g. 10.00")}}
_MESSAGE = {"type": "object", "properties": {
    "id": string(), "kind": string(), "status": string(), "created_at": string(format="date-time"),
    "sent_at": string(format="date-time", nullable=True), "body": string(), "reason": _NULLABLE}}
OPENAPI_SCHEMAS: dict = {
    "ClientRecord": _CLIENT,
    "ClientAppointment": _APPOINTMENT,
    "ClientMessage": _MESSAGE,
    "ClientSearch": {"type": "object", "properties": {
        "query": string(), "match": string(enum=["", "name", "word", "phone", "digits", "erasure_requested"]),
        "clients": {"type": "array", "items": {"type": "object", "properties": {
            "id": string(), "name": string(), "phone": string(), "access": string(),
            "erasure_requested_at": string(format="date-time", description="with erasure_requested only")}}},
        "more": {"type": "boolean", "description": "more clients matched than are listed"}}},
    "ClientFile": {"type": "object", "properties": {
        "client": ref("ClientRecord"), "appointments": {"type": "array", "items": ref("ClientAppointment")},
        "messages": {"type": "array", "items": ref("ClientMessage"),
                     "description": "only for roles that may read messages"},
        "can": {"type": "object", "additionalProperties": {"type": "boolean"}}}},
    "ClientChanged": {"type": "object", "properties": {"client": ref("ClientRecord")}},
    "ClientNoShowReverted": {"type": "object", "properties": {
        "appointment": ref("ClientAppointment"), "client": ref("ClientRecord")}},
    "ClientExport": {"type": "object", "properties": {
        "exported_at": string(format="date-time"), "salon": {"type": "object"}, "client": ref("ClientRecord"),
        "appointments": {"type": "array", "items": ref("ClientAppointment")},
        "messages_sent": {"type": "array", "items": ref("ClientMessage")},
        "messages_received": {"type": "array", "items": {"type": "object"}},
        "waitlist": {"type": "array", "items": {"type": "object"}}}},
    "ClientFeeSettled": {"type": "object", "properties": {
        "outcome": string(enum=["collected", "declined", "authentication_required", "cash", "waived",
                                 "refunded"]),
        "reason": string(description="the provider's reason for a declined charge"),
        "appointment": ref("ClientAppointment")}},
    "ClientMoneyAction": MONEY_ACTION,
    "ClientPatch": CLIENT_PATCH,
    "ClientAccessChange": ACCESS_CHANGE,
    "ClientEraseRequest": ERASE_REQUEST,
}

# The route modules add their routes to `owner_clients` when imported (they import it from here).
from . import local_photos, client_api, client_pages, exports, records, reports  # noqa: E402,F401,I001
