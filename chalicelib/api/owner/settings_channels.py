"""The channels page (owner only): WhatsApp, e-mail and SMS on or off with their settings, their
order, the price table estimates use, the monthly budget, and the month's messages and cost."""
from ...auth import accounts, roles
from ...services.owner import channels
from ...services.owner.settings_fields import FieldErrors, from_json
from ...wiring import now, repository
from . import settings_http as http
from .settings import guard, owner_settings

bp = owner_settings
PATH = "/owner/settings/channels"
JSON_FIELDS = ("enable_whatsapp", "enable_email", "enable_sms", "order_1", "order_2", "order_3", "email_from",
               "whatsapp_phone_number_id", "price_whatsapp", "price_whatsapp_marketing", "price_email", "price_sms",
               "monthly_budget_usd")


def _page(values=None, errors=None, status: int = 200):
    shown = channels.view(repository(), guard.principal().salon_id, now())
    return http.page(bp.current_request, "owner/settings/channels.html", status, salon_name=shown.salon.name,
                     view=shown, values=values or channels.values(shown.salon), errors=errors or {})


@bp.route(PATH, methods=["GET"])
@guard.require(roles.SETTINGS)
def settings_channels():
    return _page()


@bp.route(PATH, methods=["POST"], content_types=[http.FORM])
@guard.require(roles.SETTINGS)
def settings_channels_save():
    request = bp.current_request
    values = http.form_values(request)
    try:
        _, changed = channels.save(repository(), accounts(), guard.principal(), values, now())
    except FieldErrors as error:
        return _page(values, error.errors, 400)
    return http.done(request, PATH, "saved" if changed else "unchanged")


def channels_json(shown: channels.ChannelsView) -> dict:
    salon = shown.salon
    return {"enabled": list(salon.channels_enabled), "order": list(salon.channel_order),
            "email_from": salon.email_from, "whatsapp_phone_number_id": salon.whatsapp_phone_number_id,
            "monthly_budget_usd": str(salon.monthly_budget_usd) if salon.monthly_budget_usd is not None else None,
            "prices": {"published_on": shown.published_on, "country": salon.country,
                       "published": {c: str(p) for c, p in shown.published.items()},
                       "overrides": {c: {k: str(v) for k, v in p.items()} for c, p in salon.price_overrides.items()}},
            "month": {"month": shown.month, "total_cost_usd": str(shown.total_usd),
                      "channels": [{"channel": m.channel, "messages": m.messages, "cost_usd": str(m.cost_usd)}
                                   for m in shown.used]}}


@bp.route("/v1/admin/settings/channels", methods=["GET"])
@guard.require(roles.SETTINGS, api=True)
def admin_channels():
    return http.answer(channels_json(channels.view(repository(), guard.principal().salon_id, now())))


@bp.route("/v1/admin/settings/channels", methods=["PATCH"])
@guard.require(roles.SETTINGS, api=True)
@http.json_fields
def admin_channels_patch():
    values = from_json(http.json_in(bp.current_request), JSON_FIELDS)
    channels.save(repository(), accounts(), guard.principal(), values, now(), partial=True)
    return http.answer(channels_json(channels.view(repository(), guard.principal().salon_id, now())))
