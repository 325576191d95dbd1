"""/v1/admin/clients...: the Clients area as JSON (documented in owner_clients.OPENAPI_PATHS).
The session cookie signs the caller in; changes also need the X-CSRF-Token header."""

from chalice import Response

from ...auth import accounts, roles
from ...domain.clock import iso_utc
from ...domain.errors import InvalidRequest
from ...domain.text import N_
from ...services import exports, personal_messages, records
from ...services.client_area import channels as client_channels
from ...services.owner import clients as service
from ...wiring import now, repository
from ..http import parse_json
from ..schema import validate
from . import records as owner_records
from .client_channels import PERSONAL_MESSAGE, REACH_CHANGE, estimate_view
from .clients import ACCESS_CHANGE, CLIENT_PATCH, ERASE_REQUEST, MONEY_ACTION, guard, owner_clients, refusing


@owner_clients.route("/v1/admin/clients", methods=["GET"])
@guard.require(roles.CLIENTS_OWN, api=True)
@refusing(api=True)
def api_search():
    params = owner_clients.current_request.query_params or {}
    if params.get("erasure_requested") == "true":  # the clients who asked to delete their data (owner only)
        asked = exports.erasure_requests(repository(), guard.principal())
        return {"query": "", "match": "erasure_requested", "more": False,
                "clients": [{"id": r.client.id, "name": r.client.name, "phone": r.client.phone,
                             "access": r.client.access.value, "erasure_requested_at": iso_utc(r.requested_at)}
                            for r in asked]}
    q = params.get("q") or ""
    found = service.search(repository(), guard.principal(), q)
    if found.problem:
        raise InvalidRequest(found.problem)
    return {"query": found.query, "match": found.how, "more": found.more,
            "clients": [{"id": c.id, "name": c.name, "phone": c.phone, "access": c.access.value}
                        for c in found.clients]}


@owner_clients.route("/v1/admin/clients/{client_id}", methods=["GET"])
@guard.require(roles.CLIENTS_OWN, api=True)
def api_file(client_id):
    file = service.open_file(repository(), guard.principal(), client_id)
    rights = file.rights
    answer = {"client": exports.client_record(file.client, rights.notes),
              "appointments": [exports.appointment_record(a, file.salon, file.catalog) for a in file.appointments],
              "can": {"edit": rights.edit, "notes": rights.notes, "export": rights.data, "erase": rights.data}}
    if rights.messages:
        answer["messages"] = [exports.message_record(m, file.salon) for m in file.messages]
    if rights.notes:
        answer["records"] = [records.export_record(r) for r in records.for_file(
            repository(), owner_records.photos(), file.salon, file.catalog, file.client)]
    return answer


@owner_clients.route("/v1/admin/clients/{client_id}", methods=["PATCH"])
@guard.require(roles.CLIENTS_OWN, api=True)
@refusing(api=True)
def api_update(client_id):
    changes = _body(CLIENT_PATCH)
    if not changes:
        raise InvalidRequest(N_("Send at least one field to change."))
    return _changed(service.update(repository(), accounts(), guard.principal(), client_id, changes, now()))


@owner_clients.route("/v1/admin/clients/{client_id}/access", methods=["POST"])
@guard.require(roles.CLIENTS, api=True)
@refusing(api=True)
def api_access(client_id):
    body = _body(ACCESS_CHANGE)
    return _changed(service.change_access(repository(), accounts(), guard.principal(), client_id, body["access"],
                                          body.get("until"), now()))


@owner_clients.route("/v1/admin/clients/{client_id}/appointments/{appointment_id}/revert-no-show",
                     methods=["POST"])
@guard.require(roles.CLIENTS, api=True)
@refusing(api=True)
def api_revert_no_show(client_id, appointment_id):
    changed = service.revert_no_show(repository(), accounts(), guard.principal(), client_id, appointment_id, now())
    return {**_changed(changed), "appointment": exports.appointment_record(changed.appointment, changed.salon,
                                                                            changed.catalog)}


@owner_clients.route("/v1/admin/clients/{client_id}/appointments/{appointment_id}/money", methods=["POST"])
@guard.require(roles.CLIENTS, api=True)
@refusing(api=True)
def api_settle_fee(client_id, appointment_id):
    from ...services.owner import money as owner_money
    from ...wiring import base_url, payments

    settled = owner_money.settle(repository(), accounts(), payments(), guard.principal(), client_id, appointment_id,
                                 _body(MONEY_ACTION)["action"], now(), base_url())
    file = service.open_file(repository(), guard.principal(), client_id)
    return {"outcome": settled.outcome, "reason": settled.job.reason if settled.job else None,
            "appointment": exports.appointment_record(settled.appointment, file.salon, file.catalog)}


@owner_clients.route("/v1/admin/clients/{client_id}/export", methods=["GET"])
@guard.require(roles.EXPORTS, api=True)
@refusing(api=True)
def api_export(client_id):
    return exports.client_export(repository(), accounts(), guard.principal(), client_id, now(),
                                 photos=owner_records.photos())


@owner_clients.route("/v1/admin/clients/{client_id}/erase", methods=["POST"])
@guard.require(roles.EXPORTS, api=True)
@refusing(api=True)
def api_erase(client_id):
    confirm = _body(ERASE_REQUEST)["confirm"]
    return _changed(exports.erase(repository(), accounts(), guard.principal(), client_id, confirm, now(),
                                  photos=owner_records.photos()))


def _changed(changed: service.Changed) -> dict:
    """The file after a change, as this user may read it (notes only with the right to)."""
    return {"client": exports.client_record(changed.client, changed.rights.notes)}


def _body(schema: dict) -> dict:
    """A JSON object checked against `schema`; booleans are checked here (the shared validator
    knows objects, strings and integers)."""
    body = parse_json(owner_clients.current_request.raw_body)
    if not isinstance(body, dict):
        raise InvalidRequest(N_("Send a JSON object."))
    flags = {name for name, spec in schema["properties"].items() if spec["type"] == "boolean"}
    for name in flags & set(body):
        if not isinstance(body[name], bool):
            raise InvalidRequest(N_("%(name)s must be true or false.", name=name))
    for name in flags & set(schema.get("required", ())) - set(body):
        raise InvalidRequest(N_("%(name)s is required (true or false).", name=name))
    others = {"properties": {k: v for k, v in schema["properties"].items() if k not in flags},
              "required": [name for name in schema.get("required", ()) if name not in flags]}
    checked = validate({k: v for k, v in body.items() if k not in flags}, {**schema, **others})
    return {**checked, **{name: body[name] for name in flags & set(body)}}


# --- how the client is reached, a personal message (client_channels.py) ---------------------

@owner_clients.route("/v1/admin/clients/{client_id}/reach", methods=["PUT"])
@guard.require(roles.CLIENTS, api=True)
@refusing(api=True)
def api_reach(client_id):
    body = _body(REACH_CHANGE)
    reach = client_channels.Reach(body.get("channel"), body.get("email") or None, body["whatsapp_consent"],
                                  body["marketing_consent"])
    _, _, rights, client = client_channels.change_by_salon(repository(), accounts(), guard.principal(), client_id,
                                                           reach, now())
    return {"client": exports.client_record(client, rights.notes), "reach": client_channels.reach_view(client)}


@owner_clients.route("/v1/admin/clients/{client_id}/messages", methods=["POST"])
@guard.require(roles.CLIENTS, api=True)
@refusing(api=True)
def api_personal_message(client_id):
    body = _body(PERSONAL_MESSAGE)
    if body.get("preview"):
        from ...services.owner.clients import checked_client

        salon, _, _, client = checked_client(repository(), guard.principal(), client_id, edit=True)
        return {"estimate": estimate_view(personal_messages.estimate(salon, client, body["text"], now()))}
    queued = personal_messages.send(repository(), accounts(), guard.principal(), client_id, body["text"], now())
    message = queued.message
    return Response(body={"message": {"id": message.id, "kind": message.kind, "status": message.status.value,
                                      "not_before": message.not_before.isoformat(), "reason": message.reason},
                          "estimate": estimate_view(queued.estimate)}, status_code=201)
