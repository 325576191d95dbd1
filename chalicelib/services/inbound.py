"""Replies to our SMS: 1/yes confirms the client's next appointment, 2/no cancels it (the
cutoff applies, the slot goes to the waitlist), STOP opts out, START opts back in; anything
else lands in the owner's inbox. A reply is matched by phone within the salon that wrote last."""
import logging
from dataclasses import dataclass
from datetime import datetime

from .. import observability
from ..domain.appointment import CancelledBy, Status
from ..domain.client import mask_phone, normalize_phone
from ..domain.errors import DomainError
from ..domain.ids import new_id
from . import notify
from .manage import cancel_appointment
from .salons import load_salon

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Handled:
    salon_id: str | None
    action: str  # confirm | cancel | stop | start | inbox | unknown_sender


def handle_reply(repo, raw_phone: str, text: str, now: datetime, base_url: str) -> Handled:
    from ..messaging.keywords import classify

    try:
        phone = normalize_phone(raw_phone, "ZZ")
    except DomainError:
        log.warning("reply from an unparseable number %s", mask_phone(raw_phone or ""))
        return Handled(None, "unknown_sender")
    salon_id = repo.route_for(phone)
    if salon_id is None:
        log.info("reply from %s, to whom no salon wrote", mask_phone(phone))
        return Handled(None, "unknown_sender")
    salon, catalog = load_salon(repo, salon_id)
    client_id = repo.client_id_for_phone(salon.id, phone)
    client = repo.get_client(salon.id, client_id) if client_id else None
    intent = classify(text or "")
    action = "inbox"
    if client is not None and intent in ("stop", "start"):
        repo.set_sms_opt_out(salon.id, client.id, intent == "stop")
        action = intent
    elif client is not None and intent in ("confirm", "cancel"):
        upcoming = next((a for a in repo.client_appointments(salon.id, client.id, since=now)
                         if a.status in (Status.BOOKED, Status.CONFIRMED) and a.start > now), None)
        if upcoming is not None:
            action = _answer(repo, salon, catalog, client, upcoming, intent, now, base_url)
    repo.add_inbound(salon.id, new_id(), phone, client.id if client else None, (text or "")[:1600], action, now)
    observability.count("Replies", salon=salon.id, action=action)
    return Handled(salon.id, action)


def _answer(repo, salon, catalog, client, appt, intent: str, now: datetime, base_url: str) -> str:
    if intent == "confirm":
        ack = notify.message(salon, client, "reply_confirmed", now, start=appt.start)
        if appt.status is Status.BOOKED:  # the confirmation and its acknowledgement in one transaction
            repo.update_appointment(appt, appt.confirm(), messages=(ack,))
        else:  # already confirmed: acknowledge again
            repo.add_message(ack)
        return "confirm"
    cancel_appointment(repo, salon, catalog, appt, CancelledBy.CLIENT, now, base_url, by_reply=True)
    return "cancel"
