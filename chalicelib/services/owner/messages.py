"""What the salon sent and received, and its waitlist (roles.MESSAGES, roles.WAITLIST).

Outbox bodies carry no token (a link's token is made when the text leaves; see dispatch.py), but
the links still say where they lead: only the owner and the front desk see them; anyone else gets
the body with the links blanked.
"""
import re
from datetime import date, datetime

from ...auth import roles
from ...domain.catalog import Catalog
from ...domain.client import Client, normalize_phone
from ...domain.clock import local_today
from ...domain.errors import DomainError, InvalidPhone, InvalidRequest, NotFound
from ...domain.outbox import MessageStatus, OutboxMessage
from ...domain.salon import Salon
from ...domain.text import N_
from ...domain.values import frozen
from ...storage.settings_store import WaitlistListing
from .. import waitlist
from ..salons import load_salon
from .settings_fields import FieldErrors, Form

STATUSES = tuple(s.value for s in MessageStatus)
OUTBOX_READ = 200  # the newest messages read for one page; a status filter picks among them
LOOKBACK_DAYS = 366  # an entry spans at most the horizon (≤ 365 days): older ones cannot cover the day
_LINK = re.compile(r"https?://\S+")
LINK_ROLES = frozenset({roles.OWNER, roles.FRONT_DESK})


def may_see_links(me) -> bool:
    return me.role in LINK_ROLES


def shown_body(body: str, me) -> str:
    return body if may_see_links(me) else _LINK.sub("[private link]", body)


def outbox(repo, me, status: str | None) -> tuple[Salon, list[OutboxMessage]]:
    """The newest outbox messages, newest first, optionally of one status."""
    if status and status not in STATUSES:
        raise InvalidRequest(N_("status: use one of %(statuses)s.", statuses=", ".join(STATUSES)))
    salon, _ = load_salon(repo, me.salon_id)
    found = repo.messages_of_salon(me.salon_id, limit=OUTBOX_READ)
    return salon, [m for m in found if not status or m.status.value == status]


def inbox(repo, me) -> tuple[Salon, list[dict]]:
    salon, _ = load_salon(repo, me.salon_id)
    return salon, repo.inbox_of_salon(me.salon_id)


# --- the waitlist ---------------------------------------------------------------------------------

@frozen
class WaitlistDay:
    salon: Salon
    catalog: Catalog
    day: date
    entries: list[WaitlistListing]
    clients: dict[str, Client]


def waitlist_day(repo, me, day: date | None, now: datetime) -> WaitlistDay:
    """Entries of every status whose days include `day` (default: today in the salon)."""
    salon, catalog = load_salon(repo, me.salon_id)
    day = day or local_today(now, salon.tz)
    entries = repo.waitlist_covering(me.salon_id, day, LOOKBACK_DAYS)
    return WaitlistDay(salon, catalog, day, entries, repo.clients_by_id(me.salon_id, [e.client_id for e in entries]))


_FIELD_OF = {"service_not_found": "service_id", "staff_not_found": "staff_id", "invalid_phone": "phone",
             "booking_restricted": "phone"}


def add_to_waitlist(repo, accounts, me, values: dict[str, str], now: datetime):
    """Put a client (found or created by phone) on the waitlist. Raises FieldErrors."""
    form = Form(values)
    phone, name = form.text("phone", 32, code=InvalidPhone.code), form.text("name", required=False)
    service_id, staff_id = form.text("service_id", 64), form.raw("staff_id") or None
    first, last = _day(form, "date_from"), _day(form, "date_to")
    salon, _ = load_salon(repo, me.salon_id)
    if phone and not name and "phone" not in form.errors:
        try:
            if repo.client_id_for_phone(salon.id, normalize_phone(phone, salon.country)) is None:
                form.fail("name", N_("This phone is new to the salon: give the client's name."))
        except DomainError as error:
            form.fail("phone", error.message, error.code)
    form.done()
    try:
        entry = waitlist.join(repo, waitlist.WaitlistRequest(
            salon_id=me.salon_id, service_id=service_id, first_day=first, last_day=last, name=name, phone=phone,
            staff_id=staff_id), now, by_salon=True)
    except DomainError as error:
        raise FieldErrors({_FIELD_OF.get(error.code, "date_to"): error.message},
                          error.code if isinstance(error, InvalidPhone) else None) from None
    accounts.record_audit(me.salon_id, me.user_id, "waitlist_added", f"waitlist:{entry.id}",
                          {"client_id": entry.client_id, "service_id": entry.service_id, "staff_id": entry.staff_id,
                           "days": f"{entry.first_day} → {entry.last_day}"}, now)
    return entry


def remove_from_waitlist(repo, accounts, me, first_day: date, entry_id: str, now: datetime) -> None:
    if not repo.remove_waitlist_entry(me.salon_id, first_day, entry_id):
        raise NotFound(N_("There is no such waitlist entry."), "waitlist_entry_not_found")
    accounts.record_audit(me.salon_id, me.user_id, "waitlist_removed", f"waitlist:{entry_id}",
                          {"first_day": first_day.isoformat()}, now)


def _day(form: Form, name: str) -> date | None:
    days = form.dates(name, most=1)
    if not days and name not in form.errors:
        form.fail(name, N_("Enter a date like 2026-03-31."))
    return days[0] if days else None
