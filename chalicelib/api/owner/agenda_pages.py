"""The agenda pages (HTML): the day or week, one appointment, and the actions on it. Actions are
POST forms with the session's CSRF token that answer 303 back to the agenda with a one-line
confirmation, or a page that says what went wrong and links back."""
from ...auth import roles
from ...auth.guard import owner_locale, translator
from ...domain.errors import DomainError
from ...domain.staff_rights import MOVE_CANCEL
from ...services.owner import agenda as agenda_service
from ...web import forms
from ...web.context import status_of
from ...web.owner.agenda import DONE, first_weekday, flash, parse_start_key, refusal, step
from ...web.render import redirect
from ...wiring import now, repository
from .agenda import FORM, audited, guard, links, owner_agenda, public_base, render, staff_may, viewer


def _request():
    return owner_agenda.current_request


@owner_agenda.route("/owner/agenda", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
def agenda_page():
    q = forms.query(_request())
    view = q.get("view") if q.get("view") in agenda_service.VIEWS else "day"
    who, tr, locale = viewer(), translator(), owner_locale(guard.principal())
    agenda = agenda_service.load_agenda(repository(), guard.principal().salon_id, who, forms.parse_day(q.get("day")),
                                        view, forms.ident(q.get("staff")), now(),
                                        first_weekday=lambda salon: first_weekday(locale, salon.country))
    day = forms.parse_day(q.get("day")) or agenda.today
    to = links()

    def here(**changes):
        values = {"day": day, "staff": agenda.staff_choice, "view": view, **changes}
        return to.agenda(**values)

    choices = [(agenda_service.ALL, tr.gettext("Everyone"))] + [(s.id, s.name) for s in agenda.catalog.staff
                                                                if s.active]
    return render("owner/agenda/agenda.html", agenda.salon, agenda=agenda, view=view, day=day, who=who,
                  done=flash(tr, DONE, q.get("done")), here=here,
                  previous_url=here(day=step(day, view, False)), next_url=here(day=step(day, view, True)),
                  today_url=here(day=agenda.today),
                  staff_chips=[(label, here(staff=i), i == agenda.staff_choice) for i, label in choices]
                  if who.all_staff else [],
                  view_chips=[(label, here(view=v), v == view) for v, label in (("day", tr.gettext("Day")),
                                                                                       ("week", tr.gettext("Week")))])


@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
def appointment_page(start, appointment_id):
    q = forms.query(_request())
    found = find_appointment(start, appointment_id)
    entry = agenda_service.entry(repository(), found, viewer(), now())
    return render("owner/agenda/appointment.html", found.salon, entry=entry, back=_back(q, found),
                  staff=q.get("staff") or "", view=q.get("view") or "")


# --- actions ----------------------------------------------------------------------------------------

@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/arrived", methods=["POST"],
                    content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
def arrived_submit(start, appointment_id):
    return _act(start, appointment_id, "arrived")


@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/completed", methods=["POST"],
                    content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
def completed_submit(start, appointment_id):
    return _act(start, appointment_id, "completed")


@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/no-show", methods=["POST"],
                    content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
def no_show_submit(start, appointment_id):
    return _act(start, appointment_id, "no_show")


@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/revert-no-show", methods=["POST"],
                    content_types=[FORM])
@guard.require(roles.AGENDA_ALL)
def revert_no_show_submit(start, appointment_id):
    return _act(start, appointment_id, "revert_no_show")


@owner_agenda.route("/owner/agenda/appointments/{start}/{appointment_id}/cancel", methods=["POST"],
                    content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
@staff_may(MOVE_CANCEL)
def cancel_submit(start, appointment_id):
    return _act(start, appointment_id, "cancel")


def _act(start: str, appointment_id: str, action: str):
    data = forms.fields(_request().raw_body)
    found = find_appointment(start, appointment_id)
    if action == "cancel" and data.get("confirm") != "1":
        # Only the appointment's page (which says the client gets a text) cancels.
        return redirect(links().appointment(found.appointment, staff=data.get("staff"), view=data.get("view")))
    try:
        agenda_service.act(repository(), found, action, now(), public_base())
    except DomainError as error:
        return problem(found.salon, error, _back(data, found))
    audited(action, found.appointment)
    return redirect(_back(data, found, done=action))


# --- shared with the other agenda pages --------------------------------------------------------------

def find_appointment(start: str, appointment_id: str) -> agenda_service.Found:
    return agenda_service.find(repository(), guard.principal().salon_id, viewer(), parse_start_key(start),
                               forms.ident(appointment_id))


def _back(params: dict, found: agenda_service.Found, **extra) -> str:
    """The agenda on the appointment's day, with the staff and view it was opened with."""
    view = params.get("view") if params.get("view") in agenda_service.VIEWS else None
    day = found.appointment.start.astimezone(found.salon.tz).date()
    return links().agenda(day=day, staff=forms.ident(params.get("staff")), view=view, **extra)


def problem(salon, error: DomainError, back_url: str):
    return render("owner/agenda/problem.html", salon, status_of(error), message=refusal(translator(), error),
                  back_url=back_url)
