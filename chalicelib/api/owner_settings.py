"""Owner side — Settings, users, audit log, messages and waitlist.

HTML under /owner/..., the same as JSON under /v1/admin/...; every route behind the guard
(chalicelib/auth/guard.py). One blueprint, its routes in four modules imported at the end of this
one (so app.py registers them all with `owner_settings`):

  owner_settings_profile.py   /owner/settings (salon, hours, booking rules, policies), /v1/admin/settings
  owner_settings_catalog.py   services and staff
  owner_settings_users.py     users and roles, the audit log
  owner_settings_messages.py  outbox, inbox, waitlist
  owner_settings_channels.py  /owner/settings/channels: channels, order, prices, budget, the month's cost
"""
from chalice import Blueprint

from ..auth.guard import Guard
from .owner_settings_http import answer


def _s(**extra) -> dict:
    return {"type": "string", **extra}


def _i(**extra) -> dict:
    return {"type": "integer", **extra}


def _list(items: dict) -> dict:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


def _op(op_id: str, summary: str, ok: str | None, statuses=(400, 404), body: str | None = None,
        params=(), ok_status: int = 200) -> dict:
    responses = {str(ok_status): {"description": "OK"} if ok is None else {
        "description": "OK", "content": {"application/json": {"schema": _ref(ok)}}}}
    for status in (401, 403, *statuses):
        responses[str(status)] = {"description": _ERRORS[status],
                                  "content": {"application/json": {"schema": _ref("Error")}}}
    operation = {"operationId": op_id, "summary": summary, "security": [{"session": []}], "responses": responses}
    if params:
        operation["parameters"] = list(params)
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": _ref(body)}}}
    return operation


def _path(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or _s(maxLength=64)}


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_ERRORS = {
    400: "invalid_request (with error.fields: {field: problem})", 401: "unauthenticated",
    403: "forbidden (role), csrf_failed (X-CSRF-Token missing or wrong)",
    404: "not_found, service_not_found, staff_not_found, user_not_found, waitlist_entry_not_found",
    409: "last_owner: the salon must keep an active owner",
}
_DAY = _s(format="date", example="2026-03-31")
_HHMM = _s(example="09:00", pattern="^\\d{1,2}:\\d{2}$")
_WEEK = {"type": "object", "additionalProperties": {"type": "array", "items": _s(example="09:00-13:00")},
         "description": "Keys mon..sun; a day left out is closed."}
_PERIOD = _obj({"start": _s(example="2026-08-10T00:00"), "end": _s(example="2026-08-21T00:00")}, ("start", "end"))
_POLICIES = {
    "send_from": _HHMM, "send_until": _HHMM, "reminder_time": _HHMM, "grace_minutes": _i(), "confirmations":
    {"type": "boolean"}, "warn_at": _i(), "restrict_at": _i(), "window_days": _i(), "restrict_days": _i(),
    "late_cancel_fee": _s(nullable=True, example="10.00"), "no_show_fee": _s(nullable=True, example="20.00"),
    "allowed_countries": {"type": "array", "items": _s(example="IT")}, "phone_daily_cap": _i(),
    "salon_daily_cap": _i(), "waitlist_hold_minutes": _i(), "staff_see_notes": {"type": "boolean"},
    "deposit_expiry_minutes": _i(), "card_on_file": _s(enum=["never", "after_warning", "always"]),
}
_SERVICE = {"name": _s(maxLength=100), "duration_minutes": _i(minimum=5, maximum=480),
            "buffer_minutes": _i(minimum=0, maximum=240), "price": _s(example="35.00"),
            "recall_days": _i(nullable=True), "active": {"type": "boolean"},
            "deposit_kind": _s(enum=["none", "fixed", "percent"]),
            "deposit_value": _s(example="20.00", description="fixed: the amount; percent: 1 to 100")}
_STAFF = {"name": _s(maxLength=100), "service_ids": {"type": "array", "items": _s()},
          "hours": {**_WEEK, "nullable": True, "description": "Own weekly hours (clipped to the salon's); null: "
                                                              "the salon's"},
          "time_off": {"type": "array", "items": _PERIOD}, "active": {"type": "boolean"}}
_USER = {"id": _s(), "email": _s(), "name": _s(), "role": _s(enum=["owner", "front_desk", "staff"]),
         "staff_id": _s(nullable=True), "active": {"type": "boolean"}, "created_at": _s(format="date-time")}
_ROLE = {"role": _s(enum=["owner", "front_desk", "staff"]), "staff_id": _s(nullable=True)}

OPENAPI_SCHEMAS: dict = {
    "AdminMe": _obj({"id": _s(), "email": _s(), "name": _s(), "role": _s(), "staff_id": _s(nullable=True),
                     "salon": _s(), "csrf_token": _s()}),
    "SalonSettings": _obj({"name": _s(), "phone": _s(), "address": _s(maxLength=200),
                           "timezone": _s(example="Europe/Rome"),
                           "locale": _s(enum=["en", "it", "pl", "pt", "es", "ru"]), "currency": _s(example="EUR"),
                           "country": _s(example="IT")}),
    "HoursSettings": _obj({"hours": _WEEK, "closed_dates": {"type": "array", "items": _DAY}}),
    "BookingRules": _obj({"slot_minutes": _i(minimum=5, maximum=120, multipleOf=5), "min_notice_minutes": _i(),
                          "horizon_days": _i(), "cancellation_cutoff_hours": _i()}),
    "PolicySettings": _obj(_POLICIES),
    "AdminService": _obj({"id": _s(), **_SERVICE}),
    "AdminServiceInput": _obj(_SERVICE),
    "AdminStaff": _obj({"id": _s(), **_STAFF}),
    "AdminStaffInput": _obj(_STAFF),
    "AdminServices": _obj({"services": {"type": "array", "items": _ref("AdminService")}}),
    "AdminStaffList": _obj({"staff": {"type": "array", "items": _ref("AdminStaff")}}),
    "AdminSettings": _obj({"salon": _ref("SalonSettings"), "hours": _ref("HoursSettings"),
                           "booking": _ref("BookingRules"), "policies": _ref("PolicySettings"),
                           "services": {"type": "array", "items": _ref("AdminService")},
                           "staff": {"type": "array", "items": _ref("AdminStaff")}}),
    "ChannelSettings": _obj({
        "enabled": _list(_s(enum=["whatsapp", "email", "sms"])), "order": _list(_s(enum=["whatsapp", "email", "sms"])),
        "email_from": _s(nullable=True), "whatsapp_phone_number_id": _s(nullable=True),
        "monthly_budget_usd": _s(nullable=True, example="40.00"),
        "prices": _obj({"published_on": _s(format="date"), "country": _s(example="IT"),
                        "published": {"type": "object", "additionalProperties": _s(example="0.0900")},
                        "overrides": {"type": "object", "additionalProperties": {
                            "type": "object", "additionalProperties": _s(example="0.0750")}}}),
        "month": _obj({"month": _s(example="2026-04"), "total_cost_usd": _s(), "channels": _list(_obj({
            "channel": _s(), "messages": _i(), "cost_usd": _s()}))})}),
    "ChannelSettingsInput": _obj({
        **{f"enable_{c}": {"type": "boolean"} for c in ("whatsapp", "email", "sms")},
        **{f"order_{i}": _s(enum=["whatsapp", "email", "sms"]) for i in (1, 2, 3)},
        "email_from": _s(maxLength=254, nullable=True), "whatsapp_phone_number_id": _s(maxLength=90, nullable=True),
        **{f"price_{c}": _s(nullable=True, example="0.075", description="USD for the salon's country; empty: "
                                                                          "the published price")
           for c in ("whatsapp", "email", "sms")},
        "monthly_budget_usd": _s(nullable=True, example="40")}),
    "AdminUser": _obj(_USER),
    "AdminUsers": _obj({"users": {"type": "array", "items": _ref("AdminUser")}}),
    "AdminUserInput": _obj({"email": _s(maxLength=254), "name": _s(maxLength=100), **_ROLE}, ("email", "role")),
    "AdminUserChange": _obj({**_ROLE, "active": {"type": "boolean"}}),
    "AdminUserPassword": _obj({"user": _ref("AdminUser"), "password": _s(description="Shown once; never stored")}),
    "AuditLog": _obj({"entries": _list(_obj({
        "id": _s(), "at": _s(format="date-time"), "actor_user_id": _s(), "action": _s(), "target": _s(),
        "details": {"type": "object"}})), "next_before": _s(nullable=True)}),
    "OutboxMessages": _obj({"messages": _list(_obj({
        "id": _s(), "kind": _s(), "phone": _s(), "status": _s(), "reason": _s(nullable=True),
        "send_at": _s(format="date-time"), "sent_at": _s(format="date-time", nullable=True),
        "created_at": _s(format="date-time"), "attempts": _i(), "body": _s(),
        "channel": _s(nullable=True, enum=["whatsapp", "email", "sms"]), "parts": _i(nullable=True),
        "cost_usd": _s(nullable=True, example="0.0900"), "delivery_status": _s(nullable=True),
        "attempt_log": _list(_obj({"channel": _s(), "outcome": _s()}))}))}),
    "InboxMessages": _obj({"messages": _list(_obj({
        "id": _s(), "phone": _s(), "client_id": _s(nullable=True), "body": _s(),
        "received_at": _s(format="date-time"), "handled_as": _s()}))}),
    "AdminWaitlist": _obj({"day": _DAY, "entries": _list(_obj({
        "id": _s(), "first_day": _DAY, "last_day": _DAY, "service_id": _s(), "staff_id": _s(nullable=True),
        "client_id": _s(), "client_name": _s(nullable=True), "status": _s(), "offers": _i()}))}),
    "AdminWaitlistInput": _obj({"phone": _s(maxLength=32), "name": _s(maxLength=100), "service_id": _s(),
                                "staff_id": _s(nullable=True), "date_from": _DAY, "date_to": _DAY},
                               ("phone", "service_id", "date_from", "date_to")),
    "AdminWaitlistEntry": _obj({"waitlist_entry": _obj({"id": _s(), "first_day": _DAY, "last_day": _DAY})}),
}

_SERVICE_ID, _STAFF_ID, _USER_ID = _path("service_id"), _path("staff_id"), _path("user_id")
OPENAPI_PATHS: dict = {
    "/v1/admin/me": {"get": _op("adminMe", "Who is signed in, with the CSRF token for changes", "AdminMe", ())},
    "/v1/admin/settings": {"get": _op("getSettings", "Every setting of the salon", "AdminSettings", ())},
    "/v1/admin/settings/salon": {"patch": _op("patchSalonSettings", "Name, phone, time zone, locale, currency, "
                                              "country", "SalonSettings", (400,), "SalonSettings")},
    "/v1/admin/settings/hours": {"patch": _op("patchHours", "Opening hours with breaks, closed dates",
                                              "HoursSettings", (400,), "HoursSettings")},
    "/v1/admin/settings/booking": {"patch": _op("patchBookingRules", "Slot size, notice, horizon, cutoff",
                                                "BookingRules", (400,), "BookingRules")},
    "/v1/admin/settings/policies": {"patch": _op("patchPolicies", "Messages, ladder, fees, caps, waitlist hold",
                                                 "PolicySettings", (400,), "PolicySettings")},
    "/v1/admin/settings/channels": {
        "get": _op("getChannelSettings", "Channels, order, prices, budget and the month's messages and cost",
                   "ChannelSettings", ()),
        "patch": _op("patchChannelSettings", "Turn channels on or off, order them, override prices, set the "
                     "monthly budget", "ChannelSettings", (400,), "ChannelSettingsInput")},
    "/v1/admin/settings/services": {
        "get": _op("listAdminServices", "Services, inactive ones too", "AdminServices", ()),
        "post": _op("createService", "A new service", "AdminService", (400,), "AdminServiceInput", ok_status=201)},
    "/v1/admin/settings/services/{service_id}": {
        "get": _op("getAdminService", "One service", "AdminService", (404,), params=[_SERVICE_ID]),
        "patch": _op("patchService", "Edit, deactivate (active: false) or activate", "AdminService", (400, 404),
                     "AdminServiceInput", [_SERVICE_ID])},
    "/v1/admin/settings/staff": {
        "get": _op("listAdminStaff", "Staff, inactive ones too", "AdminStaffList", ()),
        "post": _op("createStaff", "A new staff member", "AdminStaff", (400,), "AdminStaffInput", ok_status=201)},
    "/v1/admin/settings/staff/{staff_id}": {
        "get": _op("getAdminStaff", "One staff member", "AdminStaff", (404,), params=[_STAFF_ID]),
        "patch": _op("patchStaff", "Edit, deactivate (active: false) or activate", "AdminStaff", (400, 404),
                     "AdminStaffInput", [_STAFF_ID])},
    "/v1/admin/users": {
        "get": _op("listUsers", "The salon's users", "AdminUsers", ()),
        "post": _op("createUser", "Invite a user: the answer carries the password, once", "AdminUserPassword",
                    (400,), "AdminUserInput", ok_status=201)},
    "/v1/admin/users/{user_id}": {
        "get": _op("getUser", "One user", "AdminUser", (404,), params=[_USER_ID]),
        "patch": _op("patchUser", "Change the role, disable or enable", "AdminUser", (400, 404, 409),
                     "AdminUserChange", [_USER_ID])},
    "/v1/admin/users/{user_id}/password": {"post": _op(
        "resetPassword", "A new generated password (shown once); the user's sessions end", "AdminUserPassword",
        (404,), params=[_USER_ID])},
    "/v1/admin/audit": {"get": _op("getAuditLog", "The audit log, newest first", "AuditLog", (400,), params=[
        _query("before", _s(maxLength=60, description="next_before of the previous page"))])},
    "/v1/admin/messages": {"get": _op("listMessages", "The outbox, newest first", "OutboxMessages", (400,), params=[
        _query("status", _s(enum=["pending", "sending", "sent", "failed", "cancelled"]))])},
    "/v1/admin/inbox": {"get": _op("listInbox", "Replies received, newest first", "InboxMessages", ())},
    "/v1/admin/waitlist": {
        "get": _op("getAdminWaitlist", "Entries covering a day (default today), any status", "AdminWaitlist",
                   (400,), params=[_query("day", _DAY)]),
        "post": _op("addToWaitlist", "Put a client (by phone) on the waitlist", "AdminWaitlistEntry", (400,),
                    "AdminWaitlistInput", ok_status=201)},
    "/v1/admin/waitlist/{first_day}/{entry_id}": {"delete": _op(
        "removeFromWaitlist", "Remove an entry", None, (404,), params=[_path("first_day", _DAY),
                                                                       _path("entry_id")], ok_status=204)},
}

owner_settings = Blueprint(__name__)
guard = Guard(owner_settings)


@owner_settings.route("/v1/admin/me", methods=["GET"])
@guard.require(api=True)
def admin_me():
    me = guard.principal()
    return answer({"id": me.user_id, "email": me.email, "name": me.name, "role": me.role, "staff_id": me.staff_id,
                   "salon": me.salon_id, "csrf_token": me.csrf_token})


# The routes register themselves on `owner_settings` (imported last: they import it from here).
from . import (  # noqa: E402, F401
    owner_broadcasts,
    owner_settings_catalog,
    owner_settings_channels,
    owner_settings_messages,
    owner_settings_profile,
    owner_settings_users,
)

OPENAPI_PATHS.update(owner_broadcasts.OPENAPI_PATHS)
OPENAPI_SCHEMAS.update(owner_broadcasts.OPENAPI_SCHEMAS)
