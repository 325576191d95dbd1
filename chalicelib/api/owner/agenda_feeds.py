"""Staff calendar feeds: the owner's page to create or replace a specialist's secret URL, and the
public feed itself (`GET /ical/{token}.ics`: no session, the token is the credential)."""
from chalice import Response

from ...auth import accounts, roles
from ...domain.errors import NotFound
from ...domain.staff_rights import FEED
from ...domain.text import N_
from ...services import salons
from ...services.owner import agenda_feed as feed_service
from ...web import forms
from ...wiring import now, repository
from ..errors import from_domain
from .agenda import FORM, guard, own_staff, owner_agenda, public_base, render, staff_may


@owner_agenda.route("/owner/agenda/feeds", methods=["GET"])
@guard.require(roles.AGENDA_OWN)
@staff_may(FEED)
def feeds_page():
    return _feeds_page()


@owner_agenda.route("/owner/agenda/feeds/{staff_id}/rotate", methods=["POST"], content_types=[FORM])
@guard.require(roles.AGENDA_OWN)
@staff_may(FEED)
def feed_rotate(staff_id):
    staff_id, me = forms.ident(staff_id) or "", guard.principal()
    if own_staff(staff_id) != staff_id:
        raise NotFound(N_("There is no such specialist in your agenda."), "staff_not_found")
    token = feed_service.rotate(repository(), accounts(), me.salon_id, staff_id, me.user_id, now())
    # Shown in this answer only, like a new password: a redirect would put the secret in a URL.
    return _feeds_page(new_for=staff_id, new_url=f"{public_base()}/ical/{token}.ics")


def _feeds_page(**shown):
    salon_id = guard.principal().salon_id
    salon, catalog = salons.load_salon(repository(), salon_id)
    since = feed_service.feeds(repository(), salon_id)
    staff = [(s, since.get(s.id)) for s in catalog.staff if (s.active or s.id in since) and own_staff(s.id) == s.id]
    return render("owner/agenda/feeds.html", salon, staff=staff, **shown)


@owner_agenda.route("/ical/{name}", methods=["GET"])
def staff_feed(name):
    token = name[:-4] if name.endswith(".ics") else ""
    try:
        body = feed_service.calendar(repository(), token, now())
    except NotFound as error:
        return from_domain(error)
    return Response(body=body, status_code=200, headers={
        "Content-Type": "text/calendar; charset=utf-8", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"})
