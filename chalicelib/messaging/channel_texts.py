"""One outbox message in the words of each channel.

A message is rendered for SMS when it is queued (its `body`) and keeps the values it was rendered
from (`params`). When the dispatcher's route picks e-mail or WhatsApp instead, the same values
become an e-mail (subject, plain text, simple HTML, links spelled out) or the parameters of the
kind's approved WhatsApp template (docs/whatsapp-templates.md). E-mail wording is the SMS text at
its fullest, accents kept, with the few e-mail-only texts through gettext (`messages` domain); a
reminder asks for no "reply 1 or 2" by e-mail: it carries the manage and cancel links instead.
"""
import html
from datetime import date

from ..domain.clock import parse_iso_utc
from ..domain.outbox import LINK_PLACEHOLDER
from ..domain.values import frozen

MARKETING_KINDS = frozenset({"recall", "broadcast"})  # an unsubscribe path on every channel
FREE_TEXT_KINDS = frozenset({"personal", "broadcast", "notice"})  # the owner's own words (params["text"])
# Meta's language codes for the approved templates, per text locale.
WHATSAPP_LANGUAGES = {"en": "en", "it": "it", "pl": "pl", "pt": "pt_BR", "es": "es", "ru": "ru"}
# Each kind's template body parameters, in order ({{1}}, {{2}}, ...). docs/whatsapp-templates.md
# has their wording per language for the owner to submit to Meta.
WHATSAPP_PARAMETERS: dict[str, tuple[str, ...]] = {
    "booking_confirmation": ("salon_name", "service_name", "date", "time", "manage_url"),
    "cancellation_confirmation": ("salon_name", "service_name", "date", "time"),
    "reminder": ("salon_name", "service_name", "date", "time", "manage_url"),
    "noshow_policy": ("salon_name", "date", "time", "salon_phone"),
    "noshow_warning": ("salon_name", "salon_phone"),
    "booking_restricted": ("salon_name", "until", "salon_phone"),
    "ban_notice": ("salon_name", "salon_phone"),
    "waitlist_offer": ("salon_name", "service_name", "date", "time", "hold_minutes", "claim_url"),
    "recall": ("salon_name", "service_name", "book_url"),
    "reply_confirmed": ("salon_name", "date", "time"),
    "reply_cancelled": ("salon_name", "date", "time"),
    "reply_unknown": ("salon_name", "salon_phone"),
    "reply_ambiguous": ("salon_name", "date", "time", "salon_phone"),
    "sign_in_code": ("salon_name", "code"),
    "payment_too_late": ("salon_name", "amount", "date", "time", "book_url"),
    "deposit_refunded": ("salon_name", "amount", "date", "time"),
    "fee_payment_link": ("salon_name", "amount", "pay_url"),
    "personal": ("salon_name", "text"),
    "broadcast": ("salon_name", "text"),
    "notice": ("salon_name", "text"),
}
_LATE_TEMPLATES = frozenset({"cancellation_confirmation", "reply_cancelled"})
_INSTANTS = ("start",)


@frozen
class Email:
    kind: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str | None = None


@frozen
class WhatsAppTemplate:
    name: str
    language: str
    parameters: tuple[str, ...]


def template_name(kind: str, late: bool = False) -> str:
    return f"chairtime_{kind}" + ("_late" if late and kind in _LATE_TEMPLATES else "")


def render_fields(params: dict[str, str], token: str | None) -> dict:
    """The stored params as render fields: instants parsed, the link's token put in its place."""
    fields: dict = {}
    for name, value in params.items():
        if name in _INSTANTS:
            fields[name] = parse_iso_utc(value)
        elif name == "until":
            fields[name] = parse_iso_utc(value) if "T" in value else date.fromisoformat(value)
        elif name == "late":
            fields[name] = value == "1"
        elif name == "hold_minutes":
            fields[name] = int(value)
        else:
            fields[name] = value.replace(LINK_PLACEHOLDER, token) if token and LINK_PLACEHOLDER in value else value
    return fields


def whatsapp(kind: str, locale: str, tz: str, params: dict[str, str], token: str | None = None) -> WhatsAppTemplate:
    """The kind's approved template with its body parameters in the client's language."""
    from .templates import field_values, supported

    locale = supported(locale)
    fields = render_fields(params, token)
    values = field_values(locale, tz, **fields) if kind not in FREE_TEXT_KINDS else {}
    values.update({name: str(fields[name]) for name in ("salon_name", "text") if name in fields})
    return WhatsAppTemplate(template_name(kind, bool(fields.get("late"))), WHATSAPP_LANGUAGES[locale],
                            tuple(values.get(name, "") for name in WHATSAPP_PARAMETERS[kind]))


def email(kind: str, locale: str, tz: str, params: dict[str, str], token: str | None = None,
          unsubscribe_url: str | None = None) -> Email:
    """The message as an e-mail in the client's language: the manage link in full (not the SMS's
    short /m/ form), a cancel link beside it where the SMS asks for a reply."""
    from ..web.catalogs import Translator
    from .templates import field_values, full_text, supported

    locale = supported(locale)
    tr = Translator(locale, "messages")
    fields = render_fields(params, token)
    salon = fields.get("salon_name", "")
    manage = fields["manage_url"].replace("/m/", "/manage/", 1) if fields.get("manage_url") else None
    if manage:
        fields["manage_url"] = manage
    if kind in FREE_TEXT_KINDS:
        body = fields.get("text", "")
    elif kind == "reminder":
        values = field_values(locale, tz, **fields)
        body = tr.gettext("%(salon)s: a reminder of your %(service)s on %(date)s at %(time)s.", salon=salon,
                          service=values.get("service_name", ""), date=values["date"], time=values["time"])
    else:
        body = full_text(kind, locale, tz, **fields)
    links: list[tuple[str, str]] = []
    if manage:
        links.append((tr.gettext("See, move or cancel your appointment"), manage))
        if kind == "reminder":
            links.append((tr.gettext("Cancel the appointment"), f"{manage}/cancel"))
    if kind == "reminder":
        body += "\n\n" + tr.gettext("Nothing to do if you are coming: we look forward to seeing you.")
    if unsubscribe_url and kind in MARKETING_KINDS:
        links.append((tr.gettext("Stop these messages"), unsubscribe_url))
    text = body + "".join(f"\n\n{label}: {url}" for label, url in links if url not in body)
    markup = "".join(f"<p>{html.escape(line)}</p>" for line in body.split("\n\n"))
    markup += "".join(f'<p><a href="{html.escape(url)}">{html.escape(label)}</a></p>' for label, url in links)
    return Email(kind, _subject(tr, kind, salon), text,
                 f'<!DOCTYPE html><html lang="{locale}"><body>{markup}</body></html>',
                 unsubscribe_url if kind in MARKETING_KINDS else None)


def _subject(tr, kind: str, salon: str) -> str:
    if kind == "sign_in_code":
        return tr.gettext("%(salon)s: your sign-in code", salon=salon)
    if kind == "waitlist_offer":
        return tr.gettext("%(salon)s: a time is free for you", salon=salon)
    if kind in ("fee_payment_link", "payment_too_late", "deposit_refunded"):
        return tr.gettext("%(salon)s: your payment", salon=salon)
    if kind in ("booking_confirmation", "reminder", "cancellation_confirmation", "reply_confirmed",
                "reply_cancelled", "reply_ambiguous"):
        return tr.gettext("%(salon)s: your appointment", salon=salon)
    return tr.gettext("A message from %(salon)s", salon=salon)


def is_marketing(kind: str) -> bool:
    return kind in MARKETING_KINDS
