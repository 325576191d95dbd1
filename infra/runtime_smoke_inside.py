"""Runs inside the Python 3.13 root that infra/runtime_smoke.py prepares, on the unzipped
deployment package (/var/task) and boto3 (/var/runtime) only, as a Lambda would: each handler is
called with the event Lambda would pass. Prints one JSON line: what each step answered.

Nothing from the repository outside the package is importable here, so this file uses the
package's own code (chalicelib) and the standard library alone.
"""
import json
import os
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode

NOW = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # a Monday, 17:00 in Rome: inside the sending window
# 18:05 in Rome that evening: past the salon's reminder time (18:00) for Tuesday's appointments.
REMINDER_SWEEP = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)
SALON = "smoke-salon"
PHONE = "+39 347 123 4567"
OWNER, PASSWORD = "owner@smoke.example", "a long smoke-test password"


def stripe_webhook_parses() -> str:
    """The vendored Stripe SDK (shipped as bytecode, without its typing packages) verifies and
    parses a signed v1 event as the payment webhook does."""
    import hashlib
    import hmac

    import stripe

    payload = json.dumps({"id": "evt_smoke", "object": "event", "type": "checkout.session.completed",
                          "data": {"object": {"id": "cs_smoke", "object": "checkout.session"}}})
    stamp = int(time.time())
    signature = hmac.new(b"whsec_smoke", f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    event = stripe.Webhook.construct_event(payload, f"t={stamp},v1={signature}", "whsec_smoke")
    return type(event.data.object).__name__


class Context:
    """The attributes of Lambda's context object that Chalice and Powertools read."""
    function_name = "chairtime-smoke"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:chairtime-smoke"
    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/chairtime-smoke"
    log_stream_name = "smoke"

    def __init__(self):
        self.aws_request_id = f"smoke-{time.monotonic_ns()}"

    @staticmethod
    def get_remaining_time_in_millis():
        return 30_000


def api_event(method, resource, path, params=None, query=None, body=None, headers=None):
    """API Gateway's REST proxy event, as Chalice's handler reads it."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    return {
        "resource": resource, "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query, "multiValueQueryStringParameters": {k: [v] for k, v in query.items()}
        if query else None,
        "pathParameters": params, "stageVariables": None, "isBase64Encoded": False, "body": body,
        "requestContext": {"resourcePath": resource, "httpMethod": method, "path": f"/api{path}", "stage": "api",
                           "requestId": f"req-{time.monotonic_ns()}", "identity": {"sourceIp": "203.0.113.9"}},
    }


def set_cookies(answer) -> list[str]:
    """name=value of every Set-Cookie of a Chalice answer (one in headers, several in multiValueHeaders)."""
    found = answer.get("multiValueHeaders", {}).get("Set-Cookie") or [answer.get("headers", {}).get("Set-Cookie")]
    return [c.split(";")[0] for c in found if c]


IMPORTS = {  # what the cold-start figures of `make bench` time, here on the package and Python 3.13
    "boto3": "import boto3",
    "app": "import app",
    "app + public API": "import app; app.areas.load('public')",
    "app + every area": "import app; from chalicelib.api.lazy import AREAS; app.areas.load(*(a[0] for a in AREAS))",
}


def import_seconds(statement: str) -> float:
    code = f"import time; t=time.perf_counter(); {statement}; print(time.perf_counter()-t)"
    samples = sorted(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                          check=True).stdout) for _ in range(5))
    return samples[2]


def seed():
    from chalicelib import auth, wiring
    from chalicelib.domain.catalog import Service, Staff
    from chalicelib.services.owner import settings as owner_settings

    repo = wiring.repository()
    owner_settings.new_salon(repo, SALON, {
        "name": "Studio Smoke", "phone": "+39 06 1234 5678", "timezone": "Europe/Rome", "country": "IT",
        "locale": "it", "currency": "EUR", "hours_tue": "09:00-13:00, 14:00-19:00"})
    repo.save_service(SALON, Service("haircut", "Taglio donna", 30, 0, Decimal("28.00")))
    repo.save_staff(SALON, Staff("giulia", "Giulia", ("haircut",)))
    auth.create_user(auth.accounts(), SALON, OWNER, PASSWORD, "owner", NOW)


def main() -> dict:
    seen = {"python": sys.version.split()[0]}
    seen["import_ms"] = {label: round(import_seconds(code) * 1000) for label, code in IMPORTS.items()}
    import app
    from chalicelib import wiring

    clock = [NOW]
    wiring.set_clock(lambda: clock[0])
    seed()
    handler = app.app

    def call(method, resource, path, **kwargs):
        answer = handler(api_event(method, resource, path, **kwargs), Context())
        shown = resource if "{token}" in resource else path  # secret tokens stay out of the report
        seen.setdefault("calls", []).append([method, shown, answer["statusCode"]])
        return answer

    answer = call("GET", "/v1/salons/{salon_id}/availability", f"/v1/salons/{SALON}/availability",
                  params={"salon_id": SALON}, query={"service_id": "haircut", "date_from": "2026-12-01",
                                                     "date_to": "2026-12-01"})
    slots = json.loads(answer["body"])["slots"]
    seen["slots"] = len(slots)
    answer = call("POST", "/v1/salons/{salon_id}/bookings", f"/v1/salons/{SALON}/bookings",
                  params={"salon_id": SALON}, headers={"Content-Type": "application/json", "Idempotency-Key": "k1"},
                  body=json.dumps({"service_id": "haircut", "start": slots[0]["start"],
                                   "client": {"name": "Anna Smoke", "phone": PHONE}}))
    booked = json.loads(answer["body"])
    token = booked["manage_token"]
    seen["booking_status"] = booked["booking"]["status"]
    call("POST", "/v1/salons/{salon_id}/bookings", f"/v1/salons/{SALON}/bookings", params={"salon_id": SALON},
         headers={"Content-Type": "application/json"}, body="{not json")
    call("GET", "/v1/salons/{salon_id}", "/v1/salons/nobody-here", params={"salon_id": "nobody-here"})
    page = call("GET", "/book/{salon_id}", f"/book/{SALON}", params={"salon_id": SALON})
    seen["booking_page_italian"] = "Taglio donna" in page["body"] and 'lang="it"' in page["body"]
    call("GET", "/manage/{token}", f"/manage/{token}", params={"token": token})
    ics = call("GET", "/manage/{token}/calendar.ics", f"/manage/{token}/calendar.ics", params={"token": token})
    seen["calendar_file"] = ics["body"].startswith("BEGIN:VCALENDAR") and "Studio Smoke" in ics["body"]
    seen["stripe_webhook"] = stripe_webhook_parses()

    login_page = call("GET", "/owner/login", "/owner/login")
    cookies = set_cookies(login_page)
    csrf = login_page["body"].split('name="csrf" value="', 1)[1].split('"', 1)[0]
    signed = call("POST", "/owner/login", "/owner/login", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": "; ".join(cookies)},
        body=urlencode({"email": OWNER, "password": PASSWORD, "csrf": csrf, "next": "/owner/agenda"}))
    session = [c for c in set_cookies(signed) if not c.endswith("=")]
    agenda = call("GET", "/owner/agenda", "/owner/agenda", query={"day": "2026-12-01"},
                  headers={"Cookie": "; ".join(session)})
    seen["agenda_shows_client"] = "Anna Smoke" in agenda["body"]

    scheduled = {"version": "0", "id": "smoke", "detail-type": "Scheduled Event", "source": "aws.events",
                 "account": "123456789012", "time": NOW.isoformat(), "region": "eu-west-1", "resources": [],
                 "detail": {}}
    seen["dispatch"] = app.dispatch_outbox(scheduled, Context())
    # A "1" answers the reminder's question (replies are routed by the message they answer), so
    # the evening's sweep queues the reminder and the dispatcher sends it first.
    clock[0] = REMINDER_SWEEP
    swept = dict(scheduled, time=REMINDER_SWEEP.isoformat())
    app.sweep_appointments(swept, Context())
    seen["dispatch_reminder"] = app.dispatch_outbox(swept, Context())
    reply = {"originationNumber": "+393471234567", "messageBody": "1"}
    sns = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(reply), "Subject": None,
                                                          "MessageAttributes": {}, "MessageId": "m1",
                                                          "TopicArn": "arn:aws:sns:eu-west-1:1:t"}}]}
    seen["inbound"] = app.inbound_sms(sns, Context())
    view = call("GET", "/v1/bookings/{token}", f"/v1/bookings/{token}", params={"token": token})
    seen["after_reply"] = json.loads(view["body"])["booking"]["status"]
    seen["dispatch_after_reply"] = app.dispatch_outbox(swept, Context())
    seen["areas_loaded"] = sorted(app.areas.loaded)
    # Lambda cannot write bytecode into /var/task: what the package ships is all there is.
    seen["imported_from_source"] = sorted(
        name for name, module in list(sys.modules.items())
        if str(getattr(module, "__file__", None) or "").startswith("/var/task/")
        and module.__file__.endswith(".py")  # not a compiled extension
        and not os.path.exists(getattr(module, "__cached__", None) or ""))
    return seen


if __name__ == "__main__":
    try:
        result = main()
    except Exception:  # noqa: BLE001 - report it to the driver, which fails with it
        result = {"error": traceback.format_exc()}
    print(json.dumps(result, default=str))
