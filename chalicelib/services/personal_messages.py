"""A personal message from the client file: one text, written by the salon, to one client, over the
channel the client's choice and the salon's order give. It is an outbox message of kind `personal`:
the dispatcher sends it inside the sending window, with the caps and opt-outs of every message, and
the client's reply lands in the inbox like any reply."""
from datetime import datetime
from decimal import Decimal

from ..domain.channels import SMS, WHATSAPP, PriceTable, route
from ..domain.errors import IllegalTransition, InvalidRequest
from ..domain.ids import new_id
from ..domain.outbox import OutboxMessage
from ..domain.sending_window import next_send_time
from ..domain.text import N_
from ..domain.values import frozen
from . import notify
from .owner.clients import checked_client

KIND = "personal"
MAX_LENGTH = 640  # four SMS parts of GSM-7, two and a half of UCS-2: a message, not a newsletter
WHATSAPP_WINDOW_HOURS = 24


@frozen
class Estimate:
    """Where the message would go now and what it would cost (None: nothing can reach the client)."""
    channel: str | None
    parts: int
    cost_usd: Decimal
    country: str


def estimate(salon, client, text: str, now: datetime) -> Estimate:
    from ..messaging.segments import sms_segments

    ranked = route(client.reachability(), salon.channels_enabled, salon.channel_order)
    channel = ranked[0] if ranked else None
    parts = sms_segments(text or " ")[1] if channel == SMS else 1
    country = notify.phone_country(client.phone) or salon.country
    window = (channel == WHATSAPP and client.whatsapp_last_inbound_at is not None
              and (now - client.whatsapp_last_inbound_at).total_seconds() < WHATSAPP_WINDOW_HOURS * 3600)
    cost = PriceTable(salon.price_overrides).estimate(channel, country, parts, window) if channel else Decimal("0")
    return Estimate(channel, parts, cost, country)


@frozen
class Queued:
    message: OutboxMessage
    estimate: Estimate


def send(repo, audit, who, client_id: str, text: str, now: datetime) -> Queued:
    """Queue one personal message (role-checked: the roles that may change the file). Refused when
    the text is empty or too long, the file was erased, or no channel can reach the client (they
    opted out everywhere): nothing is queued then."""
    salon, _, _, client = checked_client(repo, who, client_id, edit=True)
    body = (text or "").replace("\r\n", "\n").strip()
    if not body:
        raise InvalidRequest(N_("Write the message first."))
    if len(body) > MAX_LENGTH:
        raise InvalidRequest(N_("The message is too long: %(length)s characters, at most %(most)s.",
                                length=len(body), most=MAX_LENGTH))
    if client.erased:
        raise IllegalTransition(N_("This client's personal data was erased: they cannot be written to."),
                                "client_erased")
    guess = estimate(salon, client, body, now)
    if guess.channel is None:
        raise IllegalTransition(N_("Nothing can reach this client: they opted out, or have no channel the salon "
                                   "uses. Call them instead."), "client_unreachable")
    policy = salon.policy
    message = OutboxMessage(id=new_id(), salon_id=salon.id, kind=KIND, phone=client.phone,
                            locale=client.locale or salon.locale, body=body, created_at=now, client_id=client.id,
                            not_before=next_send_time(now, salon.tz, policy.send_from, policy.send_until))
    if guess.channel == SMS and not notify.country_allowed(salon, client.phone):
        message = message.cancelled("country_not_allowed")  # shown to the owner, as any refused text
    repo.add_message(message)
    # The audit names the message, never its text (it may say anything about the client).
    audit.record_audit(salon.id, who.user_id, "personal_message_queued", f"client:{client.id}",
                       {"message_id": message.id, "channel": guess.channel, "parts": guess.parts}, now)
    return Queued(message, guess)
