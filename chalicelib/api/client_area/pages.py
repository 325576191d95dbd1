"""The client's area, `/my/{salon}` (HTML): sign in with a one-time code, then history, cancel,
move, book again, waitlist, consents, download and delete requests, "add to calendar".

No JavaScript: every step is a GET with query parameters or a form posting back here (303 after
a change). Every state-changing form carries a CSRF token: bound to the session once signed in,
to a nonce cookie on the two sign-in forms. Salon and client always come from the session."""
import json
import logging
import secrets
from dataclasses import replace

from chalice import Blueprint, Response

from ...auth import signing_key
from ...domain.clock import local_today
from ...domain.errors import DomainError, InvalidPhone, InvalidRequest, NotFound, RateLimited
from ...services import manage, salons
from ...services.client_area import area as client_area
from ...services.client_area import channels as client_channels
from ...services.client_area import sign_in as client_sign_in
from ...services.client_area.calendar import appointment_ics
from ...services.rate_limit import RateGuard
from ...web import forms
from ...web.context import Ctx, error_page, status_of
from ...web.render import redirect
from ...wiring import current_sender, now, repository
from ..pages import performer, picker_for
from . import auth as client_auth

client_pages = Blueprint(__name__)
log = logging.getLogger(__name__)
FORM = "application/x-www-form-urlencoded"


class _Refused(Exception):
    """A response to give instead of the view's (not signed in, CSRF failed)."""

    def __init__(self, response):
        self.response = response


def _form_expired(ctx: Ctx) -> InvalidRequest:
    return InvalidRequest(ctx.t.gettext("This form has expired. Go back, reload the page and try again."),
                          "csrf_failed")


def _request():
    return client_pages.current_request


def _guard() -> RateGuard:
    """The area's writes meet the public rate limits (per address, phone and salon) like the public pages."""
    return RateGuard(repository(), client_auth.client_address(_request()), now())


def _html(view):
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except _Refused as refused:
            return refused.response
        except DomainError as error:
            return error_page(Ctx(_request()), error)
        except Exception:  # noqa: BLE001 - a person is reading: answer in HTML, keep the details in the log
            log.exception("client area page failed")
            return error_page(Ctx(_request()), None)
    wrapper.__name__ = view.__name__
    return wrapper


def _salon(salon_id: str):
    return salons.load_salon(repository(), salons.checked_salon_id(salon_id))


def _path(ctx: Ctx) -> str:
    return ctx.root + f"/my/{ctx.salon.id}"


def _signed_in(salon_id: str, ctx: Ctx | None = None):
    """The session, or a redirect to the sign-in page (raised). On POST the CSRF token too."""
    request = _request()
    session = client_auth.page_session(request, salon_id, now())
    if session is None:
        target = ctx.my_url() if ctx else f"{Ctx(request).root}/my/{salon_id}"
        raise _Refused(redirect(target))
    if request.method == "POST":
        if not client_auth.form_token_ok(session, _fields().get("csrf")):
            ctx = ctx or Ctx(request)
            raise _Refused(ctx.page("error.html", 403, True, error=_form_expired(ctx)))
    return session


def _fields() -> dict[str, str]:
    return forms.fields(_request().raw_body)


def _signed_in_at(salon_id: str):
    """A signed-in page's start: (salon, catalog, ctx, session), or the sign-in redirect (raised)."""
    salon, catalog = _salon(salon_id)
    ctx = Ctx(_request(), salon)
    return salon, catalog, ctx, _signed_in(salon.id, ctx)


def _page(ctx: Ctx, template: str, session, status: int = 200, **context):
    return ctx.page(template, status, private=True, csrf=client_auth.form_token(session) if session else "",
                    **context)


# --- signing in ------------------------------------------------------------------------------------

def _sign_in_page(ctx: Ctx, stage: str, status: int = 200, phone: str = "", problem=None, retry_after=None):
    request = _request()
    nonce = client_auth.read_cookie(request, client_auth.NONCE_COOKIE)
    fresh = nonce is None or len(nonce) > 64
    if fresh:
        nonce = secrets.token_urlsafe(24)
    response = ctx.page("my_sign_in.html", status, private=True, stage=stage, phone=phone, problem=problem,
                        csrf=client_auth.nonce_token(nonce))
    if fresh:
        response.headers["Set-Cookie"] = client_auth.set_cookie(
            request, client_auth.NONCE_COOKIE, nonce, _path(ctx), now() + client_auth.NONCE_TTL, now())
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _nonce_ok(data: dict) -> bool:
    return client_auth.nonce_token_ok(client_auth.read_cookie(_request(), client_auth.NONCE_COOKIE), data.get("csrf"))


@client_pages.route("/my/{salon_id}", methods=["GET"])
@_html
def my_home(salon_id):
    salon, _ = _salon(salon_id)
    ctx = Ctx(_request(), salon)
    session = client_auth.page_session(_request(), salon.id, now())
    if session is None:
        return _sign_in_page(ctx, "phone")
    q = forms.query(_request())
    before = forms.parse_start(q.get("before"))
    home = client_area.home(repository(), client_auth.store(), session, now(), before)
    return _page(ctx, "my_home.html", session, home=home, done=q.get("done"), now=now(), older=before is not None)


@client_pages.route("/my/{salon_id}/code", methods=["POST"], content_types=[FORM])
@_html
def my_send_code(salon_id):
    salon, _ = _salon(salon_id)
    ctx = Ctx(_request(), salon)
    data = _fields()
    phone = (data.get("phone") or "").strip()[:forms.MAX_LENGTHS["phone"]]
    if not _nonce_ok(data):
        return _sign_in_page(ctx, "phone", 403, phone, _form_expired(ctx))
    try:
        client_sign_in.request_code(repository(), client_auth.store(), current_sender(), signing_key(), salon,
                                    phone, client_auth.client_address(_request()), now())
    except InvalidPhone as error:
        return _sign_in_page(ctx, "phone", 400, phone, error)
    except RateLimited as error:  # the phone's own count (SignInLimited) or the public limits
        return _sign_in_page(ctx, "phone", 429, phone, error, error.retry_after)
    return _sign_in_page(ctx, "code", 200, phone)


@client_pages.route("/my/{salon_id}/verify", methods=["POST"], content_types=[FORM])
@_html
def my_verify(salon_id):
    salon, _ = _salon(salon_id)
    ctx, request = Ctx(_request(), salon), _request()
    data = _fields()
    phone = (data.get("phone") or "").strip()[:forms.MAX_LENGTHS["phone"]]
    if not _nonce_ok(data):
        return _sign_in_page(ctx, "code", 403, phone, _form_expired(ctx))
    try:
        token, session = client_sign_in.verify_code(repository(), client_auth.store(), signing_key(), salon, phone,
                                                    (data.get("code") or "")[:20],
                                                    client_auth.client_address(request), now())
    except client_sign_in.CodeRejected as error:
        return _sign_in_page(ctx, "code", 400, phone, error)
    except RateLimited as error:
        return _sign_in_page(ctx, "code", 429, phone, error, error.retry_after)
    response = redirect(ctx.my_url())
    response.headers["Set-Cookie"] = [
        client_auth.set_cookie(request, client_auth.SESSION_COOKIE, token, _path(ctx), session.expires, now()),
        client_auth.clear_cookie(request, client_auth.NONCE_COOKIE, _path(ctx)),
    ]
    return response


@client_pages.route("/my/{salon_id}/sign-out", methods=["POST"], content_types=[FORM])
@_html
def my_sign_out(salon_id):
    _, _, ctx, session = _signed_in_at(salon_id)
    client_sign_in.sign_out(client_auth.store(), session, everywhere=_fields().get("everywhere") == "1")
    response = redirect(ctx.my_url())
    response.headers["Set-Cookie"] = client_auth.clear_cookie(_request(), client_auth.SESSION_COOKIE, _path(ctx))
    return response


# --- one appointment -------------------------------------------------------------------------------

def _own(salon_id: str, appointment_id: str):
    _, _, ctx, session = _signed_in_at(salon_id)
    return ctx, session, client_area.own_appointment(repository(), session, appointment_id)


def _view(own):
    return manage.ManagedBooking(own.appointment, own.salon, own.catalog)


@client_pages.route("/my/{salon_id}/appointments/{appointment_id}/cancel", methods=["GET"])
@_html
def my_cancel_confirm(salon_id, appointment_id):
    from ...web.views import booking_view

    ctx, session, own = _own(salon_id, appointment_id)
    view = booking_view(_view(own), now())
    if not view.can_change:
        return redirect(ctx.my_url())
    return _page(ctx, "my_cancel.html", session, b=view)


@client_pages.route("/my/{salon_id}/appointments/{appointment_id}/cancel", methods=["POST"], content_types=[FORM])
@_html
def my_cancel(salon_id, appointment_id):
    _, _, ctx, session = _signed_in_at(salon_id)
    try:
        client_area.cancel(repository(), session, appointment_id, now(), ctx.base, guard=_guard())
    except NotFound:
        raise
    except DomainError as error:
        return error_page(ctx, error)
    return redirect(ctx.my_url(done="cancelled"))


@client_pages.route("/my/{salon_id}/appointments/{appointment_id}/move", methods=["GET"])
@_html
def my_move(salon_id, appointment_id):
    from ...web.views import booking_view

    ctx, session, own = _own(salon_id, appointment_id)
    view = booking_view(_view(own), now())
    if not view.can_change or view.service is None:
        return redirect(ctx.my_url())
    q = forms.query(_request())
    appt, base = own.appointment, f"/appointments/{appointment_id}/move"
    choice = forms.staff_choice(q.get("staff")) or appt.staff_id
    if choice != "any" and performer(own.catalog, view.service, choice) is None:
        choice = "any"
    if "start" in q:
        start = forms.parse_start(q.get("start"))
        staff = performer(own.catalog, view.service, forms.ident(q.get("slot_staff")))
        return _page(ctx, "my_move_confirm.html", session, 200 if start else 400, b=view, start=start, staff=staff,
                     action=ctx.my_url(base), back_url=ctx.my_url(base, staff=choice))
    chooser = picker_for(ctx, own.catalog, view.service, choice, q, lambda **p: ctx.my_url(base, staff=choice, **p),
                       moving=appt.id)
    return _page(ctx, "my_move.html", session, b=view, picker=chooser)


@client_pages.route("/my/{salon_id}/appointments/{appointment_id}/move", methods=["POST"], content_types=[FORM])
@_html
def my_move_submit(salon_id, appointment_id):
    _, _, ctx, session = _signed_in_at(salon_id)
    data = _fields()
    start = forms.parse_start(data.get("start"))
    if start is None:
        raise InvalidRequest(ctx.t.field_error("err_start"))
    client_area.move(repository(), session, appointment_id, start, forms.ident(data.get("staff")), now(), ctx.base,
                     guard=_guard())
    return redirect(ctx.my_url(done="moved"))


@client_pages.route("/my/{salon_id}/appointments/{appointment_id}/calendar.ics", methods=["GET"])
@_html
def my_calendar(salon_id, appointment_id):
    ctx, _, own = _own(salon_id, appointment_id)
    return _ics(appointment_ics(own.appointment, own.salon, own.catalog, ctx.base + ctx.my_url()[len(ctx.root):],
                                now()), own.appointment.id)


@client_pages.route("/manage/{token}/calendar.ics", methods=["GET"])
@_html
def manage_calendar(token):
    managed = manage.view(repository(), token, now())
    ctx = Ctx(_request(), managed.salon)
    return _ics(appointment_ics(managed.appointment, managed.salon, managed.catalog, ctx.full_manage_url(token),
                                now()), managed.appointment.id)


def _ics(text: str, appointment_id: str) -> Response:
    return Response(body=text, status_code=200, headers={
        "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
        "Content-Disposition": f'attachment; filename="appointment-{appointment_id}.ics"',
        "X-Content-Type-Options": "nosniff"})


# --- book again, waitlist ----------------------------------------------------------------------------

@client_pages.route("/my/{salon_id}/book", methods=["GET"])
@_html
def my_book(salon_id):
    _, catalog, ctx, session = _signed_in_at(salon_id)
    q = forms.query(_request())
    if not q.get("service"):
        return _page(ctx, "my_services.html", session, services=[s for s in catalog.services if s.active])
    service = salons.require_service(catalog, q["service"])
    choice = forms.staff_choice(q.get("staff")) or "any"
    if choice != "any" and performer(catalog, service, choice) is None:
        choice = "any"
    if "start" in q:
        start = forms.parse_start(q.get("start"))
        staff = performer(catalog, service, forms.ident(q.get("slot_staff")) or (None if choice == "any" else choice))
        who = client_area.short_name(client_area.client_file(repository(), session).name)
        return _page(ctx, "my_book_confirm.html", session, 200 if start else 400, service=service, start=start,
                     staff=staff, key=secrets.token_urlsafe(16), who=who,
                     back_url=ctx.my_url("/book", service=service.id, staff=choice))
    chooser = picker_for(ctx, catalog, service, choice, q,
                       lambda **p: ctx.my_url("/book", service=service.id, staff=choice, **p))
    options = [("any", ctx.t.gettext("Anyone"))] + [(s.id, s.name) for s in catalog.staff_for(service.id)]
    return _page(ctx, "my_book.html", session, service=service, picker=chooser,
                 options=[(ctx.my_url("/book", service=service.id, staff=i), label, i == choice)
                          for i, label in options])


@client_pages.route("/my/{salon_id}/book", methods=["POST"], content_types=[FORM])
@_html
def my_book_submit(salon_id):
    _, _, ctx, session = _signed_in_at(salon_id)
    data = _fields()
    start, service_id = forms.parse_start(data.get("start")), forms.ident(data.get("service"))
    if start is None or service_id is None:
        raise InvalidRequest(ctx.t.field_error("err_start"))
    key = forms.BookingForm(key=data.get("key") or "").idempotency_key  # a double tap replays, never books twice
    booked = client_area.book(repository(), session, service_id, forms.ident(data.get("staff")), start, now(), key,
                              ctx.base, (data.get("note") or "")[:forms.MAX_LENGTHS["note"]], guard=_guard())
    return redirect(ctx.manage_url(booked.manage_token, new="1"))


@client_pages.route("/my/{salon_id}/waitlist", methods=["GET"])
@_html
def my_waitlist(salon_id):
    _, catalog, ctx, session = _signed_in_at(salon_id)
    q = forms.query(_request())
    return _waitlist_page(ctx, session, catalog, done=q.get("done"), chosen=forms.ident(q.get("service")) or "")


def _waitlist_page(ctx: Ctx, session, catalog, status: int = 200, done=None, chosen: str = "", problem=None):
    return _page(ctx, "my_waitlist.html", session, status, services=[s for s in catalog.services if s.active],
                 staff=[s for s in catalog.staff if s.active], today=local_today(now(), ctx.salon.tz), done=done,
                 chosen=chosen, problem=problem)


@client_pages.route("/my/{salon_id}/waitlist", methods=["POST"], content_types=[FORM])
@_html
def my_waitlist_submit(salon_id):
    _, catalog, ctx, session = _signed_in_at(salon_id)
    data = _fields()
    first, last = forms.parse_day(data.get("from")), forms.parse_day(data.get("to"))
    staff_id = None if data.get("staff") in (None, "", "any") else forms.ident(data.get("staff"))
    try:
        first, last = client_area.parse_day_range(first, last)
        client_area.join_waitlist(repository(), session, forms.ident(data.get("service")) or "", staff_id, first,
                                  last, now(), guard=_guard())
    except DomainError as error:
        return _waitlist_page(ctx, session, catalog, status_of(error), chosen=data.get("service", ""), problem=error)
    return redirect(ctx.my_url("/waitlist", done="1"))


# --- how to be reached, my data ----------------------------------------------------------------------

@client_pages.route("/my/{salon_id}/settings", methods=["GET"])
@_html
def my_settings(salon_id):
    _, _, ctx, session = _signed_in_at(salon_id)
    client, prefs = client_area.preferences(repository(), client_auth.store(), session)
    return _page(ctx, "my_settings.html", session, client=client, prefs=prefs,
                 done=forms.query(_request()).get("done"), problem=None, choice=forms.reach_form(client))


@client_pages.route("/my/{salon_id}/settings", methods=["POST"], content_types=[FORM])
@_html
def my_settings_submit(salon_id):
    salon, _, ctx, session = _signed_in_at(salon_id)
    data = _fields()
    choice = forms.reach_form_from(data)
    client, prefs = client_area.preferences(repository(), client_auth.store(), session)
    problem = None
    if not choice.errors:
        try:  # the channel first: a refused choice writes nothing, consents included
            client_channels.set_reach(repository(), salon, client, client_channels.Reach(
                choice.channel or None, choice.email or None, choice.whatsapp == "1"))
        except InvalidRequest as error:
            problem = error
    if choice.errors or problem:  # shown again with what the client chose, nothing lost
        if prefs is not None:
            prefs = replace(prefs, recall_consent=data.get("recall") == "1",
                            marketing_consent=data.get("marketing") == "1")
        return _page(ctx, "my_settings.html", session, 400, client=client, prefs=prefs, done=None,
                     problem=problem, choice=choice)
    client_area.set_consents(repository(), client_auth.store(), session, data.get("recall") == "1",
                             data.get("marketing") == "1")
    return redirect(ctx.my_url("/settings", done="saved"))


@client_pages.route("/my/{salon_id}/delete-request", methods=["POST"], content_types=[FORM])
@_html
def my_delete_request(salon_id):
    from ...auth import accounts

    _, _, ctx, session = _signed_in_at(salon_id)
    try:
        client_area.request_erasure(repository(), client_auth.store(), accounts(), session, now())
    except DomainError as error:
        client, prefs = client_area.preferences(repository(), client_auth.store(), session)
        return _page(ctx, "my_settings.html", session, status_of(error), client=client, prefs=prefs, done=None,
                     problem=error, choice=forms.reach_form(client))
    return redirect(ctx.my_url("/settings", done="delete_requested"))


@client_pages.route("/my/{salon_id}/data.json", methods=["GET"])
@_html
def my_data(salon_id):
    salon, _, _, session = _signed_in_at(salon_id)
    document = client_area.my_data(repository(), client_auth.store(), session, now())
    return Response(body=json.dumps(document, ensure_ascii=False, indent=1), status_code=200, headers={
        "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store",
        "Content-Disposition": f'attachment; filename="my-data-{salon.id}.json"', "X-Content-Type-Options": "nosniff"})
