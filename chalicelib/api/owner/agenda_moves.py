"""Moving an appointment and booking for a client on the phone (HTML): the public pages' slot
picker (web/picker.py), then a confirmation form. Both are the front desk's and the owner's."""
import secrets

from ...auth import roles
from ...auth.guard import owner_locale, translator
from ...domain.clock import iso_utc, local_today
from ...domain.errors import DomainError, InvalidRequest
from ...domain.staff_rights import BOOK, MOVE_CANCEL
from ...domain.text import N_
from ...services import availability, booking, salons
from ...services.owner import agenda as agenda_service
from ...web import forms, picker
from ...web.context import status_of
from ...web.owner.agenda import first_weekday, refusal
from ...web.render import redirect
from ...wiring import now, repository
from .agenda import (
    FORM,
    audited,
    guard,
    links,
    own_staff,
    owner_agenda,
    public_base,
    reader_formatter,
    render,
    staff_may,
)
from .agenda_pages import find_appointment, problem


def _chooser(salon, catalog, service, pick: str, q: dict, link, moving: str | None = None) -> picker.Picker:
    """Days and free times of one window; `link(**params)` is this page's URL with more params."""
    instant, day, fmt = now(), forms.parse_day(q.get("day")), reader_formatter(salon)
    week_start = first_weekday(owner_locale(guard.principal()), salon.country)
    win = picker.window(local_today(instant, salon.tz), salon.horizon_days, forms.parse_day(q.get("from")), day,
                        week_start)
    slots = availability.slots_for(repository(), salon, catalog, service, win.first, win.last, instant,
                                   None if pick == "any" else pick, moving)
    return picker.build(win, slots, day, fmt,
                        day_url=lambda d: link(**{"from": win.first.isoformat()}, day=d.isoformat()),
                        slot_url=lambda s: link(start=fmt.local(s.start).isoformat(), slot_staff=s.staff_id),
                        window_url=lambda d: link(**{"from": d.isoformat()}))


def _pick_options(catalog, service, pick: str, url) -> list[tuple[str, str, bool]]:
    options = [("any", translator().gettext("Anyone"))] + [(s.id, s.name) for s in catalog.staff_for(service.id)]
    return [(url(i), label, i == pick) for i, label in options]


# --- move ---------------------------------------------------------------------------------------------

@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/move", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
@staff_may(MOVE_CANCEL)
def move_page(start, appointment_id):
    q = forms.query(owner_agenda.current_request)
    found = find_appointment(start, appointment_id)
    salon, catalog, appt = found.salon, found.catalog, found.appointment
    service = salons.require_service(catalog, appt.service_id)
    pick = own_staff(forms.staff_choice(q.get("pick")) or appt.staff_id)
    if pick != "any" and not any(s.id == pick for s in catalog.staff_for(service.id)):
        pick = "any"
    to = links()

    def page_url(**params) -> str:
        return to.appointment(appt, "move", pick=pick, **params)

    if "start" in q:
        chosen = forms.parse_start(q.get("start"))
        if chosen is None:
            raise InvalidRequest(N_("Pick a time from the list."))
        staff = catalog.staff_member(forms.ident(q.get("slot_staff")) or "")
        return render("owner/agenda/move.html", salon, appt=appt, service=service, chosen=chosen, staff=staff,
                      back_url=page_url(day=chosen.astimezone(salon.tz).date().isoformat()))
    chooser = _chooser(salon, catalog, service, pick, q, page_url, moving=appt.id)
    return render("owner/agenda/move.html", salon, appt=appt, service=service, chooser=chooser,
                  options=_pick_options(catalog, service, pick, lambda i: to.appointment(appt, "move", pick=i)))


@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/move", methods=["POST"],
                    content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
@staff_may(MOVE_CANCEL)
def move_submit(start, appointment_id):
    data = forms.fields(owner_agenda.current_request.raw_body)
    found = find_appointment(start, appointment_id)
    salon, appt = found.salon, found.appointment
    target = forms.parse_start(data.get("start"))
    try:
        if target is None:
            raise InvalidRequest(N_("Pick a time from the list."))
        moved = agenda_service.move(repository(), salon, found.catalog, appt, target,
                                    own_staff(forms.ident(data.get("staff"))), now(), public_base())
    except DomainError as error:
        return problem(salon, error, links().appointment(appt, "move"))
    audited("moved", appt, to=iso_utc(moved.start), to_staff_id=moved.staff_id)
    return redirect(links().agenda(day=moved.start.astimezone(salon.tz).date(), done="move"))


# --- book for a client on the phone --------------------------------------------------------------------

@owner_agenda.route("/owner/agenda/book", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
@staff_may(BOOK)
def book_page():
    q = forms.query(owner_agenda.current_request)
    salon, catalog = salons.load_salon(repository(), guard.principal().salon_id)
    if not q.get("service"):
        return render("owner/agenda/book.html", salon, step="service", services=[s for s in catalog.services
                                                                                 if s.active])
    service = salons.require_service(catalog, q["service"])
    pick = own_staff(forms.staff_choice(q.get("pick")))
    if pick is None:
        return render("owner/agenda/book.html", salon, step="staff", service=service,
                      options=_pick_options(catalog, service, "", lambda i: links().book(service=service.id, pick=i)))
    if pick != "any":
        salons.require_staff_for(catalog, pick, service)
    if "start" in q:
        form = forms.BookingForm(service=service.id, start=q.get("start", ""), pick=pick,
                                 staff=q.get("slot_staff") or ("" if pick == "any" else pick),
                                 key=secrets.token_urlsafe(16))
        return _form(salon, catalog, service, form)
    chooser = _chooser(salon, catalog, service, pick, q, lambda **p: links().book(service=service.id, pick=pick, **p))
    return render("owner/agenda/book.html", salon, step="time", service=service, chooser=chooser,
                  staff=catalog.staff_member(pick) if pick != "any" else None)


@owner_agenda.route("/owner/agenda/book", methods=["POST"], content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
@staff_may(BOOK)
def book_submit():
    form = forms.booking_form(forms.fields(owner_agenda.current_request.raw_body))
    salon_id, problem_found = guard.principal().salon_id, None
    if not form.errors:
        try:
            booked = booking.book(repository(), booking.BookingRequest(
                salon_id=salon_id, service_id=form.service, start=form.start_at, name=form.name, phone=form.phone,
                staff_id=own_staff(form.staff_id), email=form.email or None, notes=form.note,
            ), now(), form.idempotency_key, public_base(), by_salon=True)
            if not booked.replayed:
                audited("booked", booked.appointment, by_phone=True)
            day = booked.appointment.start.astimezone(booked.salon.tz).date()
            return redirect(links().agenda(day=day, done="booked"))
        except DomainError as error:
            problem_found = error
    salon, catalog = salons.load_salon(repository(), salon_id)
    service = salons.require_service(catalog, form.service)
    if problem_found is not None and problem_found.code == "idempotency_key_reused":
        form.key = secrets.token_urlsafe(16)  # the key already booked other details: this is a new booking
    return _form(salon, catalog, service, form, problem_found, status_of(problem_found) if problem_found else 400)


def _form(salon, catalog, service, form: forms.BookingForm, problem_found=None, status: int = 200):
    start = form.start_at
    if start is None:
        raise InvalidRequest(N_("Pick a time from the list."))
    form.start = start.astimezone(salon.tz).isoformat()
    staff = catalog.staff_member(form.staff_id) if form.staff_id else None
    form.staff = staff.id if staff and staff.performs(service.id) else ""
    slots_url = links().book(service=service.id, pick=form.pick, day=start.astimezone(salon.tz).date().isoformat())
    return render("owner/agenda/book.html", salon, status, step="form", service=service, staff=staff, start=start,
                  form=form, problem=refusal(translator(), problem_found) if problem_found else None,
                  slots_url=slots_url, limits=forms.MAX_LENGTHS)
