"""Chairtime's Chalice app: wiring only. Behaviour lives in chalicelib/ (see README's tour)."""
from chalice import Chalice, Rate

from chalicelib.api.declared_routes import DECLARED
from chalicelib.api.errors import error_response, normalize_chalice_error
from chalicelib.api.lazy import LazyAreas

app = Chalice(app_name="chairtime")
# Routes are declared now; each area (public API, pages, owner side...) loads on its first request,
# so the scheduled functions, which import this module too, never load a view (chalicelib/api/lazy.py).
areas = LazyAreas(app, DECLARED)


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


@app.on_sns_message(topic="chairtime-whatsapp-events")
def whatsapp_events(event):
    """WhatsApp messages from clients and delivery statuses (AWS End User Messaging Social)."""
    from chalicelib import wiring
    from chalicelib.jobs import run

    return run.whatsapp_events(event.message, wiring.now())


@app.on_sns_message(topic="chairtime-email-events")
def email_events(event):
    """SES bounces, complaints and deliveries (the configuration set's event destination)."""
    from chalicelib import wiring
    from chalicelib.jobs import run

    return run.email_events(event.message, wiring.now())


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
def transport_security(event, get_response):
    """Over https every answer, errors included (so this wraps the next one), carries HSTS."""
    from chalicelib.api.transport import with_transport_security

    return with_transport_security(event, get_response(event))


@app.middleware("http")
def uniform_errors(event, get_response):
    """Every answer an API client sees has the {"error": {"code", "message"}} shape."""
    try:
        return normalize_chalice_error(get_response(event))
    except Exception:  # noqa: BLE001 - the last line of defence: log it, answer in shape
        app.log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side. Please try again.")
