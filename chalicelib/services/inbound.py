"""Replies to our SMS: 1/yes confirms the appointment the salon's reminder asked about, 2/no
cancels it (the cutoff applies, the slot goes to the waitlist), STOP opts out, START opts back
in; anything else lands in the owner's inbox. Which salon a reply is for is decided by what it
answers (domain/replies.py): a 1/2 acts only on the one open question; when two salons asked the
same number, it acts on neither, lands in both inboxes, and each salon says it changed nothing."""
import logging
from datetime import datetime

from .. import observability
from ..domain.appointment import CancelledBy, Status
from ..domain.channels import SMS, WHATSAPP
from ..domain.client import mask_phone, normalize_phone
from ..domain.errors import DomainError
from ..domain.ids import new_id
from ..domain.replies import ReplyRoute, route_reply
from ..domain.values import frozen
from . import notify
from .manage import cancel_appointment
from .salons import load_salon

log = logging.getLogger(__name__)
MAX_BODY = 1600


@frozen
class Handled:
    salon_id: str | None  # the salon that acted, or the only one the reply went to
    action: str  # confirm | cancel | stop | start | inbox | ambiguous | unknown_sender
    salon_ids: tuple[str, ...] = ()  # every salon whose inbox got the reply


def handle_reply(repo, raw_phone: str, text: str, now: datetime, base_url: str, channel: str = SMS) -> Handled:
    """`channel`: where the reply came from; STOP/START change that channel's opt-out only."""
    from ..messaging.keywords import classify

    try:
        phone = normalize_phone(raw_phone, "ZZ")
    except DomainError:
        log.warning("reply from an unparseable number %s", mask_phone(raw_phone or ""))
        return Handled(None, "unknown_sender")
    intent = classify(text or "")
    routes = repo.reply_routes(phone)
    routing = route_reply(routes, intent, now)
    if not routing.salon_ids:
        log.info("reply from %s, to whom no salon wrote", mask_phone(phone))
        return Handled(None, "unknown_sender")
    if routing.answers is not None:
        action = _answer_question(repo, routing.answers, phone, text, intent, now, base_url)
        return Handled(routing.answers.salon_id, action, routing.salon_ids)
    asked = {r.salon_id: r.appointment_start for r in routes if routing.ambiguous}
    actions = {_record(repo, salon_id, phone, text, intent, asked.get(salon_id), now, channel)
               for salon_id in routing.salon_ids}
    action = actions.pop() if len(actions) == 1 else "inbox"
    only = routing.salon_ids[0] if len(routing.salon_ids) == 1 else None
    return Handled(only, action, routing.salon_ids)


def _answer_question(repo, route: ReplyRoute, phone: str, text: str, intent: str, now: datetime,
                     base_url: str) -> str:
    salon, catalog = load_salon(repo, route.salon_id)
    client = _client(repo, salon.id, phone)
    appt = _asked_about(repo, salon.id, client, route, now) if client else None
    action = _answer(repo, salon, catalog, client, appt, intent, now, base_url) if appt else "inbox"
    _inbox(repo, salon.id, phone, client, text, action, now)
    return action


def _asked_about(repo, salon_id: str, client, route: ReplyRoute, now: datetime):
    """The appointment the question was about, if it can still be confirmed or cancelled (moved
    since the question: found by id among the client's next appointments)."""
    appt = repo.get_appointment(salon_id, route.appointment_start, route.appointment_id)
    if appt is None:
        appt = next((a for a in repo.client_appointments(salon_id, client.id, since=now)
                     if a.id == route.appointment_id), None)
    if appt is None or appt.status not in (Status.BOOKED, Status.CONFIRMED) or appt.start <= now:
        return None
    return appt


def _record(repo, salon_id: str, phone: str, text: str, intent: str | None, asked_start: datetime | None,
            now: datetime, channel: str = SMS) -> str:
    """A reply that answers no single question, in one salon's inbox (STOP/START applied there).
    `asked_start`: the reply was a 1/2 that this salon's open question (about the appointment at
    that time) and another salon's could both be meant by: it acts on neither."""
    client = _client(repo, salon_id, phone)
    action = "inbox"
    if client is not None and intent in ("stop", "start"):
        if channel == WHATSAPP:
            repo.record_whatsapp_inbound(salon_id, client.id, now, opt_out=intent == "stop")
        else:
            repo.set_sms_opt_out(salon_id, client.id, intent == "stop")
        action = intent
    elif asked_start is not None:
        action = "ambiguous"
        if client is not None:  # a guess could cancel someone's appointment: say so, and how to act
            salon, _ = load_salon(repo, salon_id)
            repo.add_message(notify.message(salon, client, "reply_ambiguous", now, start=asked_start,
                                            salon_phone=salon.phone))
    _inbox(repo, salon_id, phone, client, text, action, now)
    return action


def _client(repo, salon_id: str, phone: str):
    client_id = repo.client_id_for_phone(salon_id, phone)
    return repo.get_client(salon_id, client_id) if client_id else None


def _inbox(repo, salon_id: str, phone: str, client, text: str, action: str, now: datetime) -> None:
    repo.add_inbound(salon_id, new_id(), phone, client.id if client else None, (text or "")[:MAX_BODY], action, now)
    observability.count("Replies", salon=salon_id, action=action)


def _answer(repo, salon, catalog, client, appt, intent: str, now: datetime, base_url: str) -> str:
    if intent == "confirm":
        ack = notify.message(salon, client, "reply_confirmed", now, start=appt.start)
        if appt.status is Status.BOOKED:  # the confirmation and its acknowledgement in one transaction
            repo.update_appointment(appt, appt.confirm(), messages=(ack,))
        else:  # already confirmed: acknowledge again
            repo.add_message(ack)
        return "confirm"
    cancel_appointment(repo, salon, catalog, appt, CancelledBy.CLIENT, now, base_url, by_reply=True, client=client)
    return "cancel"
