"""The OpenAPI 3 document of the public API, built from the same schemas the routes enforce."""
from chalice import Blueprint

from . import schema

docs = Blueprint(__name__)

ERROR_CODES = {
    400: ["invalid_request", "invalid_phone", "invalid_email", "invalid_channel"],
    403: ["booking_restricted"],
    404: ["salon_not_found", "service_not_found", "staff_not_found", "booking_not_found"],
    409: ["slot_taken", "illegal_transition", "appointment_started", "booking_changed", "busy", "offer_expired",
          "waitlist_full"],
    422: ["slot_not_offered", "idempotency_key_reused"],
    429: ["rate_limited"],
    503: ["payment_unavailable"],
}
WEBHOOK_ERRORS = {
    "400": {"description": "Codes: invalid_signature (missing, wrong or stale Stripe-Signature; whatever the body)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "404": {"description": "Codes: provider_not_found",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}
_AMOUNT = {"type": "string", "example": "20.00"}
# A public write refused by a rate limit says when to try again (docs/api.md: the limits).
_RETRY_AFTER = {"Retry-After": {"description": "Seconds until the refusing limit's window ends",
                                "schema": {"type": "integer", "minimum": 1}}}

_ERROR = {"$ref": "#/components/schemas/Error"}
_SALON_ID = {"name": "salon_id", "in": "path", "required": True,
             "schema": {"type": "string", "maxLength": 63, "example": "demo"}}
_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 128},
          "description": "A manage or claim link's token. A manage link ends 30 days after the appointment, a "
                         "claim link with its hold; an expired one answers 404 booking_not_found, as an unknown one."}


def _errors(*statuses: int) -> dict:
    return {str(s): {"description": "Codes: " + ", ".join(ERROR_CODES[s]),
                     "content": {"application/json": {"schema": _ERROR}},
                     **({"headers": _RETRY_AFTER} if s == 429 else {})} for s in statuses}


def _ok(status: int, ref: str, description: str) -> dict:
    return {str(status): {"description": description,
                          "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}}


def _body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _query_parameters() -> list[dict]:
    query = schema.AVAILABILITY_QUERY
    return [{"name": name, "in": "query", "required": name in query["required"], "schema": spec}
            for name, spec in query["properties"].items()]


def _string(**extra) -> dict:
    return {"type": "string", **extra}


BOOKING = {
    "type": "object", "required": ["id", "status", "start", "end", "service_id", "staff_id"],
    "properties": {
        "id": _string(),
        "status": _string(enum=["held", "awaiting_payment", "expired", "booked", "confirmed", "arrived", "completed",
                                "cancelled", "no_show"]),
        "start": _string(format="date-time"), "end": _string(format="date-time"), "service_id": _string(),
        "staff_id": _string(), "late": {"type": "boolean"}, "service_name": _string(nullable=True),
        "staff_name": _string(nullable=True),
    },
}

COMPONENTS = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": _string(), "message": _string()}}}},
    "Salon": {"type": "object", "properties": {
        "id": _string(), "name": _string(), "phone": _string(),
        "address": _string(nullable=True, example="Via dei Coronari 12, 00186 Roma"),
        "timezone": _string(), "locale": _string(), "currency": _string(),
        "opening_hours": {"type": "object", "additionalProperties": {
            "type": "array", "items": _string(example="09:00-13:00")}},
        "channels": {"type": "array", "items": {"type": "string", "enum": ["whatsapp", "email", "sms"]},
                     "description": "the channels a client may choose to be reached on"},
        "policies": {"type": "object", "additionalProperties": {"type": "integer"}}}},
    "Services": {"type": "object", "properties": {"services": {"type": "array", "items": {
        "type": "object", "properties": {"id": _string(), "name": _string(), "duration_minutes": {"type": "integer"},
                                         "price": _string(example="35.00"), "currency": _string(),
                                         "staff_ids": {"type": "array", "items": _string()},
                                         "deposit": {"type": "object", "description": "only when the service "
                                                     "asks a deposit to book online",
                                                     "properties": {"amount": _AMOUNT, "currency": _string()}}}}}}},
    "Staff": {"type": "object", "properties": {"staff": {"type": "array", "items": {
        "type": "object", "properties": {"id": _string(), "name": _string(),
                                         "service_ids": {"type": "array", "items": _string()}}}}}},
    "Slots": {"type": "object", "properties": {"slots": {"type": "array", "items": {
        "type": "object", "properties": {"start": _string(format="date-time"), "end": _string(format="date-time"),
                                         "staff_id": _string()}}}}},
    "Booking": BOOKING,
    "Payment": {"type": "object", "description": "A deposit: pay at `url` (present until paid) before "
                "`expires_at`, or the time is released", "properties": {
        "url": _string(format="uri"), "amount": _AMOUNT, "currency": _string(), "expires_at": _string(
            format="date-time"), "paid": {"type": "boolean"},
        "purpose": _string(enum=["deposit", "card"], description="card: leave a card on file, nothing is charged")}},
    "BookingCreated": {"type": "object", "properties": {
        "booking": BOOKING, "manage_token": _string(), "manage_url": _string(format="uri"),
        "payment": {"$ref": "#/components/schemas/Payment"}}},
    "ManagedBooking": {"type": "object", "properties": {
        "booking": BOOKING, "salon": {"type": "object", "additionalProperties": _string(nullable=True)},
        "free_cancellation_until": _string(format="date-time"),
        "payment": {"$ref": "#/components/schemas/Payment"}}},
    "WebhookReceived": {"type": "object", "properties": {
        "received": {"type": "boolean"},
        "outcome": _string(description="paid, paid_late, refunded, fee_paid, card_saved, duplicate, "
                                       "ignored: <why>")}},
    "WaitlistEntry": {"type": "object", "properties": {"waitlist_entry": {"type": "object", "properties": {
        "id": _string(), "service_id": _string(), "staff_id": _string(nullable=True),
        "date_from": _string(format="date"), "date_to": _string(format="date"), "status": _string()}}}},
    "BookingRequest": schema.BOOKING_REQUEST,
    "RescheduleRequest": schema.RESCHEDULE_REQUEST,
    "WaitlistRequest": schema.WAITLIST_REQUEST,
}


def _admin() -> tuple[dict, dict]:
    """The owner side's /v1/admin paths, declared next to their routes."""
    from .client_area import api as client_api
    from .owner import agenda as owner_agenda
    from .owner import client_channels as owner_client_channels
    from .owner import clients as owner_clients
    from .owner import language as owner_language
    from .owner import password as owner_password
    from .owner import settings as owner_settings

    paths, schemas = {}, {}
    for module in (owner_agenda, owner_clients, owner_client_channels, owner_settings, owner_password, owner_language,
                   client_api):
        paths.update(module.OPENAPI_PATHS)
        schemas.update(module.OPENAPI_SCHEMAS)
    return paths, schemas


def document() -> dict:
    salon_params, token_params = [_SALON_ID], [_TOKEN]
    admin_paths, admin_schemas = _admin()
    return {
        "openapi": "3.0.3",
        "info": {"title": "Chairtime public API", "version": "1",
                 "description": "Book, cancel and reschedule salon appointments. Times carry the salon's UTC "
                                "offset. Every error is {\"error\": {\"code\", \"message\"}}."},
        "paths": {
            "/v1/salons/{salon_id}": {"get": {
                "operationId": "getSalon", "parameters": salon_params,
                "responses": {**_ok(200, "Salon", "The salon and its public policies"), **_errors(404)}}},
            "/v1/salons/{salon_id}/services": {"get": {
                "operationId": "listServices", "parameters": salon_params,
                "responses": {**_ok(200, "Services", "Bookable services"), **_errors(404)}}},
            "/v1/salons/{salon_id}/staff": {"get": {
                "operationId": "listStaff", "parameters": salon_params,
                "responses": {**_ok(200, "Staff", "Specialists"), **_errors(404)}}},
            "/v1/salons/{salon_id}/availability": {"get": {
                "operationId": "getAvailability", "parameters": salon_params + _query_parameters(),
                "responses": {**_ok(200, "Slots", "Free slots, sorted; at most 31 days"), **_errors(400, 404)}}},
            "/v1/salons/{salon_id}/bookings": {"post": {
                "operationId": "createBooking",
                "parameters": salon_params + [{"name": "Idempotency-Key", "in": "header", "required": False,
                                               "schema": {"type": "string", "maxLength": 200}}],
                "requestBody": _body("BookingRequest"),
                "responses": {**_ok(201, "BookingCreated", "Booked; `awaiting_payment` with `payment` when the "
                                                           "service asks a deposit"),
                              **_ok(200, "BookingCreated", "Replay of an earlier request with the same key"),
                              **_errors(400, 403, 404, 409, 422, 429, 503)}}},
            "/v1/bookings/{token}": {"get": {
                "operationId": "getBooking", "parameters": token_params,
                "responses": {**_ok(200, "ManagedBooking", "The booking behind this link"), **_errors(404)}}},
            "/v1/bookings/{token}/cancel": {"post": {
                "operationId": "cancelBooking", "parameters": token_params,
                "responses": {**_ok(200, "ManagedBooking", "Cancelled; `late` after the cutoff"),
                              **_errors(404, 409, 429)}}},
            "/v1/bookings/{token}/reschedule": {"post": {
                "operationId": "rescheduleBooking", "parameters": token_params,
                "requestBody": _body("RescheduleRequest"),
                "responses": {**_ok(200, "ManagedBooking", "Moved"), **_errors(400, 404, 409, 422, 429)}}},
            "/v1/bookings/{token}/claim": {"post": {
                "operationId": "claimWaitlistOffer", "parameters": token_params,
                "responses": {**_ok(200, "ManagedBooking", "The held slot is now this client's booking"),
                              **_errors(404, 409, 429)}}},
            "/v1/payments/{provider}/webhook": {"post": {
                "operationId": "paymentWebhook",
                "summary": "The payment provider's signed events (Stripe's scheme: Stripe-Signature)",
                "parameters": [{"name": "provider", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": ["stripe", "local"]}},
                               {"name": "Stripe-Signature", "in": "header", "required": True,
                                "schema": {"type": "string", "maxLength": 1000}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {**_ok(200, "WebhookReceived", "Verified; a repeat changes nothing"),
                              **WEBHOOK_ERRORS}}},
            **admin_paths,
            "/v1/salons/{salon_id}/waitlist": {"post": {
                "operationId": "joinWaitlist", "parameters": salon_params, "requestBody": _body("WaitlistRequest"),
                "responses": {**_ok(201, "WaitlistEntry", "On the waitlist (a repeated join is answered alike)"),
                              **_errors(400, 403, 404, 409, 429)}}},
        },
        "components": {"schemas": {**COMPONENTS, **admin_schemas},
                       "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "chairtime_session",
                                                       "description": "The owner side's session cookie "
                                                                      "(POST /owner/login); changes also need "
                                                                      "the X-CSRF-Token header."},
                                           "client": {"type": "http", "scheme": "bearer",
                                                      "description": "A client's token from POST "
                                                                     "/v1/salons/{salon_id}/sign-in/verify."}}},
    }


@docs.route("/v1/openapi.json", methods=["GET"])
def openapi_json():
    return document()
