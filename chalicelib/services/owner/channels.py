"""The owner's channel settings: which channels, in which order, the prices estimates use, the
monthly budget; and the month's messages and estimated cost per channel (owner only)."""
import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from ...domain.channels import (
    CHANNELS,
    DEFAULT_PRICES,
    EMAIL,
    MICRO,
    PRICE_KEYS,
    PRICES_PUBLISHED_ON,
    WHATSAPP,
)
from ...domain.clock import local_today
from ...domain.salon import Salon
from ...domain.text import N_
from ...domain.values import frozen
from ..salons import load_salon
from .settings_fields import Form, changes

_EMAIL = re.compile(r"^[^@\s<>\"]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
_PHONE_NUMBER_ID = re.compile(r"^phone-number-id-[A-Za-z0-9]{1,64}$")
_PRICE = re.compile(r"^\d{1,3}(\.\d{1,6})?$")
FLAGS = tuple(f"enable_{c}" for c in CHANNELS)


@frozen
class ChannelMonth:
    channel: str
    messages: int
    cost_usd: Decimal


@frozen
class ChannelsView:
    salon: Salon
    month: str
    used: tuple[ChannelMonth, ...]
    published_on: str
    published: dict  # price key (a channel, or WhatsApp's marketing rate) -> the published price there

    @property
    def total_usd(self) -> Decimal:
        return sum((m.cost_usd for m in self.used), Decimal(0))

    @property
    def budget_left_usd(self) -> Decimal | None:
        budget = self.salon.monthly_budget_usd
        return None if budget is None else max(budget - self.total_usd, Decimal(0))


def published_price(channel: str, country: str) -> Decimal:
    table = DEFAULT_PRICES[channel]
    return table.get(country.upper(), table["*"])


def view(repo, salon_id: str, now: datetime) -> ChannelsView:
    salon, _ = load_salon(repo, salon_id)
    month = local_today(now, salon.tz).strftime("%Y-%m")
    counted = repo.message_month(salon.id, month)
    used = tuple(ChannelMonth(c, counted[c]["messages"], Decimal(counted[c]["cost_musd"]) / MICRO) for c in CHANNELS)
    return ChannelsView(salon, month, used, PRICES_PUBLISHED_ON,
                        {key: published_price(key, salon.country) for key in PRICE_KEYS})


def values(salon: Salon) -> dict[str, str]:
    """The form's fields as text (also what the audit log compares)."""
    country = salon.country.upper()
    order = list(salon.channel_order) + [c for c in CHANNELS if c not in salon.channel_order]
    found = {f"enable_{c}": "1" if c in salon.channels_enabled else "" for c in CHANNELS}
    found.update({f"order_{i + 1}": c for i, c in enumerate(order[:3])})
    found.update({f"price_{key}": str(salon.price_overrides.get(key, {}).get(country, "")) for key in PRICE_KEYS})
    found["email_from"] = salon.email_from or ""
    found["whatsapp_phone_number_id"] = salon.whatsapp_phone_number_id or ""
    found["monthly_budget_usd"] = str(salon.monthly_budget_usd) if salon.monthly_budget_usd is not None else ""
    return found


def apply(salon: Salon, form: Form) -> Salon:
    enabled = tuple(c for c in CHANNELS if form.flag(f"enable_{c}"))
    if not enabled:
        form.fail("enable_sms", N_("Keep at least one channel on: clients must hear about their appointments."))
    order = tuple(form.choice(f"order_{i}", CHANNELS) for i in (1, 2, 3))
    if len(set(order)) != 3 and "order_1" not in form.errors:
        form.fail("order_1", N_("Put each channel once: first, second and third."))
    email_from = form.text("email_from", 254, required=False)
    if email_from and not _EMAIL.match(email_from):
        form.fail("email_from", N_("Enter an address like studio@example.com (verified in SES)."))
    if EMAIL in enabled and not email_from:
        form.fail("email_from", N_("E-mail needs the sender address clients see."))
    number_id = form.text("whatsapp_phone_number_id", 90, required=False)
    if number_id and not _PHONE_NUMBER_ID.match(number_id):
        form.fail("whatsapp_phone_number_id",
                  N_("Enter the id like phone-number-id-0123abcd (End User Messaging Social)."))
    if WHATSAPP in enabled and not number_id:
        form.fail("whatsapp_phone_number_id", N_("WhatsApp needs the salon's phone number id."))
    overrides = {c: dict(p) for c, p in salon.price_overrides.items()}
    for key in PRICE_KEYS:
        price = _price(form, f"price_{key}")
        country = salon.country.upper()
        if price is None:
            overrides.get(key, {}).pop(country, None)
        else:
            overrides.setdefault(key, {})[country] = price
    budget = form.money("monthly_budget_usd", Decimal("100000"))
    kept_order = order if len(set(order)) == 3 else salon.channel_order
    return replace(salon, channels_enabled=enabled, channel_order=kept_order,
                   email_from=email_from or None, whatsapp_phone_number_id=number_id or None,
                   price_overrides={c: p for c, p in overrides.items() if p}, monthly_budget_usd=budget)


def _price(form: Form, name: str) -> Decimal | None:
    raw = form.raw(name).replace(",", ".")
    if not raw:
        return None
    if not _PRICE.match(raw):
        form.fail(name, N_("Enter a price in USD like 0.09, or leave it empty for the published one."))
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:  # the pattern lets only decimals through; kept for safety
        form.fail(name, N_("Enter a price in USD like 0.09."))
        return None


def save(repo, accounts, me, submitted: dict[str, str], now: datetime,
         partial: bool = False) -> tuple[Salon, dict[str, str]]:
    """Validate and save the channel settings; what changed ({}: nothing). Raises FieldErrors."""
    salon, _ = load_salon(repo, me.salon_id)
    before = values(salon)
    form = Form({**before, **submitted} if partial else submitted)
    updated = apply(salon, form)
    form.done()
    changed = changes(before, values(updated), flags=FLAGS)
    if changed:
        repo.update_salon_fields(updated, ("channels",))
        accounts.record_audit(me.salon_id, me.user_id, "settings_changed", "settings:channels",
                              {"section": "channels", "changes": changed}, now)
    return updated, changed
