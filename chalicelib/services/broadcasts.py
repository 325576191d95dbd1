"""Broadcasts: preview a message to a segment, send it (write the broadcast once), enqueue it in
pages from the outbox job, and tell its progress.

Why a job and not the request: a broadcast to 10,000 clients is 10,000 outbox items. The owner's
request writes one item (the broadcast, on the due index); the outbox job (every 5 minutes, before
the dispatcher) reads the segment again and writes the messages 99 to a transaction, with the
broadcast's cursor moved in the same transaction (storage/broadcast_store.py). A run that dies
leaves the cursor where the last page ended; the next run goes on from there; two runs cannot
both write a page. Requests per message stay flat: a page of the segment's Query holds hundreds
of clients, a transaction 99 messages.
"""
import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from ..domain.broadcast import (
    MAX_DAYS,
    MAX_TEXT,
    NO_CHANNEL,
    NO_CONSENT,
    OPTED_OUT,
    Broadcast,
    Progress,
    Segment,
    SegmentKind,
    spread,
)
from ..domain.catalog import Catalog
from ..domain.channels import CHANNELS, SMS, route
from ..domain.client import Client
from ..domain.clock import days as day_range
from ..domain.errors import NotFound
from ..domain.outbox import OutboxMessage
from ..domain.salon import Salon
from ..domain.sending_window import next_send_time
from ..domain.text import N_, ngettext
from ..domain.values import frozen
from . import notify
from .dispatch import reachability
from .owner.settings_fields import Form
from .salons import load_salon

log = logging.getLogger(__name__)
KIND = "broadcast"  # an offer to a marketing segment: consent, an unsubscribe path, Meta's MARKETING
NOTICE_KIND = "notice"  # news for everyone booked on a date ("closed tomorrow"): about their appointment
PAGE = 99  # messages per transaction: with the broadcast item, DynamoDB's 100
ENQUEUE_PER_RUN = 20000  # clients looked at per broadcast per run: a run stays well inside its timeout


# --- what the owner asks ----------------------------------------------------------------------

def read_request(values: dict, catalog: Catalog, salon: Salon, now: datetime) -> tuple[str, Segment]:
    """The text and the segment from a form or a JSON body (strings); FieldErrors otherwise."""
    form = Form({k: v for k, v in values.items() if k != "text"})
    text = (values.get("text") or "").strip().replace("\r\n", "\n")
    if not text:
        form.fail("text", N_("Write the message."))
    elif len(text) > MAX_TEXT:
        form.fail("text", ngettext("Use at most %(num)s character.", "Use at most %(num)s characters.", MAX_TEXT))
    elif not all(c.isprintable() or c == "\n" for c in text):
        form.fail("text", N_("Use plain text."))
    kind = form.choice("segment", [k.value for k in SegmentKind])
    segment = None
    if kind == SegmentKind.MARKETING:
        segment = Segment(SegmentKind.MARKETING)
    elif kind == SegmentKind.SERVICE:
        service_id = form.choice("service_id", [s.id for s in catalog.services])
        within = form.integer("days", 1, MAX_DAYS, optional=True)
        segment = Segment(SegmentKind.SERVICE, service_id=service_id, days=within)
    elif kind == SegmentKind.LAPSED:
        segment = Segment(SegmentKind.LAPSED, days=form.integer("days", 1, MAX_DAYS))
    elif kind == SegmentKind.DATE:
        raw = form.raw("day")
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            day = None
        today = now.astimezone(salon.tz).date()
        if day is None:
            form.fail("day", N_("Use a date like 2026-03-31."))
        elif not today <= day <= today + timedelta(days=MAX_DAYS):
            form.fail("day", N_("Choose today or a later day."))
        segment = Segment(SegmentKind.DATE, day=day)
    form.done()
    return text, segment


# --- who it reaches ---------------------------------------------------------------------------

def audience(repo, salon: Salon, segment: Segment, now: datetime, after: str = "") -> list[tuple[Client, bool]]:
    """The segment's clients (with their marketing consent) whose id sorts after `after`, in id
    order. Marketing and lapsed: the salon's client files (one paged Query); service and date: the
    ids an appointment range names (one Query), then their files (BatchGetItem)."""
    if segment.kind in (SegmentKind.SERVICE, SegmentKind.DATE):
        if segment.kind is SegmentKind.DATE:
            first = datetime.combine(segment.day, time(0), salon.tz)
            last = datetime.combine(segment.day + timedelta(days=1), time(0), salon.tz)
            ids = repo.visiting_clients(salon.id, first, last)
        else:
            first, last = segment.window(now)
            ids = repo.visiting_clients(salon.id, first, last, segment.service_id)
        found = repo.audience_of(salon.id, [i for i in ids if i > after])
    else:
        recent = repo.visiting_clients(salon.id, *segment.window(now)) if segment.kind is SegmentKind.LAPSED else ()
        found = [(c, consent) for c, consent in repo.salon_audience(salon.id) if c.id > after and c.id not in recent]
    return sorted(((c, consent) for c, consent in found if c.erased_at is None), key=lambda pair: pair[0].id)


def channels_for(salon: Salon, client: Client) -> tuple[str, ...]:
    """The channels the dispatcher would try for `client` (its rules: dispatch._channels)."""
    ready = {"sms": True, "email": bool(salon.email_from), "whatsapp": bool(salon.whatsapp_phone_number_id)}
    enabled = tuple(c for c in salon.channels_enabled if ready.get(c))
    ranked = route(reachability(client), enabled, salon.channel_order)
    if not notify.country_allowed(salon, client.phone):
        ranked = tuple(c for c in ranked if c != SMS)
    return ranked


def skip_reason(salon: Salon, segment: Segment, client: Client, consent: bool) -> str | None:
    if segment.marketing and not consent:
        return NO_CONSENT
    if not channels_for(salon, client):
        return OPTED_OUT if client.sms_opt_out else NO_CHANNEL
    return None


def sms_body(salon: Salon, text: str, locale: str, marketing: bool) -> str:
    """The SMS: the salon's name, the owner's words, and for marketing how to stop them."""
    from ..messaging.templates import supported
    from ..web.catalogs import Translator

    body = f"{salon.name}: {text}"
    if marketing:
        body += "\n" + Translator(supported(locale), "messages").gettext("Reply STOP to stop these messages.")
    return body


# --- preview ----------------------------------------------------------------------------------

@frozen
class Preview:
    reach: dict[str, int]  # channel -> clients whose message would go there first
    cost_usd: dict[str, object]  # channel -> estimated USD (Decimal)
    skipped: dict[str, int]  # reason -> clients
    sms_parts: int  # parts of the SMS in the salon's language
    sms_text: str  # the SMS in the salon's language, as it leaves

    @property
    def total(self) -> int:
        return sum(self.reach.values())

    @property
    def total_cost_usd(self):
        return sum(self.cost_usd.values())


def preview(repo, salon: Salon, text: str, segment: Segment, now: datetime) -> Preview:
    """How many the message reaches on each channel (each client's first channel by the route) and
    what it would cost by the salon's price table; who is skipped and why."""
    from decimal import Decimal

    from ..messaging.segments import sms_segments

    reach = {c: 0 for c in CHANNELS}
    cost = {c: Decimal("0") for c in CHANNELS}
    skipped: dict[str, int] = {}
    parts_by_locale: dict[str, int] = {}
    table = salon.price_table
    for client, consent in audience(repo, salon, segment, now):
        reason = skip_reason(salon, segment, client, consent)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        channel = channels_for(salon, client)[0]
        locale = client.locale or salon.locale
        if locale not in parts_by_locale:
            parts_by_locale[locale] = sms_segments(sms_body(salon, text, locale, segment.marketing))[1]
        reach[channel] += 1
        cost[channel] += table.estimate(channel, notify.phone_country(client.phone) or salon.country,
                                        parts_by_locale[locale], marketing=segment.marketing)
    own_text = sms_body(salon, text, salon.locale, segment.marketing)
    return Preview(reach, cost, skipped, sms_segments(own_text)[1], own_text)


# --- send -------------------------------------------------------------------------------------

def send(repo, salon: Salon, user_id: str, broadcast_id: str, text: str, segment: Segment,
         now: datetime) -> tuple[Broadcast, bool]:
    """Write the broadcast once; the outbox job enqueues its messages. A second call with the same
    id (a double click, a retry) returns the first one and `False`; a different salon's id is
    not found."""
    broadcast = Broadcast(broadcast_id, salon.id, text, segment, now, user_id)
    if repo.add_broadcast(broadcast):
        return broadcast, True
    existing = repo.get_broadcast(salon.id, broadcast_id)
    if existing is None:
        raise NotFound(N_("There is no such broadcast."), "broadcast_not_found")
    return existing, False


def enqueue_due(repo, now: datetime) -> dict[str, int]:
    """The outbox job's first step: every broadcast still enqueuing gets its messages written."""
    report = {"broadcasts": 0, "queued": 0, "skipped": 0, "lost": 0, "errors": 0}
    today = now.date()
    first = min(repo.cursor("broadcast", today), today - timedelta(days=1))
    pending_from = None
    for day in day_range(first, today):
        for broadcast in repo.due_broadcasts(day, now):
            report["broadcasts"] += 1
            try:
                finished = enqueue(repo, broadcast, now, report)
            except Exception:  # noqa: BLE001 - one broadcast's trouble must not stop the others, nor the dispatcher
                log.exception("broadcast %s of salon %s: enqueueing failed; the next run goes on from its cursor",
                              broadcast.id, broadcast.salon_id)
                report["errors"] += 1
                finished = False
            if not finished:
                pending_from = pending_from or day  # not finished: look at this day again next run
    repo.advance_cursor("broadcast", pending_from or today)
    return report


def enqueue(repo, broadcast: Broadcast, now: datetime, report: dict | None = None) -> bool:
    """Write the broadcast's messages from its cursor on, a page per transaction. True when every
    client was looked at; False when the run stopped early or another run took over."""
    report = report if report is not None else {"queued": 0, "skipped": 0, "lost": 0}
    salon = load_salon(repo, broadcast.salon_id)[0]
    policy = salon.policy
    start = broadcast.first_send_at or next_send_time(now, salon.tz, policy.send_from, policy.send_until)
    clients = audience(repo, salon, broadcast.segment, now, after=broadcast.cursor)
    messages: list[OutboxMessage] = []
    skipped: dict[str, int] = {}
    looked = 0
    for position, (client, consent) in enumerate(clients):
        if looked >= ENQUEUE_PER_RUN:
            return False
        looked += 1
        reason = skip_reason(salon, broadcast.segment, client, consent)
        if reason:
            skipped[reason] = skipped.get(reason, 0) + 1
        else:
            messages.append(_message(salon, broadcast, client, start, broadcast.queued + len(messages), now))
        last = position == len(clients) - 1
        if len(messages) == PAGE or sum(skipped.values()) >= 500 or last:
            after = broadcast.advanced(client.id, len(messages), skipped, start, done=last)
            if not repo.enqueue_page(broadcast, after, messages):
                report["lost"] += 1  # another run wrote this page: it goes on from there
                return False
            report["queued"] += len(messages)
            report["skipped"] += sum(skipped.values())
            broadcast, messages, skipped = after, [], {}
    if not clients:
        repo.enqueue_page(broadcast, broadcast.advanced(broadcast.cursor, 0, {}, start, done=True), [])
    return True


def _message(salon: Salon, broadcast: Broadcast, client: Client, start: datetime, index: int,
             now: datetime) -> OutboxMessage:
    policy = salon.policy
    locale = client.locale or salon.locale
    when = spread(start, index, salon.tz, policy.send_from, policy.send_until)
    return OutboxMessage(
        id=broadcast.message_id(client.id), salon_id=salon.id, kind=kind_of(broadcast.segment), phone=client.phone,
        locale=locale,
        body=sms_body(salon, broadcast.text, locale, broadcast.segment.marketing), not_before=when, created_at=now,
        client_id=client.id, params={"salon_name": salon.name, "text": broadcast.text,
                                     "marketing": "1" if broadcast.segment.marketing else "0"})


def kind_of(segment: Segment) -> str:
    """A marketing segment's message is a `broadcast` (List-Unsubscribe, STOP line, WhatsApp's
    MARKETING template); the booked-on-a-date segment's is a `notice`: it concerns appointments the
    clients made, so it is a utility message, with no unsubscribe path it would not honour."""
    return KIND if segment.marketing else NOTICE_KIND


# --- progress ---------------------------------------------------------------------------------

def progress(repo, broadcast: Broadcast) -> Progress:
    """Waiting, sent, failed, and skipped with the reason (at enqueueing or at sending)."""
    outcomes = repo.broadcast_outcomes(broadcast.salon_id, broadcast.id)
    skipped = dict(broadcast.skipped)
    for key, count in outcomes.items():
        if key.startswith("cancelled:"):
            reason = key.split(":", 1)[1]
            skipped[reason] = skipped.get(reason, 0) + count
    return Progress(queued=outcomes.get("pending", 0) + outcomes.get("sending", 0), sent=outcomes.get("sent", 0),
                    failed=outcomes.get("failed", 0), skipped=skipped,
                    enqueuing=broadcast.status.value == "enqueuing")


def recent(repo, salon_id: str, limit: int = 20) -> Iterable[Broadcast]:
    return repo.broadcasts_of_salon(salon_id, limit)
