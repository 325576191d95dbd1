"""Broadcasts (roles.MESSAGES: owner and front desk): write one message, choose a segment, see
how many it reaches on each channel and what it costs, confirm, then follow its progress.
HTML under /owner/messages/broadcasts, JSON under /v1/admin/broadcasts."""
import re

from ...auth import accounts, roles
from ...domain.broadcast import Broadcast
from ...domain.errors import NotFound
from ...domain.ids import new_id
from ...domain.text import N_
from ...services import broadcasts
from ...services.owner.settings_fields import FieldErrors, from_json
from ...services.salons import load_salon
from ...wiring import now, repository
from ..views import local_iso
from . import settings_http as http
from .settings import guard, owner_settings

bp = owner_settings
PATH = "/owner/messages/broadcasts"
FIELDS = ("text", "segment", "service_id", "days", "day")
_BROADCAST_ID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")  # a ULID: made by the preview


def _broadcast_id(value: str | None) -> str:
    if not value or not _BROADCAST_ID.match(value):
        raise FieldErrors({"id": N_("Preview the broadcast first: its id comes from the preview.")})
    return value


def _load(broadcast_id: str) -> Broadcast:
    me = guard.principal()
    found = repository().get_broadcast(me.salon_id, http.ident(broadcast_id))
    if found is None:
        raise NotFound(N_("There is no such broadcast."), "broadcast_not_found")
    return found


def _audit(broadcast: Broadcast) -> None:
    me = guard.principal()
    accounts().record_audit(me.salon_id, me.user_id, "broadcast_sent", f"broadcast:{broadcast.id}",
                            {"segment": broadcast.segment.as_dict(), "characters": len(broadcast.text)}, now())


# --- HTML -----------------------------------------------------------------------------------------

def _list_page(values=None, errors=None, status: int = 200):
    me = guard.principal()
    salon, catalog = load_salon(repository(), me.salon_id)
    return http.page(bp.current_request, "owner/messages/broadcasts.html", status, salon_name=salon.name,
                     services=[s for s in catalog.services if s.active], values=values or {"segment": "marketing"},
                     errors=errors or {}, rows=broadcasts.recent(repository(), me.salon_id))


@bp.route(PATH, methods=["GET"])
@guard.require(roles.MESSAGES)
def broadcasts_page():
    return _list_page()


@bp.route(PATH + "/preview", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.MESSAGES)
def broadcast_preview_page():
    values = {k: v for k, v in http.form_values(bp.current_request).items() if k in FIELDS}
    repo = repository()
    salon, catalog = load_salon(repo, guard.principal().salon_id)
    try:
        text, segment = broadcasts.read_request(values, catalog, salon, now())
    except FieldErrors as error:
        return _list_page(values, error.errors, 400)
    shown = broadcasts.preview(repo, salon, text, segment, now())
    return http.page(bp.current_request, "owner/messages/broadcast_preview.html", salon_name=salon.name,
                     values=values, errors={}, shown=shown, text=text, segment=segment, broadcast_id=new_id(),
                     service=catalog.service(segment.service_id) if segment.service_id else None)


@bp.route(PATH, methods=["POST"], content_types=[http.FORM])
@guard.require(roles.MESSAGES)
def broadcast_send_page():
    form = http.form_values(bp.current_request)
    values = {k: v for k, v in form.items() if k in FIELDS}
    repo, me = repository(), guard.principal()
    salon, catalog = load_salon(repo, me.salon_id)
    try:
        broadcast_id = _broadcast_id(form.get("id"))
        text, segment = broadcasts.read_request(values, catalog, salon, now())
    except FieldErrors as error:
        return _list_page(values, error.errors, 400)
    broadcast, created = broadcasts.send(repo, salon, me.user_id, broadcast_id, text, segment, now())
    if created:
        _audit(broadcast)
    return http.done(bp.current_request, f"{PATH}/{broadcast.id}", "saved")


@bp.route(PATH + "/{broadcast_id}", methods=["GET"])
@guard.require(roles.MESSAGES)
def broadcast_page(broadcast_id):
    broadcast = _load(broadcast_id)
    salon, catalog = load_salon(repository(), broadcast.salon_id)
    service = catalog.service(broadcast.segment.service_id) if broadcast.segment.service_id else None
    return http.page(bp.current_request, "owner/messages/broadcast.html", salon_name=salon.name,
                     broadcast=broadcast, progress=broadcasts.progress(repository(), broadcast), service=service,
                     created=f"{broadcast.created_at.astimezone(salon.tz):%Y-%m-%d %H:%M}")


# --- JSON -----------------------------------------------------------------------------------------

def broadcast_json(broadcast: Broadcast, salon, progress=None) -> dict:
    body = {"id": broadcast.id, "text": broadcast.text, "segment": broadcast.segment.as_dict(),
            "created_at": local_iso(broadcast.created_at, salon), "status": broadcast.status.value,
            "enqueued": broadcast.queued}
    if progress is not None:
        body["progress"] = {"queued": progress.queued, "sent": progress.sent, "failed": progress.failed,
                            "skipped": dict(progress.skipped), "enqueuing": progress.enqueuing}
    return body


def _json_request(with_id: bool = False):
    """The body and its fields as form strings; unknown fields are a 400 (`id`: only when sending)."""
    raw = http.json_in(bp.current_request)
    if not isinstance(raw, dict):
        raise FieldErrors({"body": N_("Send a JSON object.")})
    values = from_json({k: v for k, v in raw.items() if not (with_id and k == "id")}, FIELDS)
    return raw, values


@bp.route("/v1/admin/broadcasts/preview", methods=["POST"])
@guard.require(roles.MESSAGES, api=True)
@http.json_fields
def admin_broadcast_preview():
    _, values = _json_request()
    repo = repository()
    salon, catalog = load_salon(repo, guard.principal().salon_id)
    text, segment = broadcasts.read_request(values, catalog, salon, now())
    shown = broadcasts.preview(repo, salon, text, segment, now())
    return http.answer({"id": new_id(), "segment": segment.as_dict(), "reach": shown.reach, "total": shown.total,
                        "cost_usd": {c: str(v) for c, v in shown.cost_usd.items()},
                        "total_cost_usd": str(shown.total_cost_usd), "skipped": shown.skipped,
                        "sms_parts": shown.sms_parts})


@bp.route("/v1/admin/broadcasts", methods=["POST"])
@guard.require(roles.MESSAGES, api=True)
@http.json_fields
def admin_broadcast_send():
    raw, values = _json_request(with_id=True)
    repo, me = repository(), guard.principal()
    salon, catalog = load_salon(repo, me.salon_id)
    broadcast_id = _broadcast_id(raw.get("id") if isinstance(raw.get("id"), str) else None)
    text, segment = broadcasts.read_request(values, catalog, salon, now())
    broadcast, created = broadcasts.send(repo, salon, me.user_id, broadcast_id, text, segment, now())
    if created:
        _audit(broadcast)
    return http.answer(broadcast_json(broadcast, salon), 201 if created else 200)


@bp.route("/v1/admin/broadcasts", methods=["GET"])
@guard.require(roles.MESSAGES, api=True)
def admin_broadcasts():
    me = guard.principal()
    salon, _ = load_salon(repository(), me.salon_id)
    return http.answer({"broadcasts": [broadcast_json(b, salon) for b in broadcasts.recent(repository(), me.salon_id)]})


@bp.route("/v1/admin/broadcasts/{broadcast_id}", methods=["GET"])
@guard.require(roles.MESSAGES, api=True)
def admin_broadcast(broadcast_id):
    broadcast = _load(broadcast_id)
    salon, _ = load_salon(repository(), broadcast.salon_id)
    return http.answer(broadcast_json(broadcast, salon, broadcasts.progress(repository(), broadcast)))


# --- OpenAPI (merged into owner_settings' paths and schemas) --------------------------------------

def _openapi() -> tuple[dict, dict]:
    from .settings import array, integer, obj, op, path_param, string

    channels = {c: integer() for c in ("whatsapp", "email", "sms")}
    segment = {"segment": string(enum=["marketing", "service", "lapsed", "date"]), "service_id": string(nullable=True),
               "days": integer(nullable=True, minimum=1, maximum=3650, description="lapsed: not seen for; service: "
                                                                                "had it within (default 365)"),
               "day": string(format="date", nullable=True, description="date: everyone booked that day")}
    schemas = {
        "BroadcastInput": obj({"text": string(maxLength=480), **segment}, ("text", "segment")),
        "BroadcastSend": obj({"id": string(pattern="^[0-9A-HJKMNP-TV-Z]{26}$", description="the preview's id: "
                                        "the same id twice sends once"), "text": string(maxLength=480), **segment},
                              ("id", "text", "segment")),
        "BroadcastPreview": obj({"id": string(), "segment": obj({}), "reach": obj(channels), "total": integer(),
                                  "cost_usd": obj({c: string() for c in channels}), "total_cost_usd": string(),
                                  "skipped": {"type": "object", "additionalProperties": integer()},
                                      "sms_parts": integer()}),
        "Broadcast": obj({"id": string(), "text": string(), "segment": obj({}),
            "created_at": string(format="date-time"),
                           "status": string(enum=["enqueuing", "queued"]), "enqueued": integer(),
                           "progress": obj({"queued": integer(), "sent": integer(), "failed": integer(), "enqueuing": {
                               "type": "boolean"}, "skipped": {"type": "object", "additionalProperties": integer()}})}),
        "Broadcasts": obj({"broadcasts": array({"$ref": "#/components/schemas/Broadcast"})}),
    }
    paths = {
        "/v1/admin/broadcasts/preview": {"post": op(
            "previewBroadcast", "How many a message reaches on each channel, its estimated cost, who is skipped; "
            "an id for sending it", "BroadcastPreview", (400,), "BroadcastInput")},
        "/v1/admin/broadcasts": {
            "get": op("listBroadcasts", "Recent broadcasts, newest first", "Broadcasts", ()),
            "post": op("sendBroadcast", "Send a previewed broadcast (201; 200 with the first one when the id "
                        "was sent already)", "Broadcast", (400,), "BroadcastSend", ok_status=201)},
        "/v1/admin/broadcasts/{broadcast_id}": {"get": op(
            "getBroadcast", "A broadcast with its progress: waiting, sent, failed, skipped by reason", "Broadcast",
            (404,), params=[path_param("broadcast_id")])},
    }
    return paths, schemas


OPENAPI_PATHS, OPENAPI_SCHEMAS = _openapi()
