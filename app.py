"""Chairtime's Chalice app: wiring only. Behaviour lives in chalicelib/ (see README's tour)."""
from chalice import Chalice, Rate

from chalicelib.api.errors import error_response, normalize_chalice_error
from chalicelib.api.openapi import docs
from chalicelib.api.owner_agenda import owner_agenda
from chalicelib.api.owner_auth import owner_auth
from chalicelib.api.owner_clients import owner_clients
from chalicelib.api.owner_settings import owner_settings
from chalicelib.api.pages import pages
from chalicelib.api.public import public

app = Chalice(app_name="chairtime")
app.register_blueprint(public)
app.register_blueprint(docs)
app.register_blueprint(pages)
app.register_blueprint(owner_auth)
app.register_blueprint(owner_agenda)
app.register_blueprint(owner_clients)
app.register_blueprint(owner_settings)


@app.schedule(Rate(5, unit=Rate.MINUTES))
def dispatch_outbox(event):
    """Send what the outbox has due, inside each salon's sending window."""
    from chalicelib import wiring
    from chalicelib.jobs import run

    return run.dispatch_outbox(wiring.now())


@app.schedule(Rate(15, unit=Rate.MINUTES))
def sweep_appointments(event):
    """Day-before reminders and, after closing, the no-show check."""
    from chalicelib import wiring
    from chalicelib.jobs import run

    return run.sweep_appointments(wiring.now())


@app.schedule(Rate(5, unit=Rate.MINUTES))
def sweep_waitlist_offers(event):
    """Release unclaimed waitlist holds and offer the slot to the next client."""
    from chalicelib import wiring
    from chalicelib.jobs import run

    return run.sweep_offers(wiring.now())


@app.on_sns_message(topic="chairtime-inbound-sms")
def inbound_sms(event):
    """Replies to our SMS (two-way SMS of AWS End User Messaging, published to SNS)."""
    from chalicelib import wiring
    from chalicelib.jobs import run

    return run.inbound_sms(event.message, wiring.now())


@app.middleware("all")
def observe(event, get_response):
    """Every invocation: a correlation id and the salon on each log line, metrics flushed."""
    from chalicelib import observability

    context = getattr(event, "context", None)
    request_id = (context.get("requestId") if isinstance(context, dict)
                  else getattr(context, "aws_request_id", None))
    params = getattr(event, "uri_params", None) or {}
    observability.begin(request_id, params.get("salon_id"))
    try:
        return get_response(event)
    finally:
        observability.flush()


@app.middleware("http")
def uniform_errors(event, get_response):
    """Every answer an API client sees has the {"error": {"code", "message"}} shape."""
    try:
        return normalize_chalice_error(get_response(event))
    except Exception:  # noqa: BLE001 - the last line of defence: log it, answer in shape
        app.log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side. Please try again.")
