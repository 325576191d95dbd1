"""Settings of services and staff (owner only): lists, create, edit, deactivate / activate."""
from ...auth import accounts, roles
from ...domain.catalog import Service, Staff
from ...domain.errors import InvalidRequest
from ...domain.salon import format_weekly_hours
from ...domain.text import N_
from ...services.owner import settings
from ...services.owner import settings_catalog as catalog_settings
from ...services.owner.settings_fields import FieldErrors, from_json
from ...wiring import now, repository
from . import settings_http as http
from .settings import guard, owner_settings

bp = owner_settings
SERVICES, STAFF = "/owner/settings/services", "/owner/settings/staff"


def service_json(s: Service) -> dict:
    return {"id": s.id, "name": s.name, "duration_minutes": s.duration_minutes, "buffer_minutes": s.buffer_minutes,
            "price": str(s.price), "recall_days": s.recall_days, "active": s.active,
            **catalog_settings.deposit_values(s.deposit)}


def staff_json(s: Staff) -> dict:
    return {"id": s.id, "name": s.name, "service_ids": list(s.service_ids),
            "hours": None if s.hours is None else format_weekly_hours(s.hours),
            "time_off": [{"start": p.start.isoformat(timespec="minutes"), "end": p.end.isoformat(timespec="minutes")}
                         for p in s.time_off], "active": s.active}


def _loaded():
    return settings.load(repository(), guard.principal().salon_id)


def _active_field() -> bool:
    value = http.form_values(bp.current_request).get("active")
    if value not in ("0", "1"):
        raise InvalidRequest(N_("Choose to activate or to deactivate."))
    return value == "1"


# --- services (HTML) ------------------------------------------------------------------------------

@bp.route(SERVICES, methods=["GET"])
@guard.require(roles.SETTINGS)
def services_list():
    salon, catalog = _loaded()
    return http.page(bp.current_request, "owner/settings/services.html", salon_name=salon.name, salon=salon,
                     services=catalog.services)


def _service_form(service: Service | None, values=None, errors=None, status: int = 200):
    salon, _ = _loaded()
    return http.page(bp.current_request, "owner/settings/service.html", status, salon_name=salon.name, salon=salon,
                     service=service, values=values or catalog_settings.service_values(service), errors=errors or {})


@bp.route(SERVICES + "/new", methods=["GET"])
@guard.require(roles.SETTINGS)
def service_new():
    return _service_form(None)


@bp.route(SERVICES, methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def service_create():
    request, values = bp.current_request, http.form_values(bp.current_request)
    try:
        service = catalog_settings.create_service(repository(), accounts(), guard.principal(), values, now())
    except FieldErrors as error:
        return _service_form(None, values, error.errors, 400)
    return http.done(request, f"{SERVICES}/{service.id}", "created")


@bp.route(SERVICES + "/{service_id}", methods=["GET"])
@guard.require(roles.SETTINGS)
def service_edit(service_id):
    _, catalog = _loaded()
    return _service_form(catalog_settings.find_service(catalog, http.ident(service_id)))


@bp.route(SERVICES + "/{service_id}", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def service_save(service_id):
    request, values, service_id = bp.current_request, http.form_values(bp.current_request), http.ident(service_id)
    try:
        _, changed = catalog_settings.update_service(repository(), accounts(), guard.principal(), service_id, values,
                                                     now())
    except FieldErrors as error:
        return _service_form(catalog_settings.find_service(_loaded()[1], service_id), values, error.errors, 400)
    return http.done(request, f"{SERVICES}/{service_id}", "saved" if changed else "unchanged")


@bp.route(SERVICES + "/{service_id}/active", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def service_active(service_id):
    service_id, active = http.ident(service_id), _active_field()
    catalog_settings.update_service(repository(), accounts(), guard.principal(), service_id, {}, now(),
                                    partial=True, active=active)
    return http.done(bp.current_request, f"{SERVICES}/{service_id}", "activated" if active else "deactivated")


# --- staff (HTML) ---------------------------------------------------------------------------------

@bp.route(STAFF, methods=["GET"])
@guard.require(roles.SETTINGS)
def staff_list():
    salon, catalog = _loaded()
    return http.page(bp.current_request, "owner/settings/staff_list.html", salon_name=salon.name, catalog=catalog)


def _staff_form(member: Staff | None, values=None, errors=None, status: int = 200):
    salon, catalog = _loaded()
    return http.page(bp.current_request, "owner/settings/staff.html", status, salon_name=salon.name, member=member,
                     catalog=catalog, days=http.DAY_NAMES, errors=errors or {},
                     values=values or catalog_settings.staff_values(member, salon, catalog))


@bp.route(STAFF + "/new", methods=["GET"])
@guard.require(roles.SETTINGS)
def staff_new():
    return _staff_form(None)


@bp.route(STAFF, methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def staff_create():
    request, values = bp.current_request, http.form_values(bp.current_request)
    try:
        member, clipped = catalog_settings.create_staff(repository(), accounts(), guard.principal(), values, now())
    except FieldErrors as error:
        return _staff_form(None, values, error.errors, 400)
    return http.done(request, f"{STAFF}/{member.id}", "clipped" if clipped else "created")


@bp.route(STAFF + "/{staff_id}", methods=["GET"])
@guard.require(roles.SETTINGS)
def staff_edit(staff_id):
    _, catalog = _loaded()
    return _staff_form(catalog_settings.find_staff(catalog, http.ident(staff_id)))


@bp.route(STAFF + "/{staff_id}", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def staff_save(staff_id):
    request, values, staff_id = bp.current_request, http.form_values(bp.current_request), http.ident(staff_id)
    try:
        _, changed, clipped = catalog_settings.update_staff(repository(), accounts(), guard.principal(), staff_id,
                                                            values, now())
    except FieldErrors as error:
        return _staff_form(catalog_settings.find_staff(_loaded()[1], staff_id), values, error.errors, 400)
    return http.done(request, f"{STAFF}/{staff_id}", "clipped" if clipped else "saved" if changed else "unchanged")


@bp.route(STAFF + "/{staff_id}/active", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def staff_active(staff_id):
    staff_id, active = http.ident(staff_id), _active_field()
    catalog_settings.update_staff(repository(), accounts(), guard.principal(), staff_id, {}, now(), partial=True,
                                  active=active)
    return http.done(bp.current_request, f"{STAFF}/{staff_id}", "activated" if active else "deactivated")


# --- JSON -----------------------------------------------------------------------------------------

def _split_active(body) -> tuple[dict, bool | None]:
    """`active` is its own action (deactivate / activate); the rest are the form's fields."""
    if not isinstance(body, dict):
        raise InvalidRequest(N_("The body must be a JSON object."))
    rest, active = {k: v for k, v in body.items() if k != "active"}, body.get("active")
    if active is not None and not isinstance(active, bool):
        raise InvalidRequest(N_("active must be true or false."))
    return rest, active


@bp.route("/v1/admin/settings/services", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def admin_services():
    return http.answer({"services": [service_json(s) for s in _loaded()[1].services]})


@bp.route("/v1/admin/settings/services", methods=["POST"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_service_create():
    given = from_json(http.json_in(bp.current_request), catalog_settings.SERVICE_FIELDS)
    values = {**catalog_settings.service_values(None), **given}  # buffer 0, no recall unless given
    service = catalog_settings.create_service(repository(), accounts(), guard.principal(), values, now())
    return http.answer(service_json(service), 201)


@bp.route("/v1/admin/settings/services/{service_id}", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def admin_service(service_id):
    return http.answer(service_json(catalog_settings.find_service(_loaded()[1], http.ident(service_id))))


@bp.route("/v1/admin/settings/services/{service_id}", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_service_patch(service_id):
    rest, active = _split_active(http.json_in(bp.current_request))
    service, _ = catalog_settings.update_service(
        repository(), accounts(), guard.principal(), http.ident(service_id),
        from_json(rest, catalog_settings.SERVICE_FIELDS), now(), partial=True, active=active)
    return http.answer(service_json(service))


@bp.route("/v1/admin/settings/staff", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def admin_staff():
    return http.answer({"staff": [staff_json(s) for s in _loaded()[1].staff]})


@bp.route("/v1/admin/settings/staff", methods=["POST"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_staff_create():
    values = catalog_settings.staff_json_values(http.json_in(bp.current_request))
    member, _ = catalog_settings.create_staff(repository(), accounts(), guard.principal(), values, now())
    return http.answer(staff_json(member), 201)


@bp.route("/v1/admin/settings/staff/{staff_id}", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def admin_staff_member(staff_id):
    return http.answer(staff_json(catalog_settings.find_staff(_loaded()[1], http.ident(staff_id))))


@bp.route("/v1/admin/settings/staff/{staff_id}", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_staff_patch(staff_id):
    rest, active = _split_active(http.json_in(bp.current_request))
    values = catalog_settings.staff_json_values(rest)
    member, _, _ = catalog_settings.update_staff(repository(), accounts(), guard.principal(), http.ident(staff_id),
                                                 values, now(), partial=True, active=active)
    return http.answer(staff_json(member))
