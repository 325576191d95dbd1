"""What the channels tell us back, through SNS: WhatsApp messages and delivery statuses (AWS End User
Messaging Social), and SES's bounces, complaints and deliveries (a configuration set's event
destination). Each event is applied once in effect (every write is idempotent), and one that cannot
be understood is logged, without any address or text, and dropped: SNS would only retry it."""
import json
import logging
from datetime import datetime

from ..domain.channels import WHATSAPP
from ..domain.client import normalize_email
from ..domain.errors import DomainError
from ..domain.values import frozen
from .inbound import handle_reply

log = logging.getLogger(__name__)
SALON_TAG = "salon"  # the SES message tag the e-mail provider sets: which salon sent it
# WhatsApp's statuses, kept as they come (sent, delivered, read, failed...); SES's, named here.
EMAIL_STATUS = {"Delivery": "delivered", "Bounce": "bounced", "Complaint": "complained",
                "Reject": "rejected", "DeliveryDelay": "delayed"}


@frozen
class WhatsAppInbound:
    phone: str  # E.164
    text: str


@frozen
class WhatsAppStatus:
    provider_message_id: str  # Meta's wamid
    status: str
    reason: str | None = None


def parse_whatsapp_event(raw: str) -> tuple[list[WhatsAppInbound], list[WhatsAppStatus]]:
    """End User Messaging Social's SNS message: an AWS header whose `whatsAppWebhookEntry` is a JSON
    string of Meta's webhook entry ({"id", "changes": [{"value": {"messages": [...], "statuses": [...]}}]}).
    Raises ValueError when it is not that shape."""
    try:
        event = json.loads(raw)
        entry = event["whatsAppWebhookEntry"]
        entry = json.loads(entry) if isinstance(entry, str) else entry
        entries = entry.get("entry", [entry])  # the whole webhook payload, or one entry as AWS sends it
        values = [change["value"] for one in entries for change in one.get("changes", [])]
    except (TypeError, KeyError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError("not a WhatsApp webhook entry") from error
    inbound, statuses = [], []
    for value in values:
        for message in value.get("messages") or []:
            sender = str(message.get("from") or "")
            if sender:
                inbound.append(WhatsAppInbound("+" + sender.lstrip("+"), _text_of(message)))
        for status in value.get("statuses") or []:
            if status.get("id") and status.get("status"):
                errors = status.get("errors") or [{}]
                reason = errors[0].get("title") or errors[0].get("message")
                statuses.append(WhatsAppStatus(status["id"], str(status["status"]), reason))
    return inbound, statuses


def _text_of(message: dict) -> str:
    """What the client said: a text, a quick-reply button's text, an interactive reply's title."""
    kind = message.get("type")
    if kind == "text":
        return (message.get("text") or {}).get("body", "")
    if kind == "button":
        return (message.get("button") or {}).get("text", "")
    if kind == "interactive":
        reply = message.get("interactive") or {}
        return (reply.get("button_reply") or reply.get("list_reply") or {}).get("title", "")
    return f"[{kind or 'message'}]"  # media, location...: the inbox shows that something came


def whatsapp_event(repo, raw: str, now: datetime, base_url: str) -> dict:
    """Each message is a reply like an SMS one (1/2/STOP, routed by the question it answers, the
    rest to the inbox) that also opens the client's free 24-hour window; each status is recorded
    on the outbox message it is about."""
    try:
        inbound, statuses = parse_whatsapp_event(raw)
    except ValueError:
        log.warning("WhatsApp event not understood; dropped")
        return {"ignored": 1}
    done = {"replies": 0, "statuses": 0, "unknown": 0}
    for message in inbound:
        handled = handle_reply(repo, message.phone, message.text, now, base_url, channel=WHATSAPP)
        for salon_id in handled.salon_ids:
            client_id = repo.client_id_for_phone(salon_id, message.phone)
            if client_id:
                repo.record_whatsapp_inbound(salon_id, client_id, now)
        done["replies"] += 1
    for status in statuses:
        found = repo.message_for_provider_id(status.provider_message_id)
        if found is None:
            done["unknown"] += 1
            continue
        repo.set_delivery_status(found, status.status, status.reason if status.status == "failed" else None)
        done["statuses"] += 1
    return done


@frozen
class EmailEvent:
    kind: str  # Bounce, Complaint, Delivery, ...
    provider_message_id: str | None
    salon_id: str | None
    recipients: tuple[str, ...]  # the addresses the event is about (bounced, complained)
    permanent: bool = False


def parse_email_event(raw: str) -> EmailEvent:
    """SES event publishing's JSON ("eventType"; SES notifications say "notificationType"), with the
    sending salon in the message's `salon` tag. Raises ValueError when it is not that shape."""
    try:
        event = json.loads(raw)
        kind = event.get("eventType") or event["notificationType"]
        mail = event.get("mail") or {}
        tags = mail.get("tags") or {}
        salon = (tags.get(SALON_TAG) or [None])[0]
        if kind == "Bounce":
            bounce = event["bounce"]
            people = bounce.get("bouncedRecipients") or []
            permanent = bounce.get("bounceType") == "Permanent"
        elif kind == "Complaint":
            people, permanent = event["complaint"].get("complainedRecipients") or [], True
        else:
            people, permanent = [], False
        recipients = tuple(p["emailAddress"] for p in people if p.get("emailAddress"))
    except (TypeError, KeyError, AttributeError, IndexError, json.JSONDecodeError) as error:
        raise ValueError("not an SES event") from error
    return EmailEvent(str(kind), mail.get("messageId"), salon, recipients, permanent)


def email_event(repo, raw: str, now: datetime) -> dict:
    """A permanent bounce or a complaint suppresses the address on every client of that salon who
    has it; any event known to the outbox updates its message's delivery status."""
    try:
        event = parse_email_event(raw)
    except ValueError:
        log.warning("SES event not understood; dropped")
        return {"ignored": 1}
    message = repo.message_for_provider_id(event.provider_message_id) if event.provider_message_id else None
    salon_id = event.salon_id or (message.salon_id if message else None)
    suppressed = 0
    if event.permanent and salon_id:
        for address in event.recipients:
            suppressed += _suppress(repo, salon_id, address)
    elif event.permanent:
        log.warning("SES %s without a salon tag; nothing suppressed", event.kind)
    if message is not None and event.kind in EMAIL_STATUS:
        status = EMAIL_STATUS[event.kind] + ("" if event.permanent or event.kind != "Bounce" else "_transient")
        repo.set_delivery_status(message, status)
    log.info("SES %s for salon %s: %d client(s) suppressed", event.kind, salon_id, suppressed)
    return {"kind": event.kind, "suppressed": suppressed, "message": message is not None}


def _suppress(repo, salon_id: str, address: str) -> int:
    try:
        email = normalize_email(address)
    except DomainError:
        return 0
    if email is None:
        return 0
    return sum(repo.suppress_email(salon_id, client.id, client.email)
               for client in repo.clients_with_email(salon_id, email))
