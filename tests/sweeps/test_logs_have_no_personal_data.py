"""Logs of a whole flow (booking, reminder, reply, an unknown sender) hold no phone number and no
client name, whatever logged them."""
import json
import logging
from datetime import timedelta

from chalicelib import observability, wiring
from tests.dynamo.helpers import post
from tests.sweeps.conftest import REMINDER_TIME, WEDNESDAY_10

NAME = "Zoe Quintavalle"
PHONE = "+39 347 123 9876"
DIGITS = ("3471239876", "347 123 9876", "+393471239876")


def test_a_full_flow_logs_no_phone_and_no_name(api, salon_id, repo, sender, capfd):
    log = observability.logger()
    log.setLevel("DEBUG")
    logging.getLogger("chalicelib").setLevel(logging.DEBUG)
    wiring.set_clock(lambda: WEDNESDAY_10 - timedelta(days=2))
    booked = post(api, f"/v1/salons/{salon_id}/bookings", {
        "service_id": "color", "start": WEDNESDAY_10.isoformat(), "staff_id": "giulia",
        "client": {"name": NAME, "phone": PHONE}})
    assert booked.status_code == 201
    from chalice.test import Client

    from app import app

    wiring.set_clock(lambda: REMINDER_TIME)
    with Client(app) as client:
        event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={},
                                                resources=[])
        client.lambda_.invoke("sweep_appointments", event)
        client.lambda_.invoke("dispatch_outbox", event)
        for sender_phone, text in (("+393471239876", "1"), ("+393479990001", "who is this?")):
            reply = json.dumps({"originationNumber": sender_phone, "messageBody": text})
            client.lambda_.invoke("inbound_sms", client.events.generate_sns_event(message=reply))
    logging.getLogger("chalicelib.test").warning("a library mentioned %s and 06 1234 5678", PHONE)
    out, err = capfd.readouterr()
    logs = out + err
    assert "chalicelib.test" in logs or "a library mentioned" in logs  # the lines were captured
    assert '"correlation_id"' in logs and '"_aws"' in logs  # JSON lines and EMF metrics
    for secret in (NAME, "Quintavalle", *DIGITS, "393479990001", "12345678"):
        assert secret not in logs, secret
    log.setLevel("INFO")
    logging.getLogger("chalicelib").setLevel(logging.INFO)
