"""HTML answers: one Jinja2 environment (autoescaped), built on first use to keep cold starts light."""
import re
from functools import lru_cache
from pathlib import Path

from chalice import Response

TEMPLATES = Path(__file__).parent / "templates"

# Inline CSS only and forms that post back here: nothing else may load or run. connect-src 'self'
# lets a crawler's audit (Lighthouse) read /robots.txt from the page; no script runs to use it. A
# booking form that asks a deposit answers with a redirect to the payment provider's hosted
# checkout, which form-action must allow (browsers apply it to the redirect after a post).
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self' https://checkout.stripe.com; base-uri 'none'; frame-ancestors 'none'")


def tel_uri(phone: str) -> str:
    """'+39 06 1234 5678' -> 'tel:+390612345678' (only digits and '+' survive)."""
    return "tel:" + re.sub(r"[^\d+]", "", phone or "")


@lru_cache(maxsize=1)
def environment():
    import jinja2

    # The i18n extension gives templates `{% trans %}` and `_()`; the gettext callables come with each
    # render (catalogs.jinja_context), in the extension's newstyle form.
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.newstyle_gettext = True
    env.filters["tel"] = tel_uri
    return env


def _headers(private: bool) -> dict[str, str]:
    return {
        # Manage pages carry a secret token in their URL: never cache them, never leak it as a referrer.
        "Cache-Control": "no-store" if private else "no-cache",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CSP,
    }


def page(template: str, texts, status: int = 200, private: bool = False, **context) -> Response:
    from .catalogs import domain_of_template, jinja_context

    gettext = jinja_context(texts.locale, domain_of_template(template))
    html = environment().get_template(template).render(t=texts, lang=texts.locale, private=private, **gettext,
                                                       **context)
    return Response(body=html, status_code=status,
                    headers={"Content-Type": "text/html; charset=utf-8", **_headers(private)})


def redirect(location: str) -> Response:
    """303: after a POST the browser GETs the result, so Reload and Back never post twice."""
    return Response(body="", status_code=303, headers={"Location": location, **_headers(private=True)})
