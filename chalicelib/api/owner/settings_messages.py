"""The outbox and the inbox (roles.MESSAGES) and the waitlist (roles.WAITLIST): owner and front desk."""
from datetime import date, datetime

from chalice import Response

from ...auth import accounts, roles
from ...auth.guard import owner_translator
from ...domain.clock import parse_iso_utc
from ...domain.errors import InvalidRequest, NotFound
from ...domain.outbox import MessageStatus, OutboxMessage
from ...domain.salon import Salon
from ...domain.text import N_
from ...services.owner import messages
from ...services.owner.settings_fields import FieldErrors, from_json
from ...web import forms
from ...web.owner.wording import Wording
from ...wiring import now, repository
from ..views import local_iso
from . import settings_http as http
from .settings import guard, owner_settings

bp = owner_settings
WAITLIST = "/owner/waitlist"
WAITLIST_FIELDS = ("phone", "name", "service_id", "staff_id", "date_from", "date_to")


def message_row(m: OutboxMessage, salon: Salon, me, say: Wording) -> dict:
    """What the page shows of one message, in the reader's language; `when` says the time that
    matters for its status."""
    tr = say.tr

    def local(instant: datetime | None) -> str:
        return say.moment(instant, salon.tz) if instant else ""

    when = {MessageStatus.PENDING: lambda: tr.gettext("Sends %(when)s", when=local(m.not_before)),
            MessageStatus.SENDING: lambda: tr.gettext("Sending since %(when)s", when=local(m.not_before)),
            MessageStatus.SENT: lambda: tr.gettext("Sent %(when)s", when=local(m.sent_at))}.get(m.status)
    return {"id": m.id, "kind": say.kind(m.kind), "phone": m.phone, "status": m.status.value,
            "status_label": say.status(m.status.value), "reason": say.reason(m.reason),
            "when": when() if when else tr.gettext("Queued %(when)s", when=local(m.created_at)),
            "attempts": m.attempts, "body": messages.shown_body(m.body, me), "channel": m.channel,
            "cost": f"{m.cost_usd:.4f}" if m.cost_usd is not None else "",
            "tries": [f"{channel}: {say.reason(outcome)}" for channel, outcome in m.attempt_log]}


def message_json(m: OutboxMessage, salon: Salon, me) -> dict:
    return {"id": m.id, "kind": m.kind, "phone": m.phone, "status": m.status.value, "reason": m.reason,
            "send_at": local_iso(m.not_before, salon), "sent_at": local_iso(m.sent_at, salon) if m.sent_at else None,
            "created_at": local_iso(m.created_at, salon), "attempts": m.attempts,
            "body": messages.shown_body(m.body, me), "channel": m.channel, "parts": m.parts,
            "cost_usd": str(m.cost_usd) if m.cost_usd is not None else None, "delivery_status": m.delivery_status,
            "attempt_log": [{"channel": channel, "outcome": outcome} for channel, outcome in m.attempt_log]}


def _status(request) -> str | None:
    return http.query_value(request, "status", 20)


def _day(request) -> date | None:
    raw = http.query_value(request, "day", 20)
    day = forms.parse_day(raw)
    if raw and day is None:
        raise InvalidRequest(N_("day: use a date like 2026-03-31."))
    return day


# --- HTML -----------------------------------------------------------------------------------------

@bp.route("/owner/messages", methods=["GET"])
@guard.require(roles.MESSAGES)
def messages_page():
    request, me = bp.current_request, guard.principal()
    status = _status(request)
    salon, found = messages.outbox(repository(), me, status)
    say = Wording(owner_translator(me))
    return http.page(request, "owner/messages/outbox.html", salon_name=salon.name, chosen=status,
                     statuses=messages.STATUSES, rows=[message_row(m, salon, me, say) for m in found],
                     waitlist=me.can(roles.WAITLIST))


@bp.route("/owner/messages/inbox", methods=["GET"])
@guard.require(roles.MESSAGES)
def inbox_page():
    me = guard.principal()
    salon, found = messages.inbox(repository(), me)
    say = Wording(owner_translator(me))
    rows = [{**m, "received": say.moment(parse_iso_utc(m["received_at"]), salon.tz)} for m in found]
    return http.page(bp.current_request, "owner/messages/inbox.html", salon_name=salon.name, rows=rows)


def _waitlist_page(day: date | None, values=None, errors=None, status: int = 200):
    request = bp.current_request
    listing = messages.waitlist_day(repository(), guard.principal(), day, now())
    return http.page(request, "owner/messages/waitlist.html", status, salon_name=listing.salon.name, listing=listing,
                     services={s.id: s for s in listing.catalog.services},
                     staff={s.id: s for s in listing.catalog.staff}, errors=errors or {},
                     values=values or {"date_from": listing.day.isoformat(), "date_to": listing.day.isoformat()})


@bp.route(WAITLIST, methods=["GET"])
@guard.require(roles.WAITLIST)
def waitlist_page():
    return _waitlist_page(_day(bp.current_request))


@bp.route(WAITLIST, methods=["POST"], content_types=[http.FORM])
@guard.require(roles.WAITLIST)
def waitlist_add():
    values = http.form_values(bp.current_request)
    try:
        entry = messages.add_to_waitlist(repository(), accounts(), guard.principal(), values, now())
    except FieldErrors as error:
        return _waitlist_page(forms.parse_day(values.get("date_from")), values, error.errors, 400)
    return http.done(bp.current_request, WAITLIST, "added", day=entry.first_day.isoformat())


def _entry_key(first_day: str, entry_id: str) -> tuple[date, str]:
    day = forms.parse_day(first_day)
    if day is None:
        raise NotFound(N_("There is no such waitlist entry."), "waitlist_entry_not_found")
    return day, http.ident(entry_id)


@bp.route(WAITLIST + "/{first_day}/{entry_id}/remove", methods=["POST"], content_types=[http.FORM])
@guard.require(roles.WAITLIST)
def waitlist_remove(first_day, entry_id):
    day, entry_id = _entry_key(first_day, entry_id)
    messages.remove_from_waitlist(repository(), accounts(), guard.principal(), day, entry_id, now())
    back = forms.parse_day(http.form_values(bp.current_request).get("day")) or day
    return http.done(bp.current_request, WAITLIST, "removed", day=back.isoformat())


# --- JSON -----------------------------------------------------------------------------------------

@bp.route("/v1/admin/messages", methods=["GET"])
@guard.require(roles.MESSAGES, api=True)
def admin_messages():
    me = guard.principal()
    salon, found = messages.outbox(repository(), me, _status(bp.current_request))
    return http.answer({"messages": [message_json(m, salon, me) for m in found]})


@bp.route("/v1/admin/inbox", methods=["GET"])
@guard.require(roles.MESSAGES, api=True)
def admin_inbox():
    _, found = messages.inbox(repository(), guard.principal())
    return http.answer({"messages": found})


@bp.route("/v1/admin/waitlist", methods=["GET"])
@guard.require(roles.WAITLIST, api=True)
def admin_waitlist():
    listing = messages.waitlist_day(repository(), guard.principal(), _day(bp.current_request), now())
    return http.answer({"day": listing.day.isoformat(), "entries": [{
        "id": e.id, "first_day": e.first_day.isoformat(), "last_day": e.last_day.isoformat(),
        "service_id": e.service_id, "staff_id": e.staff_id, "client_id": e.client_id,
        "client_name": listing.clients[e.client_id].name if e.client_id in listing.clients else None,
        "status": e.status, "offers": e.offers} for e in listing.entries]})


@bp.route("/v1/admin/waitlist", methods=["POST"])
@guard.require(roles.WAITLIST, api=True)
@http.json_fields
def admin_waitlist_add():
    values = from_json(http.json_in(bp.current_request), WAITLIST_FIELDS)
    entry = messages.add_to_waitlist(repository(), accounts(), guard.principal(), values, now())
    return http.answer({"waitlist_entry": {"id": entry.id, "first_day": entry.first_day.isoformat(),
                                           "last_day": entry.last_day.isoformat()}}, 201)


@bp.route("/v1/admin/waitlist/{first_day}/{entry_id}", methods=["DELETE"])
@guard.require(roles.WAITLIST, api=True)
def admin_waitlist_remove(first_day, entry_id):
    day, entry_id = _entry_key(first_day, entry_id)
    messages.remove_from_waitlist(repository(), accounts(), guard.principal(), day, entry_id, now())
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
