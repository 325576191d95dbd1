"""Logs of a whole flow (booking, reminder, reply, an unknown sender) hold no phone number, no
e-mail address and no client name, whatever logged them: a library, an extra key, or the text and
traceback of an exception."""
import json
import logging
from datetime import timedelta

from chalicelib import observability, wiring
from tests.dynamo.helpers import post
from tests.sweeps.conftest import REMINDER_TIME, WEDNESDAY_10

NAME = "Zoe Quintavalle"
PHONE = "+39 347 123 9876"
DIGITS = ("3471239876", "347 123 9876", "+393471239876")
EMAIL = "zoe.quintavalle@example.it"
EMAIL_PARTS = ("zoe.quintavalle", "quintavalle@", "example.it", "zoe.quintavalle%40example.it")


def test_a_full_flow_logs_no_phone_and_no_name(api, salon_id, repo, sender, capfd):
    log = observability.logger()
    log.setLevel("DEBUG")
    logging.getLogger("chalicelib").setLevel(logging.DEBUG)
    wiring.set_clock(lambda: WEDNESDAY_10 - timedelta(days=2))
    booked = post(api, f"/v1/salons/{salon_id}/bookings", {
        "service_id": "color", "start": WEDNESDAY_10.isoformat(), "staff_id": "giulia",
        "client": {"name": NAME, "phone": PHONE, "email": EMAIL}})
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
    logging.getLogger("chalicelib.test").warning("a library mentioned %s and 06 1234 5678 and %s", PHONE, EMAIL)
    out, err = capfd.readouterr()
    logs = out + err
    assert "chalicelib.test" in logs or "a library mentioned" in logs  # the lines were captured
    assert '"correlation_id"' in logs and '"_aws"' in logs  # JSON lines and EMF metrics
    for secret in (NAME, "Quintavalle", *DIGITS, "393479990001", "12345678", *EMAIL_PARTS):
        assert secret not in logs, secret
    log.setLevel("INFO")
    logging.getLogger("chalicelib").setLevel(logging.INFO)


def test_exception_texts_extra_keys_and_tracebacks_are_masked(api, salon_id, capfd, monkeypatch):
    """An exception quoting what it could not handle (a phone, an e-mail) is logged with its text
    and traceback: by the app's last line of defence (a 500) and by library code's log.exception."""
    from chalicelib.services import salons

    def broken(*_args, **_kwargs):
        raise ValueError(f"cannot route {PHONE} / {EMAIL} (url zoe.quintavalle%40example.it)")

    monkeypatch.setattr(salons, "load_salon", broken)
    capfd.readouterr()
    answer = api.http.get(f"/v1/salons/{salon_id}")
    assert answer.status_code == 500
    try:
        broken()
    except ValueError:
        logging.getLogger("chalicelib.test").exception("while texting %s", PHONE, extra={"to": EMAIL})
    observability.logger().info({"phone": PHONE, "nested": [EMAIL]})
    out, err = capfd.readouterr()
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{") and '"level"' in line]
    assert [line for line in out.splitlines() if not line.startswith("{")] == []  # JSON lines only, no plain copy
    # Chalice logs a view's exception itself (then uniform_errors answers 500 in shape).
    unhandled = [line for line in lines if str(line["message"]).startswith("Caught exception for path")]
    assert unhandled and unhandled[0]["exception_name"] == "ValueError"
    assert "cannot route +********9876 / ***@***.it" in unhandled[0]["exception"]  # the text, masked
    library = next(line for line in lines if line["message"].startswith("while texting"))
    assert library["message"] == "while texting +********9876" and library["to"] == "***@***.it"
    assert "Traceback" in library["exception"] and library["stack_trace"]["type"] == "ValueError"
    as_dict = next(line for line in lines if isinstance(line["message"], dict))
    assert as_dict["message"] == {"phone": "+********9876", "nested": ["***@***.it"]}
    for secret in (*DIGITS, *EMAIL_PARTS):
        assert secret not in out + err, secret


def test_masking_keeps_what_is_not_personal():
    assert observability.mask_text("on 2026-03-24 at 10:00, 3 texts, id 01HZX8Q9RZ") == (
        "on 2026-03-24 at 10:00, 3 texts, id 01HZX8Q9RZ")
    assert observability.mask_text("ANNA.Rossi+salon@Mail.Example.COM wrote") == "***@***.COM wrote"
    line = json.loads(observability.serialize({"correlation_id": "12345678-1234-1234-1234-123456789012",
                                               "message": "call 333 123 4567", "count": 12345678}))
    assert line == {"correlation_id": "12345678-1234-1234-1234-123456789012", "message": "call ******4567",
                    "count": 12345678}
