"""The local payment provider's checkout page (`make run`, tests): what the provider's hosted
checkout is on AWS. "Pay" sends the provider's signed webhook through the very handler the real
webhook route uses, then returns to the manage page like the provider's redirect; "Fail" returns
unpaid. Only served when the local provider is the configured one."""
import logging

from chalice import Blueprint

from ..domain.errors import DomainError, IllegalTransition, NotFound
from ..payments.local import LocalProvider
from ..services import payments, salons
from ..web import forms
from ..web.context import Ctx, error_page
from ..web.render import redirect
from ..wiring import now, repository
from ..wiring import payments as payment_provider

pay_pages = Blueprint(__name__)
log = logging.getLogger(__name__)
FORM = "application/x-www-form-urlencoded"
MAX_TICKET = 4096


def _checkout(ticket: str):
    provider = payment_provider()
    if not isinstance(provider, LocalProvider) or len(ticket) > MAX_TICKET:
        raise NotFound("This payment link is not valid.", "checkout_not_found")
    try:
        checkout = provider.open_ticket(ticket)
    except DomainError:
        raise NotFound("This payment link is not valid.", "checkout_not_found") from None
    salon, _ = salons.load_salon(repository(), checkout.metadata.get("salon_id", ""))
    return provider, checkout, Ctx(pay_pages.current_request, salon)


def _page(view):
    def wrapper(ticket):
        try:
            return view(ticket)
        except DomainError as error:
            return error_page(Ctx(pay_pages.current_request), error)
    wrapper.__name__ = view.__name__
    return wrapper


@pay_pages.route("/pay/local/{ticket}", methods=["GET"])
@_page
def local_checkout(ticket):
    _, checkout, ctx = _checkout(ticket)
    expired = now() >= checkout.expires_at
    return ctx.page("pay_local.html", private=True, checkout=checkout, expired=expired, ticket=ticket)


@pay_pages.route("/pay/local/{ticket}", methods=["POST"], content_types=[FORM])
@_page
def local_checkout_submit(ticket):
    provider, checkout, ctx = _checkout(ticket)
    if forms.fields(pay_pages.current_request.raw_body).get("outcome") != "pay":
        return redirect(checkout.cancel_url)
    if now() >= checkout.expires_at:
        raise IllegalTransition(ctx.t.gettext("This payment page has expired."), "checkout_expired")
    raw, headers = provider.completed_event(checkout, now())
    outcome = payments.handle_webhook(repository(), provider, provider.name, raw, headers, now(), ctx.base)
    log.info("local checkout: %s", outcome)
    return redirect(checkout.success_url)
