"""Staff who manage their own day: the owner's switches (/owner/staff-rights) and a staff member's
own hours and time off (/owner/agenda/my-hours), with their JSON twins. Moving, cancelling,
booking by phone and the calendar link are the agenda's own routes, opened to staff by
`staff_may` where the switch is on."""
from ...auth import accounts, roles
from ...auth.guard import N_, owner_locale, translator
from ...domain.errors import InvalidRequest
from ...domain.salon import WEEKDAYS
from ...domain.staff_rights import BOOK, CAPABILITIES, FEED, MOVE_CANCEL, OWN_HOURS
from ...services import salons
from ...services import staff_rights as service
from ...web import forms
from ...web.localize import error_message
from ...web.render import redirect
from ...wiring import now, repository
from ..http import json_body
from .agenda import FORM, guard, links, owner_agenda, render, staff_may

HOURS_BODY = {"type": "object", "additionalProperties": False, "properties": {
    **{day: {"type": "string", "maxLength": 100} for day in WEEKDAYS},
    "time_off": {"type": "string", "maxLength": 2000}}}
RIGHTS_BODY = {"type": "object", "additionalProperties": False, "required": ["on"],
               "properties": {"on": {"type": "string", "maxLength": 200,
                                     "description": "the capabilities switched on, comma-separated: "
                                                    + ", ".join(CAPABILITIES)}}}

# The switches as the owner reads them (domain/staff_rights.py CAPABILITIES says the same in English).
CAPABILITY_LABELS = {
    OWN_HOURS: N_("Set their own hours (within the salon's) and time off"),
    MOVE_CANCEL: N_("Move and cancel their own appointments"),
    BOOK: N_("Book a client by phone into their own agenda"),
    FEED: N_("Create and rotate their own calendar link"),
}


# --- the owner's switches -----------------------------------------------------------------------------

@owner_agenda.route("/owner/staff-rights", methods=["GET"])
@guard.require(roles.SETTINGS)
def staff_rights_page():
    salon, _ = salons.load_salon(repository(), guard.principal().salon_id)
    done = forms.query(owner_agenda.current_request).get("done") == "saved"
    tr = translator()
    capabilities = {key: tr.gettext(CAPABILITY_LABELS[key]) for key in CAPABILITIES}
    return render("owner/agenda/staff_rights.html", salon, capabilities=capabilities, on=salon.staff_rights,
                  done=done)


@owner_agenda.route("/owner/staff-rights", methods=["POST"], content_types=[FORM])
@guard.require(roles.SETTINGS)
def staff_rights_save():
    data = forms.fields(owner_agenda.current_request.raw_body)
    service.save_rights(repository(), accounts(), guard.principal(), {c for c in CAPABILITIES if data.get(c) == "1"},
                        now())
    return redirect(f"{links().root}/owner/staff-rights?done=saved")


@owner_agenda.route("/v1/admin/staff-rights", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def api_staff_rights():
    salon, _ = salons.load_salon(repository(), guard.principal().salon_id)
    return _rights(salon)


@owner_agenda.route("/v1/admin/staff-rights", methods=["PUT"])
@guard.require(roles.SETTINGS, api=True)
def api_staff_rights_save():
    wanted = {c.strip() for c in json_body(owner_agenda.current_request, RIGHTS_BODY)["on"].split(",") if c.strip()}
    return _rights(service.save_rights(repository(), accounts(), guard.principal(), wanted, now()))


def _rights(salon) -> dict:
    return {"capabilities": {c: c in salon.staff_rights for c in CAPABILITIES}}


# --- a staff member's own hours and time off -------------------------------------------------------------

@owner_agenda.route("/owner/agenda/my-hours", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
@staff_may(OWN_HOURS)
def my_hours_page():
    salon, staff = service.own_schedule(repository(), guard.principal())
    done = forms.query(owner_agenda.current_request).get("done") == "saved"
    return _hours_page(salon, staff, service.format_hours(staff, salon), service.format_time_off(staff), done=done)


@owner_agenda.route("/owner/agenda/my-hours", methods=["POST"], content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
@staff_may(OWN_HOURS)
def my_hours_save():
    data = {k: v.replace("\r\n", "\n") for k, v in forms.fields(owner_agenda.current_request.raw_body).items()}
    hours = {day: data.get(day, "") for day in WEEKDAYS}
    try:
        service.save_own_schedule(repository(), accounts(), guard.principal(), hours, data.get("time_off", ""), now())
    except InvalidRequest as error:
        salon, staff = service.own_schedule(repository(), guard.principal())
        return _hours_page(salon, staff, hours, data.get("time_off", ""), status=400,
                           problem=error_message(error, translator()))
    return redirect(f"{links().root}/owner/agenda/my-hours?done=saved")


@owner_agenda.route("/v1/admin/my-hours", methods=["GET"])
@guard.require(roles.AGENDA_OWN, api=True)
@staff_may(OWN_HOURS, api=True)
def api_my_hours():
    salon, staff = service.own_schedule(repository(), guard.principal())
    return {"staff_id": staff.id, **service.format_hours(staff, salon), "time_off": service.format_time_off(staff)}


@owner_agenda.route("/v1/admin/my-hours", methods=["PUT"])
@guard.require(roles.AGENDA_OWN, api=True)
@staff_may(OWN_HOURS, api=True)
def api_my_hours_save():
    body = json_body(owner_agenda.current_request, HOURS_BODY)
    me = guard.principal()
    staff = service.save_own_schedule(repository(), accounts(), me, {d: body.get(d, "") for d in WEEKDAYS},
                                      body.get("time_off", ""), now())
    salon, _ = salons.load_salon(repository(), me.salon_id)
    return {"staff_id": staff.id, **service.format_hours(staff, salon), "time_off": service.format_time_off(staff)}


def _hours_page(salon, staff, hours: dict, time_off: str, status: int = 200, **context):
    return render("owner/agenda/my_hours.html", salon, status, staff=staff, hours=hours, time_off=time_off,
                  weekdays=WEEKDAYS, weekday_names=_weekday_names(owner_locale(guard.principal())),
                  salon_hours=service.format_hours(type(staff)(staff.id, staff.name), salon),
                  **{"done": False, "problem": None, **context})


def _weekday_names(locale: str) -> dict[str, str]:
    """mon -> "Monday" in the reader's language (Babel), capitalised as a label starts."""
    from babel.dates import get_day_names

    names = get_day_names("wide", "format", locale=locale)
    return {day: names[index][:1].upper() + names[index][1:] for index, day in enumerate(WEEKDAYS)}


def _openapi() -> None:
    from .agenda import OPENAPI_PATHS, OPENAPI_SCHEMAS, ref, responses

    def operation(operation_id: str, summary: str, answer: str, body: str | None = None) -> dict:
        spec = {"operationId": operation_id, "summary": summary, "security": [{"session": []}],
                "responses": responses(200, answer, summary, 400, 404)}
        if body:
            spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref(body)}}}
        return spec

    OPENAPI_PATHS["/v1/admin/staff-rights"] = {
        "get": operation("getStaffRights", "What staff may do in their own day (owner)", "StaffRights"),
        "put": operation("setStaffRights", "Switch capabilities on (the others go off; owner)", "StaffRights",
                         "StaffRightsBody")}
    OPENAPI_PATHS["/v1/admin/my-hours"] = {
        "get": operation("getMyHours", "A staff member's own hours and time off (where the salon allows it)",
                         "StaffHours"),
        "put": operation("setMyHours", "Set them, within the salon's hours", "StaffHours", "StaffHoursBody")}
    OPENAPI_SCHEMAS.update({
        "StaffRights": {"type": "object", "properties": {"capabilities": {
            "type": "object", "additionalProperties": {"type": "boolean"}}}},
        "StaffRightsBody": RIGHTS_BODY,
        "StaffHours": {"type": "object", "properties": {"staff_id": {"type": "string"}, **HOURS_BODY["properties"]}},
        "StaffHoursBody": HOURS_BODY,
    })


_openapi()
