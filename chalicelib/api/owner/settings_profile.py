"""Settings pages of the salon's profile (owner only): salon, opening hours, booking rules, policies.
A page is a form that posts back to itself: saved -> 303 with a notice; refused -> the same form,
400, with what was typed and each problem beside its field."""
from ...auth import accounts, roles
from ...domain.salon import Salon, format_weekly_hours
from ...services.owner import settings
from ...services.owner.settings_fields import FieldErrors
from ...wiring import now, repository, sms_ceilings
from . import settings_http as http
from .settings import guard, owner_settings
from .settings_catalog import service_json, staff_json

bp = owner_settings


@bp.route("/owner/settings", methods=["GET"])
@guard.require(roles.SETTINGS)
def settings_index():
    salon, _ = settings.load(repository(), guard.principal().salon_id)
    return http.page(bp.current_request, "owner/settings/index.html", salon_name=salon.name)


def _show(name: str, values=None, errors=None, status: int = 200):
    salon, _ = settings.load(repository(), guard.principal().salon_id)
    spec = settings.section(name)
    return http.page(bp.current_request, f"owner/settings/{name}.html", status, salon_name=salon.name,
                     title=spec.title, section=name, values=values or spec.values(salon), errors=errors or {},
                     days=http.DAY_NAMES, zones=sorted(settings.time_zones()))


def _save(name: str):
    request = bp.current_request
    values = http.form_values(request)
    try:
        _, changed = settings.save_section(repository(), accounts(), guard.principal(), name, values, now(),
                                           ceilings=sms_ceilings())
    except FieldErrors as error:
        return _show(name, values, error.errors, 400)
    return http.done(request, f"/owner/settings/{name}", "saved" if changed else "unchanged")


@bp.route("/owner/settings/salon", methods=["GET"])
@guard.require(roles.SETTINGS)
def settings_salon():
    return _show("salon")


@bp.route("/owner/settings/salon", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def settings_salon_save():
    return _save("salon")


@bp.route("/owner/settings/hours", methods=["GET"])
@guard.require(roles.SETTINGS)
def settings_hours():
    return _show("hours")


@bp.route("/owner/settings/hours", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def settings_hours_save():
    return _save("hours")


@bp.route("/owner/settings/booking", methods=["GET"])
@guard.require(roles.SETTINGS)
def settings_booking():
    return _show("booking")


@bp.route("/owner/settings/booking", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def settings_booking_save():
    return _save("booking")


@bp.route("/owner/settings/policies", methods=["GET"])
@guard.require(roles.SETTINGS)
def settings_policies():
    return _show("policies")


@bp.route("/owner/settings/policies", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def settings_policies_save():
    return _save("policies")


# --- JSON -----------------------------------------------------------------------------------------

def section_json(name: str, salon: Salon) -> dict:
    if name == "hours":
        return {"hours": format_weekly_hours(salon.hours),
                "closed_dates": [d.isoformat() for d in sorted(salon.closed_dates)]}
    if name == "booking":
        return {"slot_minutes": salon.slot_minutes, "min_notice_minutes": salon.min_notice_minutes,
                "horizon_days": salon.horizon_days, "cancellation_cutoff_hours": salon.cancellation_cutoff_hours}
    if name == "policies":
        p = salon.policy
        values = settings.policy_values(p)
        ints = ("grace_minutes", "warn_at", "restrict_at", "window_days", "restrict_days", "phone_daily_cap",
                "salon_daily_cap", "waitlist_hold_minutes", "deposit_expiry_minutes")
        return {**values, **{k: int(values[k]) for k in ints}, "confirmations": p.confirmations,
                "text_receipts": p.text_receipts,
                "staff_see_notes": p.staff_see_notes, "allowed_countries": list(p.allowed_countries),
                "late_cancel_fee": values["late_cancel_fee"] or None, "no_show_fee": values["no_show_fee"] or None}
    return settings.section(name).values(salon)


@bp.route("/v1/admin/settings", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def admin_settings():
    salon, catalog = settings.load(repository(), guard.principal().salon_id)
    return http.answer({**{name: section_json(name, salon) for name in settings.SECTIONS},
                        "services": [service_json(s) for s in catalog.services],
                        "staff": [staff_json(s) for s in catalog.staff]})


def _patch(name: str):
    body = http.json_in(bp.current_request)
    values = settings.json_values(name, body)
    salon, _ = settings.save_section(repository(), accounts(), guard.principal(), name, values, now(), partial=True,
                                     ceilings=sms_ceilings())
    return http.answer(section_json(name, salon))


@bp.route("/v1/admin/settings/salon", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_settings_salon():
    return _patch("salon")


@bp.route("/v1/admin/settings/hours", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_settings_hours():
    return _patch("hours")


@bp.route("/v1/admin/settings/booking", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_settings_booking():
    return _patch("booking")


@bp.route("/v1/admin/settings/policies", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_settings_policies():
    return _patch("policies")
