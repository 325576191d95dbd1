"""What each EventBridge rule and the inbound-SMS topic run (wired in app.py). The local ticker
and `make sweep` call the same functions with their own `now`."""
import json
import logging
from datetime import datetime

from .. import wiring
from ..services import channel_events, dispatch, inbound, sweeps

log = logging.getLogger(__name__)


def dispatch_outbox(now: datetime) -> dict:
    from ..services import broadcasts
    from ..storage.accounts import AccountsRepository

    repo = wiring.public_repository()  # binds the models the accounts repository reads too
    enqueued = broadcasts.enqueue_due(repo, now)  # broadcasts' messages first: their first minute is due now
    outcomes = dispatch.dispatch(repo, wiring.current_senders(), now, wiring.sms_ceilings(), wiring.base_url(),
                                 owners=AccountsRepository().users_of_salon).outcomes
    return {**outcomes, "broadcast_queued": enqueued["queued"]} if enqueued["broadcasts"] else outcomes


def sweep_appointments(now: datetime) -> dict:
    report = sweeps.sweep_appointments(wiring.public_repository(), now, wiring.base_url())
    return {"read": report.read, **report.done, "errors": report.errors}


def sweep_offers(now: datetime) -> dict:
    report = sweeps.sweep_offers(wiring.public_repository(), now, wiring.base_url(), wiring.payments())
    jobs = sweeps.sweep_payment_jobs(wiring.public_repository(), now, wiring.payments())
    return {"read": report.read, **report.done, "errors": report.errors, "payment_jobs": jobs}


def run_all(now: datetime) -> dict:
    """Every sweep once, in the order a day needs them: due work first, then the outbox."""
    return {"appointments": sweep_appointments(now), "offers": sweep_offers(now), "outbox": dispatch_outbox(now)}


def inbound_sms(message: str, now: datetime) -> str:
    """An inbound SMS as AWS End User Messaging publishes it to the two-way SNS topic:
    {"originationNumber": "+39...", "messageBody": "1", ...}."""
    try:
        event = json.loads(message)
        phone, text = event["originationNumber"], event.get("messageBody", "")
    except (ValueError, KeyError, TypeError):
        log.warning("inbound SMS event not understood")
        return "ignored"
    return inbound.handle_reply(wiring.public_repository(), phone, text, now, wiring.base_url()).action


def whatsapp_events(message: str, now: datetime) -> dict:
    """End User Messaging Social's event destination: clients' WhatsApp messages and statuses."""
    return channel_events.whatsapp_event(wiring.public_repository(), message, now, wiring.base_url())


def email_events(message: str, now: datetime) -> dict:
    """SES event publishing: bounces and complaints suppress the address; deliveries are recorded."""
    return channel_events.email_event(wiring.public_repository(), message, now)
