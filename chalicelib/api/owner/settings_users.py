"""Users and roles (roles.USERS) and the audit log (roles.AUDIT): owners only.
A generated password is shown once, in the answer to the request that made it, and never again."""
from ...auth import accounts, roles
from ...domain.clock import iso_utc
from ...domain.errors import IllegalTransition, InvalidRequest
from ...domain.text import N_
from ...services.owner import settings, users
from ...services.owner.settings_fields import FieldErrors, from_json
from ...storage.accounts import User
from ...wiring import now, repository
from . import settings_http as http
from .settings import guard, owner_settings

bp = owner_settings
USERS = "/owner/users"


def user_json(u: User) -> dict:
    return {"id": u.id, "email": u.email, "name": u.name, "role": u.role, "staff_id": u.staff_id, "active": u.active,
            "created_at": iso_utc(u.created_at) if u.created_at else None}


def _catalog():
    return settings.load(repository(), guard.principal().salon_id)


# --- HTML -----------------------------------------------------------------------------------------

@bp.route(USERS, methods=["GET"])
@guard.require(roles.USERS)
def users_list():
    salon, catalog = _catalog()
    return http.page(bp.current_request, "owner/settings/users.html", salon_name=salon.name, labels=roles.LABELS,
                     users=users.users(accounts(), guard.principal()), staff={s.id: s.name for s in catalog.staff})


def _new_form(values=None, errors=None, status: int = 200):
    salon, catalog = _catalog()
    return http.page(bp.current_request, "owner/settings/user_new.html", status, salon_name=salon.name,
                     labels=roles.LABELS, catalog=catalog, values=values or {"role": roles.FRONT_DESK},
                     errors=errors or {})


@bp.route(USERS + "/new", methods=["GET"])
@guard.require(roles.USERS)
def user_new():
    return _new_form()


@bp.route(USERS, methods=["POST"], content_types=[http.FORM])
@guard.require(roles.USERS)
def user_create():
    values = http.form_values(bp.current_request)
    try:
        user, password = users.invite(repository(), accounts(), guard.principal(), values, now())
    except FieldErrors as error:
        return _new_form(values, error.errors, 400)
    return _user_page(user, password=password)


def _user_page(user: User, status: int = 200, errors=None, problem=None, password=None, values=None):
    salon, catalog = _catalog()
    return http.page(bp.current_request, "owner/settings/user.html", status, salon_name=salon.name, user=user,
                     labels=roles.LABELS, catalog=catalog, errors=errors or {}, problem=problem, password=password,
                     values=values or {"role": user.role, "staff_id": user.staff_id or ""})


@bp.route(USERS + "/{user_id}", methods=["GET"])
@guard.require(roles.USERS)
def user_show(user_id):
    return _user_page(users.find(accounts(), guard.principal(), http.ident(user_id)))


@bp.route(USERS + "/{user_id}/role", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.USERS)
def user_role(user_id):
    me, user_id, values = guard.principal(), http.ident(user_id), http.form_values(bp.current_request)
    try:
        users.change_role(repository(), accounts(), me, user_id, values, now())
    except FieldErrors as error:
        return _user_page(users.find(accounts(), me, user_id), 400, errors=error.errors, values=values)
    except IllegalTransition as error:
        return _user_page(users.find(accounts(), me, user_id), 409, problem=error.message)
    return http.done(bp.current_request, f"{USERS}/{user_id}", "role")


@bp.route(USERS + "/{user_id}/active", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.USERS)
def user_active(user_id):
    me, user_id = guard.principal(), http.ident(user_id)
    value = http.form_values(bp.current_request).get("active")
    if value not in ("0", "1"):
        raise InvalidRequest(N_("Choose to enable or to disable."))
    try:
        users.set_active(repository(), accounts(), me, user_id, value == "1", now())
    except IllegalTransition as error:
        return _user_page(users.find(accounts(), me, user_id), 409, problem=error.message)
    return http.done(bp.current_request, f"{USERS}/{user_id}", "enabled" if value == "1" else "disabled")


@bp.route(USERS + "/{user_id}/password", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.USERS)
def user_password(user_id):
    user, password = users.reset_password(accounts(), guard.principal(), http.ident(user_id), now())
    return _user_page(user, password=password)


@bp.route("/owner/audit", methods=["GET"])
@guard.require(roles.AUDIT)
def audit_log():
    request = bp.current_request
    salon, _ = _catalog()
    found = users.audit_page(accounts(), guard.principal(), http.query_value(request, "before"))
    return http.page(request, "owner/settings/audit.html", salon_name=salon.name, page=found, tz=salon.tz)


# --- JSON -----------------------------------------------------------------------------------------

@bp.route("/v1/admin/users", methods=["GET"])
@guard.require(roles.USERS, api=True)
def admin_users():
    return http.answer({"users": [user_json(u) for u in users.users(accounts(), guard.principal())]})


@bp.route("/v1/admin/users", methods=["POST"])
@guard.require(roles.USERS, api=True)
@http.json_fields
def admin_user_create():
    values = from_json(http.json_in(bp.current_request), ("email", "name", "role", "staff_id"))
    user, password = users.invite(repository(), accounts(), guard.principal(), values, now())
    return http.answer({"user": user_json(user), "password": password}, 201)


@bp.route("/v1/admin/users/{user_id}", methods=["GET"])
@guard.require(roles.USERS, api=True)
def admin_user(user_id):
    return http.answer(user_json(users.find(accounts(), guard.principal(), http.ident(user_id))))


@bp.route("/v1/admin/users/{user_id}", methods=["PATCH"])
@guard.require(roles.USERS, api=True)
@http.json_fields
def admin_user_patch(user_id):
    me, user_id = guard.principal(), http.ident(user_id)
    body = http.json_in(bp.current_request)
    active = body.pop("active", None) if isinstance(body, dict) else None
    if active is not None and not isinstance(active, bool):
        raise InvalidRequest(N_("active must be true or false."))
    values = from_json(body, ("role", "staff_id"))
    user = users.find(accounts(), me, user_id)
    if values:
        user = users.change_role(repository(), accounts(), me, user_id, {"role": user.role, **values}, now())
    if active is not None:
        user = users.set_active(repository(), accounts(), me, user_id, active, now())
    return http.answer(user_json(user))


@bp.route("/v1/admin/users/{user_id}/password", methods=["POST"])
@guard.require(roles.USERS, api=True)
def admin_user_password(user_id):
    user, password = users.reset_password(accounts(), guard.principal(), http.ident(user_id), now())
    return http.answer({"user": user_json(user), "password": password})


@bp.route("/v1/admin/audit", methods=["GET"])
@guard.require(roles.AUDIT, api=True)
def admin_audit():
    found = users.audit_page(accounts(), guard.principal(), http.query_value(bp.current_request, "before"))
    return http.answer({"entries": [{"id": e.id, "at": iso_utc(e.at), "actor_user_id": e.actor_user_id,
                                     "action": e.action, "target": e.target, "details": e.details}
                                    for e in found.entries], "next_before": found.next_cursor})
