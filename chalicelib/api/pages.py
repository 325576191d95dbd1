"""Public booking pages (HTML). Every step is a GET with query parameters, so the flow works
without JavaScript and Back works; forms post urlencoded and answer 303 (web/render.py).
Routes parse, call one service and render; the pieces live in chalicelib/web/."""
import logging
import secrets

from chalice import Blueprint, Response

from ..domain.appointment import Status
from ..domain.clock import local_today
from ..domain.errors import DomainError, IllegalTransition, InvalidRequest, NotFound
from ..services import availability, booking, deposits, manage, rate_limit, salons, waitlist_offers
from ..web import forms, picker
from ..web.context import Ctx, error_page, status_of, with_retry_after
from ..web.render import redirect
from ..web.views import booking_view
from ..wiring import now
from ..wiring import payments as payment_provider
from ..wiring import public_repository as repository
from .http import source_address

pages = Blueprint(__name__)
log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"


def _html(view):
    """Domain errors become a page in the visitor's language; anything else a calm 500 page."""
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            return error_page(Ctx(pages.current_request), error)
        except Exception:  # noqa: BLE001 - a person is reading: answer in HTML, keep the details in the log
            log.exception("page failed")
            return error_page(Ctx(pages.current_request), None)
    wrapper.__name__ = view.__name__
    return wrapper


def _ctx(salon=None) -> Ctx:
    return Ctx(pages.current_request, salon)


def _guard() -> rate_limit.RateGuard:
    """The same rate limits as the JSON API's writes (per address, phone or link, salon)."""
    return rate_limit.RateGuard(repository(), source_address(pages.current_request), now())


def _query() -> dict[str, str]:
    return forms.query(pages.current_request)



def picker_for(ctx: Ctx, catalog, service, choice: str, q: dict, link, moving: str | None = None) -> picker.Picker:
    """Days and free times of one window; `link(**params)` builds this page's URL with more params.
    `moving`: the appointment being rescheduled, whose own time is offered too."""
    instant, day = now(), forms.parse_day(q.get("day"))
    win = picker.window(local_today(instant, ctx.salon.tz), ctx.salon.horizon_days,
                        forms.parse_day(q.get("from")), day)
    slots = availability.slots_for(repository(), ctx.salon, catalog, service, win.first, win.last, instant,
                                   None if choice == "any" else choice, moving)
    return picker.build(
        win, slots, day, ctx.fmt,
        day_url=lambda d: link(**{"from": win.first.isoformat()}, day=d.isoformat()),
        slot_url=lambda s: link(start=ctx.fmt.local(s.start).isoformat(), slot_staff=s.staff_id),
        window_url=lambda d: link(**{"from": d.isoformat()}))


def performer(catalog, service, staff_id: str | None):
    staff = catalog.staff_member(staff_id) if staff_id else None
    return staff if staff and staff.performs(service.id) else None


# What search engines may read: the booking pages, never a personal link, the owner side or the API.
ROBOTS_TXT = """User-agent: *
Allow: /book/
Disallow: /owner
Disallow: /manage/
Disallow: /m/
Disallow: /claim/
Disallow: /v1/
"""


@pages.route("/robots.txt", methods=["GET"])
def robots_txt():
    return Response(body=ROBOTS_TXT, status_code=200,
                    headers={"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "max-age=86400",
                             "X-Content-Type-Options": "nosniff"})


# --- booking --------------------------------------------------------------------------------------

@pages.route("/book/{salon_id}", methods=["GET"])
@_html
def book_page(salon_id):
    q = _query()
    salon, catalog = salons.load_salon(repository(), salons.checked_salon_id(salon_id))
    ctx = _ctx(salon)
    try:
        if not q.get("service"):
            return ctx.page("services.html", services=[s for s in catalog.services if s.active])
        service = salons.require_service(catalog, q["service"])
        choice = forms.staff_choice(q.get("staff"))
        if choice is None:
            return ctx.page("staff.html", service=service, staff=catalog.staff_for(service.id))
        if choice != "any":
            salons.require_staff_for(catalog, choice, service)
        if "start" in q:
            form = forms.BookingForm(service=service.id, start=q["start"], pick=choice,
                                     staff=q.get("slot_staff") or ("" if choice == "any" else choice),
                                     key=secrets.token_urlsafe(16))
            return _booking_form(ctx, catalog, service, form)
        chooser = picker_for(ctx, catalog, service, choice, q,
                           lambda **p: ctx.book_url(service=service.id, staff=choice, **p))
        return ctx.page("slots.html", service=service, staff=performer(catalog, service, choice), picker=chooser)
    except DomainError as error:
        return error_page(ctx, error)


def _booking_form(ctx: Ctx, catalog, service, form: forms.BookingForm, problem=None, status=200):
    start = form.start_at
    if start is None:
        form.errors.setdefault("start", "err_start")
        status = 400 if status == 200 else status
    else:
        form.start = ctx.fmt.local(start).isoformat()
    staff = performer(catalog, service, form.staff_id)
    form.staff = staff.id if staff else ""
    slots_url = ctx.book_url(service=service.id, staff=form.pick,
                             day=ctx.fmt.local(start).date().isoformat() if start else None)
    # A re-shown form holds what the client typed: keep it out of caches.
    return ctx.page("form.html", status, private=bool(form.name or form.phone), service=service, staff=staff,
                    start=start, form=form, problem=problem, slots_url=slots_url, limits=forms.MAX_LENGTHS,
                    deposit=deposits.deposit_asked(ctx.salon, service, by_salon=False))


@pages.route("/book/{salon_id}", methods=["POST"], content_types=[FORM])
@_html
def book_submit(salon_id):
    salons.checked_salon_id(salon_id)
    problem = None
    try:
        form = forms.booking_form(forms.fields(pages.current_request.raw_body))
    except InvalidRequest as error:  # not a form at all: answered below, in the salon's language
        form, problem = forms.BookingForm(), error
    if problem is None and not form.errors:
        try:
            booked = booking.book(repository(), booking.BookingRequest(
                salon_id=salon_id, service_id=form.service, start=form.start_at, name=form.name, phone=form.phone,
                staff_id=form.staff_id, email=form.email or None, notes=form.note, recall_consent=form.recall == "1",
                channel=form.channel or None, whatsapp_consent=form.whatsapp == "1",
                marketing_consent=form.marketing == "1",
            ), now(), form.idempotency_key, _ctx().base, payments=payment_provider(),
                guard=_guard())
            deposit = booked.appointment.deposit
            if deposit is not None and not deposit.paid and deposit.url:
                return redirect(deposit.url)  # the provider's hosted checkout; it comes back to the manage page
            return redirect(_ctx(booked.salon).manage_url(booked.manage_token, new="1"))
        except DomainError as error:
            problem = error
    # Only a form that needs fixing pays for reading the salon again.
    salon, catalog = salons.load_salon(repository(), salon_id)
    ctx = _ctx(salon)
    service = catalog.service(form.service)
    if service is None:
        return error_page(ctx, problem or NotFound("This salon does not offer that service.", "service_not_found"))
    if problem is not None and problem.code == "idempotency_key_reused":
        form.key = secrets.token_urlsafe(16)  # the key already booked other details: this is a new booking
    return with_retry_after(_booking_form(ctx, catalog, service, form, problem,
                                          status_of(problem) if problem else 400), problem)


# --- manage link ------------------------------------------------------------------------------------

def _manage_page(managed, token: str, status: int = 200, problem=None, **flags):
    ctx = _ctx(managed.salon)
    due = managed.appointment.due  # a booking made before its reminder time gets one: the page says so
    return ctx.page("manage.html", status, private=True, b=booking_view(managed, now()), token=token,
                    problem=problem, full_url=ctx.full_manage_url(token),
                    reminded=due is not None and due.kind == "reminder", **flags)


@pages.route("/m/{token}", methods=["GET"])
def short_link(token):
    """The short manage link used in SMS: every character of a text counts."""
    return redirect(_ctx().manage_url(token))


@pages.route("/claim/{token}", methods=["GET"])
@_html
def claim_page(token):
    """A waitlist offer: the held slot and one button to take it."""
    managed = manage.view(repository(), token, now())
    ctx = _ctx(managed.salon)
    appt = managed.appointment
    if appt.status is not Status.HELD:
        return redirect(ctx.manage_url(token))
    if appt.due is None or now() >= appt.due.at:
        raise IllegalTransition(ctx.t.gettext("This offer has ended. Someone else may have the slot now; you can join "
                                              "the waitlist again or call the salon."), "offer_expired")
    return ctx.page("claim.html", private=True, b=booking_view(managed, now()), token=token, until=appt.due.at)


@pages.route("/claim/{token}", methods=["POST"], content_types=[FORM])
@_html
def claim_submit(token):
    waitlist_offers.claim(repository(), token, now(), _ctx().base, guard=_guard())
    return redirect(_ctx().manage_url(token, done="claimed"))


@pages.route("/manage/{token}", methods=["GET"])
@_html
def manage_view(token):
    q = _query()
    managed = manage.view(repository(), token, now())
    return _manage_page(managed, token, new=q.get("new") == "1" or q.get("paid") == "1", done=q.get("done"),
                        paid=q.get("paid"))


@pages.route("/manage/{token}/cancel", methods=["GET"])
@_html
def cancel_confirm(token):
    managed = manage.view(repository(), token, now())
    view = booking_view(managed, now())
    ctx = _ctx(managed.salon)
    if not view.can_cancel:
        return redirect(ctx.manage_url(token))
    return ctx.page("cancel.html", private=True, b=view, token=token)


@pages.route("/manage/{token}/cancel", methods=["POST"], content_types=[FORM])
@_html
def cancel_submit(token):
    if forms.fields(pages.current_request.raw_body).get("confirm") != "1":
        return redirect(_ctx().manage_url(token, "/cancel"))  # only the confirmation page cancels
    try:
        manage.cancel(repository(), token, now(), _ctx().base, payments=payment_provider(), guard=_guard())
    except NotFound:
        raise
    except DomainError as error:  # already cancelled, started, changed meanwhile, too many tries: say so
        return with_retry_after(_manage_page(manage.view(repository(), token, now()), token, status_of(error), error),
                                error)
    return redirect(_ctx().manage_url(token, done="cancelled"))


@pages.route("/manage/{token}/reschedule", methods=["GET"])
@_html
def reschedule_page(token):
    q = _query()
    managed = manage.view(repository(), token, now())
    view, ctx = booking_view(managed, now()), _ctx(managed.salon)
    if not view.can_change or view.service is None:
        return redirect(ctx.manage_url(token))
    service, appt = view.service, managed.appointment
    # The same specialist unless the client asks otherwise (or they no longer do this service).
    choice = forms.staff_choice(q.get("staff")) or appt.staff_id
    if choice != "any" and performer(managed.catalog, service, choice) is None:
        choice = "any"
    if "start" in q:
        return _move_form(ctx, managed, token, choice, q.get("start", ""), q.get("slot_staff"))
    chooser = picker_for(ctx, managed.catalog, service, choice, q,
                       lambda **p: ctx.manage_url(token, "/reschedule", staff=choice, **p), moving=appt.id)
    options = [("any", ctx.t.gettext("Anyone"))] + [(s.id, s.name) for s in managed.catalog.staff_for(service.id)]
    return ctx.page("reschedule.html", private=True, b=view, token=token, picker=chooser, choice=choice,
                    options=[(ctx.manage_url(token, "/reschedule", staff=i), label, i == choice)
                             for i, label in options])


def _move_form(ctx: Ctx, managed, token: str, pick: str, start_text: str, staff_id: str | None,
               problem=None, status=200):
    view = booking_view(managed, now())
    start = forms.parse_start(start_text)
    if start is None and status == 200:
        status = 400
    staff = performer(managed.catalog, view.service, forms.ident(staff_id)) if view.service else None
    day = ctx.fmt.local(start).date().isoformat() if start else None
    return ctx.page("move.html", status, private=True, b=view, token=token, start=start, staff=staff, pick=pick,
                    problem=problem, back_url=ctx.manage_url(token, "/reschedule", staff=pick, day=day))


@pages.route("/manage/{token}/reschedule", methods=["POST"], content_types=[FORM])
@_html
def reschedule_submit(token):
    data = forms.fields(pages.current_request.raw_body)
    start, staff_id = forms.parse_start(data.get("start")), forms.ident(data.get("staff"))
    pick = forms.staff_choice(data.get("pick")) or "any"
    problem, status = None, 400
    if start is not None:
        try:
            manage.reschedule(repository(), token, start, now(), staff_id, _ctx().base, guard=_guard())
            return redirect(_ctx().manage_url(token, done="moved"))
        except NotFound:
            raise
        except DomainError as error:
            problem, status = error, status_of(error)
    managed = manage.view(repository(), token, now())
    return with_retry_after(_move_form(_ctx(managed.salon), managed, token, pick, data.get("start", ""), staff_id,
                                       problem, status), problem)
