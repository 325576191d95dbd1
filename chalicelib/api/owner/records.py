"""Owner side — treatment records: the record page of a visit (text, the service's fields, up to
six photos posted straight to the photo store), the fields each service asks for, and the JSON
twin. The local photo store's upload and view routes (`make run`) are in local_photos.py.

The routes join the Clients area's blueprint (records are part of the client file)."""
from urllib.parse import quote, urlencode, urlparse

from chalice import Response

from ...auth import accounts, roles
from ...auth.guard import N_, app_root, owner_page, translator
from ...domain.errors import DomainError, IllegalTransition, InvalidRequest, NotFound
from ...domain.records import format_fields_spec
from ...photos import photo_store
from ...services import records as service
from ...web import forms
from ...web.localize import error_message
from ...web.owner.agenda import flash, parse_start_key, start_key
from ...web.render import CSP, redirect
from ...wiring import now, repository
from ..http import base_url, json_body, parse_json
from ..schema import validate
from .clients import guard, owner_clients, refusing

FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
FIELD_PREFIX = "field_"
DONE = {"saved": N_("Record saved."), "photo": N_("Photo added."), "deleted": N_("Photo deleted.")}
RECORD_BODY = {
    "type": "object", "additionalProperties": False,
    "properties": {"text": {"type": "string", "maxLength": 4000},
                   "fields": {"type": "object", "description": "field id -> value (text or a number)",
                              "additionalProperties": {"type": "string", "maxLength": 300}}},
}
_RECORD_TEXT = {**RECORD_BODY, "properties": {"text": RECORD_BODY["properties"]["text"]}}
FIELDS_BODY = {"type": "object", "additionalProperties": False, "required": ["spec"],
               "properties": {"spec": {"type": "string", "maxLength": 4000, "description":
                                       "one field a line: `label`, `label | number`, `label | choice | a, b`"}}}


def photos():
    """The photo store; the local twin's forms and links point at the host this request came to."""
    return photo_store(_here_base())


def _here_base() -> str:
    """Scheme, host and the app's root path as the browser sees them: an upload form posts there
    and the photo store sends the browser back there (not to PUBLIC_BASE_URL, the texts' host)."""
    request = owner_clients.current_request
    origin = urlparse(base_url(request, None))
    return f"{origin.scheme}://{origin.netloc}{app_root(request)}"


def _record_path(start, appointment_id) -> str:
    return f"/owner/records/{quote(start, safe='')}/{quote(appointment_id, safe='')}"


# --- the record page (HTML) ------------------------------------------------------------------------

@owner_clients.route("/owner/records/{start}/{appointment_id}", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
def record_page(start, appointment_id):
    params = forms.query(owner_clients.current_request)
    who, store = guard.principal(), photos()
    if params.get("photo"):  # back from the photo store after an upload
        page = service.photo_added(repository(), store, accounts(), who, parse_start_key(start), appointment_id,
                                   params["photo"], now())
        return _page(page, done=flash(translator(), DONE, "photo"))
    page = service.open_record(repository(), store, who, parse_start_key(start), appointment_id)
    done = params.get("done", "")
    return _page(page, done=flash(translator(), DONE, done))


@owner_clients.route("/owner/records/{start}/{appointment_id}", methods=["POST"], content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
def record_save(start, appointment_id):
    data = {k: v.replace("\r\n", "\n") for k, v in forms.fields(owner_clients.current_request.raw_body).items()}
    values = {k[len(FIELD_PREFIX):]: v for k, v in data.items() if k.startswith(FIELD_PREFIX)}
    repo, who = repository(), guard.principal()
    try:
        service.save(repo, accounts(), who, parse_start_key(start), appointment_id, data.get("text", ""), values,
                     now())
    except NotFound:
        raise
    except DomainError as error:
        page = service.open_record(repo, photos(), who, parse_start_key(start), appointment_id)
        status = 409 if isinstance(error, IllegalTransition) else 400
        return _page(page, status, problem=error_message(error, translator()),
                     typed={"text": data.get("text", ""), **values})
    root = app_root(owner_clients.current_request)
    return redirect(f"{root}{_record_path(start, appointment_id)}?done=saved")


@owner_clients.route("/owner/records/{start}/{appointment_id}/photos/{slot}/delete", methods=["POST"],
                     content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
def record_photo_delete(start, appointment_id, slot):
    service.delete_photo(repository(), photos(), accounts(), guard.principal(), parse_start_key(start),
                         appointment_id, slot, now())
    root = app_root(owner_clients.current_request)
    return redirect(f"{root}{_record_path(start, appointment_id)}?done=deleted")


def _page(page: service.RecordPage, status: int = 200, **context) -> Response:
    request = owner_clients.current_request
    root = app_root(request)
    here = _here_base() + _record_path(start_key(page.appointment.start),
                                                                     page.appointment.id)
    store = photos()
    uploads = {slot: service.upload_form(page, store, slot, f"{here}?{urlencode({'photo': slot})}")
               for slot in page.free_slots}
    from .agenda import reader_formatter

    fmt = reader_formatter(page.salon)
    response = owner_page(request, "owner/records/record.html", status, me=guard.principal(),
                          salon_name=page.salon.name, page=page, appt=page.appointment, uploads=uploads,
                          service=page.catalog.service(page.appointment.service_id),
                          staff=page.catalog.staff_member(page.appointment.staff_id),
                          action=root + _record_path(start_key(page.appointment.start), page.appointment.id),
                          when=fmt.short_when,
                          **{"typed": None, "done": None, "problem": None, **context})
    return with_photo_origins(response, [f.url for f in uploads.values()] + [p.url for p in page.photos])


def with_photo_origins(response: Response, urls) -> Response:
    """The page posts to, and shows images from, the photo store: allow its origin, nothing more."""
    origins = sorted({f"{u.scheme}://{u.netloc}" for u in map(urlparse, urls) if u.scheme in ("https", "http")})
    if origins:
        extra = " ".join(origins)
        response.headers["Content-Security-Policy"] = CSP.replace(
            "img-src 'self' data:", f"img-src 'self' data: {extra}").replace(
            "form-action 'self'", f"form-action 'self' {extra}")
    return response


# --- the fields a service's records ask for (HTML, owner) ----------------------------------------------

@owner_clients.route("/owner/record-fields/{service_id}", methods=["GET"])
@guard.require(roles.SETTINGS)
def record_fields_page(service_id):
    salon, svc = service.record_fields_of(repository(), guard.principal(), service_id)
    done = forms.query(owner_clients.current_request).get("done") == "saved"
    return _fields_page(salon, svc, format_fields_spec(svc.record_fields), done=done)


@owner_clients.route("/owner/record-fields/{service_id}", methods=["POST"], content_types=[FORM])
@guard.require(roles.SETTINGS)
@refusing()
def record_fields_save(service_id):
    spec = forms.fields(owner_clients.current_request.raw_body).get("spec", "").replace("\r\n", "\n")
    repo, who = repository(), guard.principal()
    try:
        service.define_fields(repo, accounts(), who, service_id, spec, now())
    except InvalidRequest as error:
        salon, svc = service.record_fields_of(repo, who, service_id)
        return _fields_page(salon, svc, spec, 400, problem=error_message(error, translator()))
    root = app_root(owner_clients.current_request)
    return redirect(f"{root}/owner/record-fields/{quote(service_id, safe='')}?done=saved")


def _fields_page(salon, svc, spec: str, status: int = 200, **context) -> Response:
    return owner_page(owner_clients.current_request, "owner/records/fields.html", status, me=guard.principal(),
                      salon_name=salon.name, service=svc, spec=spec, **{"done": False, "problem": None, **context})


# --- JSON twin ---------------------------------------------------------------------------------------

@owner_clients.route("/v1/admin/records/{start}/{appointment_id}", methods=["GET"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_record(start, appointment_id):
    store = photos()
    page = service.open_record(repository(), store, guard.principal(), parse_start_key(start), appointment_id)
    return _record_answer(page, store, start, appointment_id)


@owner_clients.route("/v1/admin/records/{start}/{appointment_id}", methods=["PUT"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_record_save(start, appointment_id):
    parsed = parse_json(owner_clients.current_request.raw_body)  # size and nesting checked first
    if not isinstance(parsed, dict):
        raise InvalidRequest(N_("Send a JSON object: {\"text\", \"fields\"}."))
    values = parsed.pop("fields", None) or {}
    body = validate(parsed, _RECORD_TEXT)  # the shared validator knows flat objects; fields are checked here
    if not isinstance(values, dict) or not all(isinstance(v, str | int | float) and not isinstance(v, bool)
                                               for v in values.values()):
        raise InvalidRequest(N_("fields must map field ids to text or numbers."))
    repo, store, who = repository(), photos(), guard.principal()
    service.save(repo, accounts(), who, parse_start_key(start), appointment_id, body.get("text", ""),
                 {k: str(v) for k, v in values.items()}, now())
    page = service.open_record(repo, store, who, parse_start_key(start), appointment_id)
    return _record_answer(page, store, start, appointment_id)


@owner_clients.route("/v1/admin/records/{start}/{appointment_id}/photos/{slot}", methods=["DELETE"])
@guard.require(roles.AGENDA_OWN, api=True)
def api_record_photo_delete(start, appointment_id, slot):
    repo, store, who = repository(), photos(), guard.principal()
    service.delete_photo(repo, store, accounts(), who, parse_start_key(start), appointment_id, slot, now())
    return _record_answer(service.open_record(repo, store, who, parse_start_key(start), appointment_id), store,
                          start, appointment_id)


@owner_clients.route("/v1/admin/record-fields/{service_id}", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def api_record_fields(service_id):
    _, svc = service.record_fields_of(repository(), guard.principal(), service_id)
    return _fields_answer(svc)


@owner_clients.route("/v1/admin/record-fields/{service_id}", methods=["PUT"])
@guard.require(roles.SETTINGS, api=True)
@refusing(api=True)
def api_record_fields_save(service_id):
    spec = json_body(owner_clients.current_request, FIELDS_BODY)["spec"]
    return _fields_answer(service.define_fields(repository(), accounts(), guard.principal(), service_id, spec, now()))


def _fields_answer(svc) -> dict:
    return {"service_id": svc.id, "spec": format_fields_spec(svc.record_fields),
            "fields": [{"id": f.id, "label": f.label, "kind": f.kind, "choices": list(f.choices)}
                       for f in svc.record_fields]}


def _record_answer(page: service.RecordPage, store, start: str, appointment_id: str) -> dict:
    here = _here_base() + _record_path(start, appointment_id)
    record = service.view(page.record, page.catalog, page.photos) if page.record else None
    return {
        "record": service.export_record(record) if record else None,
        "fields": [{"id": f.id, "label": f.label, "kind": f.kind, "choices": list(f.choices)} for f in page.fields],
        "photos": [{"slot": p.slot, "size": p.size, "url": p.url} for p in page.photos],
        "uploads": [{"slot": slot, **_form(service.upload_form(page, store, slot, f"{here}?photo={slot}"))}
                    for slot in page.free_slots],
    }


def _form(form) -> dict:
    return {"url": form.url, "fields": form.fields}


# --- /v1/admin/records... in /v1/openapi.json (merged with the Clients area's paths) ---------------------

def _openapi() -> None:
    from .clients import OPENAPI_PATHS, OPENAPI_SCHEMAS, operation, ref, reply, string

    appointment = [{"name": "start", "in": "path", "required": True, "description": "The appointment's start in UTC",
                    "schema": string(pattern=r"^\d{8}T\d{6}Z$", example="20260324T090000Z")},
                   {"name": "appointment_id", "in": "path", "required": True, "schema": string(maxLength=64)}]
    service_id = [{"name": "service_id", "in": "path", "required": True, "schema": string(maxLength=64)}]
    slot = [{"name": "slot", "in": "path", "required": True, "schema": string(pattern="^[1-6]$")}]
    missing = {"404": reply("appointment_not_found (or another specialist's, for a staff login), photo_not_found"),
               "409": reply("appointment_not_started, client_erased")}
    OPENAPI_PATHS.update({
        "/v1/admin/records/{start}/{appointment_id}": {
            "get": operation("getTreatmentRecord", "A visit's treatment record, its photos (short-lived links) and "
                              "a signed upload form per free photo place", "TreatmentRecordPage", appointment,
                              errors=missing),
            "put": operation("saveTreatmentRecord", "Write or rewrite the visit's record (the client has arrived)",
                              "TreatmentRecordPage", appointment, "TreatmentRecordBody",
                              {"400": reply("invalid_request: a value the service's fields refuse"), **missing})},
        "/v1/admin/records/{start}/{appointment_id}/photos/{slot}": {"delete": operation(
            "deleteTreatmentPhoto", "Delete one of the record's photos", "TreatmentRecordPage", appointment + slot,
            errors=missing)},
        "/v1/admin/record-fields/{service_id}": {
            "get": operation("getRecordFields", "The fields a service's records ask for", "RecordFields", service_id,
                              errors={"404": reply("service_not_found")}),
            "put": operation("setRecordFields", "Define them (owner), one a line", "RecordFields", service_id,
                              "RecordFieldsBody", {"400": reply("invalid_request"),
                                                   "404": reply("service_not_found")})},
    })
    field = {"type": "object", "properties": {"id": string(), "label": string(),
                                              "kind": string(enum=["text", "number", "choice"]),
                                              "choices": {"type": "array", "items": string()}}}
    photo = {"type": "object", "properties": {"slot": {"type": "integer"}, "size": {"type": "integer"},
                                              "url": string(description="signed, valid for 5 minutes")}}
    OPENAPI_SCHEMAS.update({
        "TreatmentRecordBody": RECORD_BODY,
        "RecordFieldsBody": FIELDS_BODY,
        "RecordFields": {"type": "object", "properties": {"service_id": string(), "spec": string(),
                                                          "fields": {"type": "array", "items": field}}},
        "TreatmentRecord": {"type": "object", "properties": {
            "appointment_id": string(), "appointment_start": string(format="date-time"), "service_id": string(),
            "service_name": string(), "staff_id": string(), "staff_name": string(), "text": string(),
            "fields": {"type": "array", "items": {"type": "object", "properties": {"label": string(),
                                                                                   "value": string()}}},
            "photos": {"type": "array", "items": photo}, "created_at": string(format="date-time"),
            "updated_at": string(format="date-time")}},
        "TreatmentRecordPage": {"type": "object", "properties": {
            "record": {**ref("TreatmentRecord"), "nullable": True},
            "fields": {"type": "array", "items": field}, "photos": {"type": "array", "items": photo},
            "uploads": {"type": "array", "description": "POST the file as `file`, after these fields, to `url`",
                        "items": {"type": "object", "properties": {
                            "slot": {"type": "integer"}, "url": string(),
                            "fields": {"type": "object", "additionalProperties": string()}}}}}},
    })


_openapi()
