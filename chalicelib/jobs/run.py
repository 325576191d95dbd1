"""What each EventBridge rule and the inbound-SMS topic run (wired in app.py). The local ticker
and `make sweep` call the same functions with their own `now`."""
import json
import logging
from datetime import datetime

from .. import wiring
from ..services import dispatch, inbound, sweeps

log = logging.getLogger(__name__)


def dispatch_outbox(now: datetime) -> dict:
    return dispatch.dispatch(wiring.repository(), wiring.current_sender(), now, wiring.sms_ceilings()).outcomes


def sweep_appointments(now: datetime) -> dict:
    report = sweeps.sweep_appointments(wiring.repository(), now, wiring.base_url())
    return {"read": report.read, **report.done, "errors": report.errors}


def sweep_offers(now: datetime) -> dict:
    report = sweeps.sweep_offers(wiring.repository(), now, wiring.base_url())
    return {"read": report.read, **report.done, "errors": report.errors}


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
    return inbound.handle_reply(wiring.repository(), phone, text, now, wiring.base_url()).action
