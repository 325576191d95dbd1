"""The client file's channels, the parts the owner side's modules share: the JSON schemas and the
OpenAPI entries of /v1/admin/clients/{id}/reach and /messages (merged by api/openapi.py), and what
the file page shows of the client's channel. The routes themselves sit with their kind:
client_pages.py (forms) and client_api.py (JSON)."""
from ...services import personal_messages
from ...wiring import now


def _string(**extra) -> dict:
    return {"type": "string", **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, name: str = "Error") -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


_REFUSED = {"401": _answer("unauthenticated: no valid session"),
            "403": _answer("csrf_failed (a change without X-CSRF-Token), forbidden (the role does not allow it)")}


def _operation(operation_id: str, summary: str, answer: str, body: str, errors: dict, status: str = "200") -> dict:
    return {"operationId": operation_id, "summary": summary, "security": [{"session": []}],
            "parameters": [_CLIENT_ID],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(body)}}},
            "responses": {status: _answer(summary, answer), **_REFUSED, **errors}}


_CLIENT_ID = {"name": "client_id", "in": "path", "required": True,
              "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"}}

REACH_CHANGE = {"type": "object", "additionalProperties": False,
                "required": ["whatsapp_consent", "marketing_consent"],
                "properties": {"channel": _string(enum=["whatsapp", "email", "sms"], maxLength=10, nullable=True,
                                                  description="the client's choice; null: the salon's order"),
                               "email": _string(maxLength=254, description="empty: no address"),
                               "whatsapp_consent": {"type": "boolean"}, "marketing_consent": {"type": "boolean"}}}
PERSONAL_MESSAGE = {"type": "object", "additionalProperties": False, "required": ["text"],
                    "properties": {"text": _string(maxLength=personal_messages.MAX_LENGTH),
                                   "preview": {"type": "boolean",
                                               "description": "true: answer the channel and cost, queue nothing"}}}


def file_context(file, context: dict) -> dict:
    """What the file's channel sections show: where a message would go now and its cost (for the
    text the user typed, when the page comes back with a problem)."""
    draft = (context.get("typed") or {}).get("text", "") if context.get("failed") == "personal" else ""
    return {"personal": personal_messages.estimate(file.salon, file.client, draft, now()),
            "personal_max": personal_messages.MAX_LENGTH}


def estimate_view(estimate) -> dict:
    return {"channel": estimate.channel, "parts": estimate.parts, "cost_usd": str(estimate.cost_usd),
            "country": estimate.country}


_ESTIMATE = {"type": "object", "properties": {
    "channel": _string(enum=["whatsapp", "email", "sms"], nullable=True), "parts": {"type": "integer"},
    "cost_usd": _string(example="0.0900", description="estimated, from the salon's price table"),
    "country": _string()}}
_MISSING = {"404": _answer("client_not_found: no such client, or one the user may not open")}
OPENAPI_PATHS: dict = {
    "/v1/admin/clients/{client_id}/reach": {"put": _operation(
        "setClientReach", "How the client is reached: channel, e-mail, WhatsApp and marketing consent",
        "ClientReachChanged", "ClientReachChange",
        {"400": _answer("invalid_request, invalid_email, invalid_channel"), **_MISSING,
         "409": _answer("client_erased")})},
    "/v1/admin/clients/{client_id}/messages": {"post": _operation(
        "sendPersonalMessage", "A personal message to the client over their channel, queued in the outbox (the "
        "reply lands in the inbox); with preview, 200 with the channel and estimated cost, nothing queued",
        "PersonalMessageQueued", "PersonalMessageRequest",
        {"200": _answer("The preview", "PersonalMessageEstimate"),
         "400": _answer("invalid_request (empty or too long)"), **_MISSING,
         "409": _answer("client_erased, client_unreachable")}, status="201")},
}
OPENAPI_SCHEMAS: dict = {
    "ClientReachChange": REACH_CHANGE,
    "ClientReach": {"type": "object", "properties": {
        "channel": _string(nullable=True), "email": _string(nullable=True), "email_suppressed": {"type": "boolean"},
        "whatsapp_consent": {"type": "boolean"}, "whatsapp_opt_out": {"type": "boolean"},
        "sms_opt_out": {"type": "boolean"}, "marketing_consent": {"type": "boolean"}}},
    "ClientReachChanged": {"type": "object", "properties": {"client": _ref("ClientRecord"),
                                                            "reach": _ref("ClientReach")}},
    "PersonalMessageRequest": PERSONAL_MESSAGE,
    "PersonalMessageEstimate": {"type": "object", "properties": {"estimate": _ESTIMATE}},
    "PersonalMessageQueued": {"type": "object", "properties": {
        "message": {"type": "object", "properties": {
            "id": _string(), "kind": _string(), "status": _string(), "not_before": _string(format="date-time"),
            "reason": _string(nullable=True)}},
        "estimate": _ESTIMATE}},
}
