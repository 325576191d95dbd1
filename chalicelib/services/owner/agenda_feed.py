"""Staff calendar feeds: a secret iCalendar URL per specialist, for the calendar app on their phone.

The URL's token is the only credential (calendar apps cannot sign in), so it is 256 random bits
and the table keeps only its SHA-256. The feed leaves the salon's systems: events carry the
service and the client's first name, never a phone number or a note.

A feed ends for good when its staff member is deactivated or reactivated (settings) or a staff
login of theirs is disabled (users): its items are deleted, so enabling them again revives no old
URL; the owner makes a new one, which an inactive staff member cannot get. A poll of a feed whose
staff member is inactive or gone is answered like an unknown link (404) whatever the items say.
"""
import re
import secrets
from datetime import datetime, timedelta

from ...domain.appointment import Status
from ...domain.errors import IllegalTransition, NotFound
from ...domain.ids import token_hash
from ...domain.text import N_
from ..salons import load_salon

PAST = timedelta(days=7)
AHEAD = timedelta(days=60)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
_STATUS = {Status.CANCELLED: "CANCELLED", Status.HELD: "TENTATIVE"}
_UNKNOWN = "This calendar link is not valid; it may have been replaced by a new one."


def rotate(repo, audit, salon_id: str, staff_id: str, actor_user_id: str, now: datetime) -> str:
    """A new feed token for the staff member; their previous URL stops working. The token is
    returned once, to be shown once; the audit log records who made it (never the token)."""
    _, catalog = load_salon(repo, salon_id)
    member = next((s for s in catalog.staff if s.id == staff_id), None)
    if member is None:
        raise NotFound(N_("This salon has no specialist '%(staff)s'.", staff=staff_id[:64]), "staff_not_found")
    if not member.active:
        raise IllegalTransition(N_("%(name)s is inactive: activate them in Settings, Staff first, then make "
                                   "a new link.", name=member.name), "staff_inactive")
    token = secrets.token_urlsafe(32)
    repo.replace_feed(salon_id, staff_id, token_hash(token), now)
    audit.record_audit(salon_id, actor_user_id, "feed_rotated", f"staff:{staff_id}", {}, now)
    return token


def end(repo, audit, salon_id: str, staff_id: str, actor_user_id: str, reason: str, now: datetime) -> bool:
    """The staff member's feed URL stops working for good (they were deactivated, or their login
    disabled): enabling them again does not revive it; the owner makes a new one. Audited when
    there was a feed to end."""
    if not repo.end_feed(salon_id, staff_id):
        return False
    audit.record_audit(salon_id, actor_user_id, "feed_ended", f"staff:{staff_id}", {"reason": reason}, now)
    return True


def feeds(repo, salon_id: str) -> dict[str, datetime]:
    """staff id -> since when their current feed URL exists (the URL itself is never kept)."""
    return repo.salon_feeds(salon_id)


def calendar(repo, token: str, now: datetime) -> str:
    """The feed behind `token` as iCalendar text: the past week and the next 60 days."""
    feed = repo.feed(token_hash(token)) if _TOKEN.match(token or "") else None
    if feed is None:
        raise NotFound(_UNKNOWN, "feed_not_found")
    salon, catalog = load_salon(repo, feed.salon_id)
    if catalog.staff_member(feed.staff_id) is None:  # gone or inactive: the link says no more than an unknown one
        raise NotFound(_UNKNOWN, "feed_not_found")
    first = now - PAST
    appts = [a for a in repo.appointments_overlapping(salon.id, first, now + AHEAD)
             if a.staff_id == feed.staff_id and a.start >= first]
    clients = repo.agenda_clients(salon.id, {a.client_id for a in appts})
    staff = next((s for s in catalog.staff if s.id == feed.staff_id), None)

    from icalendar import Calendar, Event  # ~70 ms of imports only calendar polls pay for

    cal = Calendar()
    cal.add("prodid", "-//Chairtime//Staff agenda//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{salon.name} · {staff.name if staff else feed.staff_id}")
    for appt in sorted(appts, key=lambda a: (a.start, a.id)):
        service = next((s for s in catalog.services if s.id == appt.service_id), None)
        client = clients.get(appt.client_id)
        first_name = (client.name.split() or [""])[0] if client else ""
        event = Event()
        event.add("uid", appt.id)
        event.add("dtstamp", now)
        event.add("dtstart", appt.start)
        event.add("dtend", appt.end)
        event.add("summary", " · ".join(p for p in ((service.name if service else appt.service_id), first_name) if p))
        event.add("status", _STATUS.get(appt.status, "CONFIRMED"))
        event.add("description", f"Status: {appt.status.value.replace('_', '-')}")
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")
