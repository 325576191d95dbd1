"""Chairtime's Chalice app: wiring only. Behaviour lives in chalicelib/ (see README's tour)."""
from chalice import Chalice

from chalicelib.api.errors import error_response, normalize_chalice_error
from chalicelib.api.openapi import docs
from chalicelib.api.pages import pages
from chalicelib.api.public import public

app = Chalice(app_name="chairtime")
app.register_blueprint(public)
app.register_blueprint(docs)
app.register_blueprint(pages)


@app.middleware("http")
def uniform_errors(event, get_response):
    """Every answer an API client sees has the {"error": {"code", "message"}} shape."""
    try:
        return normalize_chalice_error(get_response(event))
    except Exception:  # noqa: BLE001 - the last line of defence: log it, answer in shape
        app.log.exception("unhandled error")
        return error_response(500, "internal_error", "Something went wrong on our side. Please try again.")
