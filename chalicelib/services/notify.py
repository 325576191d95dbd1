"""Events become outbox messages: rendered now in the client's language, sent later by the
dispatcher inside the salon's sending window."""
from datetime import datetime

from ..domain.appointment import Appointment
from ..domain.catalog import Catalog
from ..domain.client import Client
from ..domain.ids import new_id
from ..domain.outbox import LINK_PLACEHOLDER, OutboxMessage
from ..domain.salon import Salon
from ..domain.sending_window import next_send_time

# Kinds whose truth depends on the appointment they speak of (checked again before sending).
ABOUT_APPOINTMENT = frozenset({"booking_confirmation", "reminder", "waitlist_offer"})


def phone_country(e164: str) -> str | None:
    import phonenumbers

    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    except phonenumbers.NumberParseException:
        return None


def country_allowed(salon: Salon, e164: str) -> bool:
    return phone_country(e164) in salon.policy.sms_countries(salon.country)


def manage_url(base_url: str) -> str:
    """The short form for SMS (`/m/` redirects to the manage page): every character counts. The
    token is a placeholder: the dispatcher makes the link when the text leaves (see dispatch.py)."""
    return f"{base_url}/m/{LINK_PLACEHOLDER}"


def claim_url(base_url: str) -> str:
    return f"{base_url}/claim/{LINK_PLACEHOLDER}"


def message(salon: Salon, client: Client, kind: str, now: datetime, *, not_before: datetime | None = None,
            appointment: Appointment | None = None, **fields) -> OutboxMessage:
    """An outbox message for `client`; born cancelled (with the reason, for the owner to see)
    when the client opted out or the number's country is not allowed."""
    from ..messaging.templates import render

    locale = client.locale or salon.locale
    body = render(kind, locale, salon.timezone, salon_name=salon.name, **fields)
    policy = salon.policy
    when = next_send_time(max(not_before or now, now), salon.tz, policy.send_from, policy.send_until)
    outbox = OutboxMessage(
        id=new_id(), salon_id=salon.id, kind=kind, phone=client.phone, locale=locale, body=body, not_before=when,
        created_at=now, client_id=client.id,
        appointment_id=appointment.id if appointment else None,
        appointment_start=appointment.start if appointment else None,
        params=stored_params(salon.name, fields),
    )
    if client.sms_opt_out:
        return outbox.cancelled("opted_out")
    if not country_allowed(salon, client.phone):
        return outbox.cancelled("country_not_allowed")
    return outbox


def stored_params(salon_name: str, fields: dict) -> dict[str, str]:
    """The render fields as the message keeps them (text only), for another channel's wording."""
    from datetime import date

    from ..domain.clock import iso_utc

    params = {"salon_name": salon_name}
    for name, value in fields.items():
        if value is None or value is False:
            continue
        if isinstance(value, datetime):
            params[name] = iso_utc(value)
        elif isinstance(value, date):
            params[name] = value.isoformat()
        else:
            params[name] = "1" if value is True else str(value)
    return params


def names(catalog: Catalog, appt: Appointment) -> dict:
    service = catalog.service(appt.service_id)
    return {"service_name": service.name if service else appt.service_id}


def booking_confirmation(salon, catalog, client, appt, base_url, now, *, receipt: bool = False
                         ) -> tuple[OutboxMessage, ...]:
    """`receipt`: the client booked or moved it on a page that already said so (see RECEIPT)."""
    if not salon.policy.confirmations:
        return ()
    return (message(salon, client, "booking_confirmation", now, appointment=appt, start=appt.start,
                    manage_url=manage_url(base_url), **names(catalog, appt), **money_terms(salon, appt),
                    **_receipt(receipt)),)


# A message's param marking it as a receipt: the confirmation of what the client just did online
# themselves (book, move, cancel), which their page already showed. The dispatcher sends a receipt
# only where it costs next to nothing (e-mail), unless the salon asks for texts too
# (Policy.text_receipts): an SMS part to Italy costs $0.09 to repeat what the client has just read.
RECEIPT = "receipt"


def _receipt(receipt: bool) -> dict:
    return {RECEIPT: True} if receipt else {}


def is_receipt(message: OutboxMessage) -> bool:
    return (message.params or {}).get(RECEIPT) == "1"


def money_terms(salon, appt) -> dict[str, str]:
    """What the confirmation repeats of the money policy: the deposit paid, the salon's fees."""
    from ..domain.money import format_amount, to_minor

    def shown(minor: int, currency: str) -> str:
        return f"{format_amount(minor, currency)} {currency}"

    terms, currency = {}, salon.currency
    deposit = appt.deposit
    if deposit is not None and deposit.paid and deposit.amount:
        terms["deposit"] = shown(deposit.amount, deposit.currency)
    if salon.policy.late_cancel_fee:
        terms["late_fee"] = shown(to_minor(salon.policy.late_cancel_fee, currency), currency)
    if salon.policy.no_show_fee:
        terms["no_show_fee"] = shown(to_minor(salon.policy.no_show_fee, currency), currency)
    return terms


def cancellation_confirmation(salon, catalog, client, appt, now, *, receipt: bool = False
                              ) -> tuple[OutboxMessage, ...]:
    """`receipt`: the client cancelled on a page that already said so (see RECEIPT)."""
    if not salon.policy.confirmations:
        return ()
    return (message(salon, client, "cancellation_confirmation", now, start=appt.start, late=appt.late,
                    **names(catalog, appt), **_receipt(receipt)),)
