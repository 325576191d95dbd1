"""HTTP Strict Transport Security on every answer served over https.

API Gateway only speaks https and says so in `X-Forwarded-Proto`; `make run` serves plain http
and sets no such header. A browser that saw the header once refuses plain http for the host for a
year, so a booking or sign-in form is never sent in clear after a bad link or a hostile network.
No `includeSubDomains` and no preload: the host may be a salon's own domain (PUBLIC_BASE_URL) whose
other subdomains are none of this app's business. (Browsers ignore the header over plain http.)
"""
HEADER = "Strict-Transport-Security"
VALUE = "max-age=31536000"


def served_over_https(request) -> bool:
    if request is None:
        return False
    forwarded = (request.headers or {}).get("x-forwarded-proto", "")
    # A proxy chain lists one scheme per hop; the first is what the client used.
    return forwarded.split(",")[0].strip().lower() == "https"


def with_transport_security(request, response):
    """The response, with HSTS when the request came over https."""
    if served_over_https(request):
        response.headers = {**(response.headers or {}), HEADER: VALUE}
    return response
