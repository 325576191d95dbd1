"""Owner side — Settings, users, audit log, messages and waitlist.

HTML under /owner/..., the same as JSON under /v1/admin/...; every route behind the guard
(chalicelib/auth/guard.py). One blueprint, its routes in four modules imported at the end of this
one (so app.py registers them all with `owner_settings`):

  settings_profile.py   /owner/settings (salon, hours, booking rules, policies), /v1/admin/settings
  settings_catalog.py   services and staff
  settings_users.py     users and roles, the audit log
  settings_messages.py  outbox, inbox, waitlist
  settings_channels.py  /owner/settings/channels: channels, order, prices, budget, the month's cost
"""
from chalice import Blueprint

from ...auth.guard import Guard
from .settings_http import answer


def string(**extra) -> dict:
    return {"type": "string", **extra}


def integer(**extra) -> dict:
    return {"type": "integer", **extra}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


def op(op_id: str, summary: str, ok: str | None, statuses=(400, 404), body: str | None = None,
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


def path_param(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or string(maxLength=64)}


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema}


_ERRORS = {
    400: "invalid_request (with error.fields: {field: problem})", 401: "unauthenticated",
    403: "forbidden (role), csrf_failed (X-CSRF-Token missing or wrong)",
    404: "not_found, service_not_found, staff_not_found, user_not_found, waitlist_entry_not_found",
    409: "last_owner: the salon must keep an active owner",
}
_DAY = string(format="date", example="2026-03-31")
_HHMM = string(example="09:00", pattern="^\\d{1,2}:\\d{2}$")
_WEEK = {"type": "object", "additionalProperties": {"type": "array", "items": string(example="09:00-13:00")},
         "description": "Keys mon..sun; a day left out is closed."}
_PERIOD = obj({"start": string(example="2026-08-10T00:00"), "end": string(example="2026-08-21T00:00")}, ("start",
    "end"))
_POLICIES = {
    "send_from": _HHMM, "send_until": _HHMM, "reminder_time": _HHMM, "grace_minutes": integer(), "confirmations":
    {"type": "boolean"}, "text_receipts": {"type": "boolean"}, "warn_at": integer(), "restrict_at": integer(),
    "window_days": integer(), "restrict_days": integer(),
    "late_cancel_fee": string(nullable=True, example="10.00"), "no_show_fee": string(nullable=True, example="20.00"),
    "allowed_countries": {"type": "array", "items": string(example="IT")}, "phone_daily_cap": integer(),
    "salon_daily_cap": integer(), "waitlist_hold_minutes": integer(), "staff_see_notes": {"type": "boolean"},
    "deposit_expiry_minutes": integer(), "card_on_file": string(enum=["never", "after_warning", "always"]),
}
_SERVICE = {"name": string(maxLength=100), "duration_minutes": integer(minimum=5, maximum=480),
            "buffer_minutes": integer(minimum=0, maximum=240), "price": string(example="35.00"),
            "recall_days": integer(nullable=True), "active": {"type": "boolean"},
            "deposit_kind": string(enum=["none", "fixed", "percent"]),
            "deposit_value": string(example="20.00", description="fixed: the amount; percent: 1 to 100")}
_STAFF = {"name": string(maxLength=100), "service_ids": {"type": "array", "items": string()},
          "hours": {**_WEEK, "nullable": True, "description": "Own weekly hours (clipped to the salon's); null: "
                                                              "the salon's"},
          "time_off": {"type": "array", "items": _PERIOD}, "active": {"type": "boolean"}}
_USER = {"id": string(), "email": string(), "name": string(), "role": string(enum=["owner", "front_desk", "staff"]),
         "staff_id": string(nullable=True), "active": {"type": "boolean"}, "created_at": string(format="date-time")}
_ROLE = {"role": string(enum=["owner", "front_desk", "staff"]), "staff_id": string(nullable=True)}

OPENAPI_SCHEMAS: dict = {
    "AdminMe": obj({"id": string(), "email": string(), "name": string(), "role": string(),
        "staff_id": string(nullable=True),
                     "salon": string(), "csrf_token": string()}),
    "SalonSettings": obj({"name": string(), "phone": string(), "address": string(maxLength=200),
                           "timezone": string(example="Europe/Rome"),
                           "locale": string(enum=["en", "it", "pl", "pt", "es", "ru"]),
                               "currency": string(example="EUR"),
                           "country": string(example="IT")}),
    "HoursSettings": obj({"hours": _WEEK, "closed_dates": {"type": "array", "items": _DAY}}),
    "BookingRules": obj({"slot_minutes": integer(minimum=5, maximum=120, multipleOf=5), "min_notice_minutes": integer(),
                          "horizon_days": integer(), "cancellation_cutoff_hours": integer()}),
    "PolicySettings": obj(_POLICIES),
    "AdminService": obj({"id": string(), **_SERVICE}),
    "AdminServiceInput": obj(_SERVICE),
    "AdminStaff": obj({"id": string(), **_STAFF}),
    "AdminStaffInput": obj(_STAFF),
    "AdminServices": obj({"services": {"type": "array", "items": _ref("AdminService")}}),
    "AdminStaffList": obj({"staff": {"type": "array", "items": _ref("AdminStaff")}}),
    "AdminSettings": obj({"salon": _ref("SalonSettings"), "hours": _ref("HoursSettings"),
                           "booking": _ref("BookingRules"), "policies": _ref("PolicySettings"),
                           "services": {"type": "array", "items": _ref("AdminService")},
                           "staff": {"type": "array", "items": _ref("AdminStaff")}}),
    "ChannelSettings": obj({
        "enabled": array(string(enum=["whatsapp", "email", "sms"])), "order": array(string(enum=["whatsapp",
            "email", "sms"])),
        "email_from": string(nullable=True), "whatsapp_phone_number_id": string(nullable=True),
        "monthly_budget_usd": string(nullable=True, example="40.00"),
        "prices": obj({"published_on": string(format="date"), "country": string(example="IT"),
                        "published": {"type": "object", "additionalProperties": string(example="0.0900")},
                        "overrides": {"type": "object", "additionalProperties": {
                            "type": "object", "additionalProperties": string(example="0.0750")}}}),
        "month": obj({"month": string(example="2026-04"), "total_cost_usd": string(), "channels": array(obj({
            "channel": string(), "messages": integer(), "cost_usd": string()}))})}),
    "ChannelSettingsInput": obj({
        **{f"enable_{c}": {"type": "boolean"} for c in ("whatsapp", "email", "sms")},
        **{f"order_{i}": string(enum=["whatsapp", "email", "sms"]) for i in (1, 2, 3)},
        "email_from": string(maxLength=254, nullable=True), "whatsapp_phone_number_id": string(maxLength=90,
            nullable=True),
        **{f"price_{c}": string(nullable=True, example="0.075", description="USD for the salon's country; empty: "
                                                                          "the published price")
           for c in ("whatsapp", "whatsapp_marketing", "email", "sms")},
        "monthly_budget_usd": string(nullable=True, example="40")}),
    "AdminUser": obj(_USER),
    "AdminUsers": obj({"users": {"type": "array", "items": _ref("AdminUser")}}),
    "AdminUserInput": obj({"email": string(maxLength=254), "name": string(maxLength=100), **_ROLE}, ("email", "role")),
    "AdminUserChange": obj({**_ROLE, "active": {"type": "boolean"}}),
    "AdminUserPassword": obj({"user": _ref("AdminUser"), "password": string(description="Shown once; never stored")}),
    "AuditLog": obj({"entries": array(obj({
        "id": string(), "at": string(format="date-time"), "actor_user_id": string(), "action": string(),
            "target": string(),
        "details": {"type": "object"}})), "next_before": string(nullable=True)}),
    "OutboxMessages": obj({"messages": array(obj({
        "id": string(), "kind": string(), "phone": string(), "status": string(), "reason": string(nullable=True),
        "send_at": string(format="date-time"), "sent_at": string(format="date-time", nullable=True),
        "created_at": string(format="date-time"), "attempts": integer(), "body": string(),
        "channel": string(nullable=True, enum=["whatsapp", "email", "sms"]), "parts": integer(nullable=True),
        "cost_usd": string(nullable=True, example="0.0900"), "delivery_status": string(nullable=True),
        "attempt_log": array(obj({"channel": string(), "outcome": string()}))}))}),
    "InboxMessages": obj({"messages": array(obj({
        "id": string(), "phone": string(), "client_id": string(nullable=True), "body": string(),
        "received_at": string(format="date-time"), "handled_as": string()}))}),
    "AdminWaitlist": obj({"day": _DAY, "entries": array(obj({
        "id": string(), "first_day": _DAY, "last_day": _DAY, "service_id": string(), "staff_id": string(nullable=True),
        "client_id": string(), "client_name": string(nullable=True), "status": string(), "offers": integer()}))}),
    "AdminWaitlistInput": obj({"phone": string(maxLength=32), "name": string(maxLength=100), "service_id": string(),
                                "staff_id": string(nullable=True), "date_from": _DAY, "date_to": _DAY},
                               ("phone", "service_id", "date_from", "date_to")),
    "AdminWaitlistEntry": obj({"waitlist_entry": obj({"id": string(), "first_day": _DAY, "last_day": _DAY})}),
}

_SERVICE_ID, _STAFF_ID, _USER_ID = path_param("service_id"), path_param("staff_id"), path_param("user_id")
OPENAPI_PATHS: dict = {
    "/v1/admin/me": {"get": op("adminMe", "Who is signed in, with the CSRF token for changes", "AdminMe", ())},
    "/v1/admin/settings": {"get": op("getSettings", "Every setting of the salon", "AdminSettings", ())},
    "/v1/admin/settings/salon": {"patch": op("patchSalonSettings", "Name, phone, time zone, locale, currency, "
                                              "country", "SalonSettings", (400,), "SalonSettings")},
    "/v1/admin/settings/hours": {"patch": op("patchHours", "Opening hours with breaks, closed dates",
                                              "HoursSettings", (400,), "HoursSettings")},
    "/v1/admin/settings/booking": {"patch": op("patchBookingRules", "Slot size, notice, horizon, cutoff",
                                                "BookingRules", (400,), "BookingRules")},
    "/v1/admin/settings/policies": {"patch": op("patchPolicies", "Messages, ladder, fees, caps, waitlist hold",
                                                 "PolicySettings", (400,), "PolicySettings")},
    "/v1/admin/settings/channels": {
        "get": op("getChannelSettings", "Channels, order, prices, budget and the month's messages and cost",
                   "ChannelSettings", ()),
        "patch": op("patchChannelSettings", "Turn channels on or off, order them, override prices, set the "
                     "monthly budget", "ChannelSettings", (400,), "ChannelSettingsInput")},
    "/v1/admin/settings/services": {
        "get": op("listAdminServices", "Services, inactive ones too", "AdminServices", ()),
        "post": op("createService", "A new service", "AdminService", (400,), "AdminServiceInput", ok_status=201)},
    "/v1/admin/settings/services/{service_id}": {
        "get": op("getAdminService", "One service", "AdminService", (404,), params=[_SERVICE_ID]),
        "patch": op("patchService", "Edit, deactivate (active: false) or activate", "AdminService", (400, 404),
                     "AdminServiceInput", [_SERVICE_ID])},
    "/v1/admin/settings/staff": {
        "get": op("listAdminStaff", "Staff, inactive ones too", "AdminStaffList", ()),
        "post": op("createStaff", "A new staff member", "AdminStaff", (400,), "AdminStaffInput", ok_status=201)},
    "/v1/admin/settings/staff/{staff_id}": {
        "get": op("getAdminStaff", "One staff member", "AdminStaff", (404,), params=[_STAFF_ID]),
        "patch": op("patchStaff", "Edit, deactivate (active: false) or activate", "AdminStaff", (400, 404),
                     "AdminStaffInput", [_STAFF_ID])},
    "/v1/admin/users": {
        "get": op("listUsers", "The salon's users", "AdminUsers", ()),
        "post": op("createUser", "Invite a user: the answer carries the password, once", "AdminUserPassword",
                    (400,), "AdminUserInput", ok_status=201)},
    "/v1/admin/users/{user_id}": {
        "get": op("getUser", "One user", "AdminUser", (404,), params=[_USER_ID]),
        "patch": op("patchUser", "Change the role, disable or enable", "AdminUser", (400, 404, 409),
                     "AdminUserChange", [_USER_ID])},
    "/v1/admin/users/{user_id}/password": {"post": op(
        "resetPassword", "A new generated password (shown once); the user's sessions end", "AdminUserPassword",
        (404,), params=[_USER_ID])},
    "/v1/admin/audit": {"get": op("getAuditLog", "The audit log, newest first", "AuditLog", (400,), params=[
        _query("before", string(maxLength=60, description="next_before of the previous page"))])},
    "/v1/admin/messages": {"get": op("listMessages", "The outbox, newest first", "OutboxMessages", (400,), params=[
        _query("status", string(enum=["pending", "sending", "sent", "failed", "cancelled"]))])},
    "/v1/admin/inbox": {"get": op("listInbox", "Replies received, newest first", "InboxMessages", ())},
    "/v1/admin/waitlist": {
        "get": op("getAdminWaitlist", "Entries covering a day (default today), any status", "AdminWaitlist",
                   (400,), params=[_query("day", _DAY)]),
        "post": op("addToWaitlist", "Put a client (by phone) on the waitlist", "AdminWaitlistEntry", (400,),
                    "AdminWaitlistInput", ok_status=201)},
    "/v1/admin/waitlist/{first_day}/{entry_id}": {"delete": op(
        "removeFromWaitlist", "Remove an entry", None, (404,), params=[path_param("first_day", _DAY),
                                                                       path_param("entry_id")], ok_status=204)},
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
    broadcasts,
    settings_catalog,
    settings_channels,
    settings_messages,
    settings_profile,
    settings_users,
)

OPENAPI_PATHS.update(broadcasts.OPENAPI_PATHS)
OPENAPI_SCHEMAS.update(broadcasts.OPENAPI_SCHEMAS)
