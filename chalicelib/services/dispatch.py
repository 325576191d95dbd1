"""The outbox dispatcher: sends what is due, exactly once, on the channel the route picks.

Each message is claimed with a conditional update on the state that was read, so of two
dispatchers (or a retried Lambda) only one sends it. A claim holds a lease: if the dispatcher
dies between claim and send, the message is claimed again once the lease is over. Before
sending, the message is checked again: the sending window, whether it is still true, and what
can reach the client. The channel is chosen then (domain/channels.py `route`: the client's choice,
the salon's enabled channels and order, consent, opt-outs, bounces); a channel that refuses the
message for good hands it to the next one, once, and the message's attempt log shows both. A
receipt (notify.RECEIPT: the confirmation of what the client just did online) goes by e-mail only,
unless the salon texts receipts: without an address it is cancelled as `shown_online`.
SMS keeps its rules: the allowed countries, the carrier's opt-out list and the daily caps, of
which texts that public actions cause (confirmations) may use only a share, so the rest always
remains for reminders and the ladder (domain/policy.py). E-mail and WhatsApp have their own caps.
Every message sent adds itself and its estimated cost to the salon's month in the same
transaction that counts it against the caps; past the monthly budget only reminders (and
sign-in codes) leave, the rest is cancelled as `budget_reached`, and the owner is told once.
"""
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .. import observability
from ..domain.appointment import Status
from ..domain.channels import Reachability, route
from ..domain.clock import days
from ..domain.errors import DomainError
from ..domain.ids import new_id, new_link_token, token_hash
from ..domain.outbox import OutboxMessage
from ..domain.policy import DEFAULT_CEILINGS, SmsCeilings, daily_caps
from ..domain.replies import QUESTION_KINDS
from ..domain.sending_window import can_send_now, next_send_time
from . import notify
from .salons import load_salon

log = logging.getLogger(__name__)
BATCH = 200


@dataclass
class DispatchReport:
    outcomes: dict = field(default_factory=dict)  # sent | retry | failed | deferred | cancelled | lost_claim

    def count(self, what: str) -> None:
        self.outcomes[what] = self.outcomes.get(what, 0) + 1

    def __getitem__(self, what: str) -> int:
        return self.outcomes.get(what, 0)


def dispatch(repo, sender, now: datetime, ceilings: SmsCeilings = DEFAULT_CEILINGS,
             base_url: str | None = None, owners=None) -> DispatchReport:
    """`sender`: every channel's provider (messaging.providers.Senders) or an SMS provider alone
    (then e-mail and WhatsApp go to the local twins); `ceilings`: the platform's ceiling on every
    salon's daily SMS caps (config); `base_url`: where unsubscribe links point; `owners`: a
    salon's users by salon id, to e-mail its owners once when its monthly budget is reached."""
    from ..messaging.providers import Senders

    senders = sender if isinstance(sender, Senders) else Senders(sender)
    report, salons, today = DispatchReport(), {}, now.date()
    first = min(repo.cursor("outbox", today), today - timedelta(days=1))  # yesterday at least: clocks skew
    stop_at = None
    for day in days(first, today):
        batch = repo.due_messages(day, now, BATCH)
        for message in batch:
            claimed = message.claimed(new_id(), now)
            if not repo.claim_message(message, claimed, now):
                report.count("lost_claim")  # another dispatcher has it
                continue
            if message.salon_id not in salons:
                salons[message.salon_id] = load_salon(repo, message.salon_id)[0]
            context = _Context(repo, senders, salons[message.salon_id], now, ceilings, base_url, owners)
            report.count(_deliver(context, claimed))
        if len(batch) == BATCH and stop_at is None:
            stop_at = day  # more may be due on this day: read it again next run
    repo.advance_cursor("outbox", stop_at or today)
    return report


@dataclass
class _Context:
    repo: object
    senders: object
    salon: object
    now: datetime
    ceilings: SmsCeilings
    base_url: str | None
    owners: object = None

    @property
    def month(self) -> str:
        return self.now.astimezone(self.salon.tz).strftime("%Y-%m")


def _deliver(ctx: _Context, claimed: OutboxMessage) -> str:
    repo, salon, now = ctx.repo, ctx.salon, ctx.now
    policy = salon.policy
    if not can_send_now(now, salon.tz, policy.send_from, policy.send_until):
        later = next_send_time(now, salon.tz, policy.send_from, policy.send_until)
        return _outcome(repo, claimed, claimed.deferred(later), "deferred")
    reason, appt, client = _why_not_send(repo, salon, claimed, now)
    if reason:
        return _outcome(repo, claimed, claimed.cancelled(reason), "cancelled")
    channels = _channels(salon, claimed, client)
    if not channels:
        return _outcome(repo, claimed, claimed.cancelled(_unreachable(salon, claimed, client)), "cancelled")
    token = None
    if claimed.has_link:
        try:
            token = _make_link(repo, claimed, appt)
        except DomainError:  # the appointment changed since it was read: look again next run
            return _outcome(repo, claimed, claimed.retry_or_fail("appointment_changed", False, now), "retry")
    message, tried = claimed, 0
    for channel in channels:
        if tried == 2:
            break  # the first channel and one fallback, no more
        tried += 1
        result = _try_channel(ctx, message, channel, client, appt, token)
        if result.outcome == "sent":
            return _outcome(repo, claimed, result.message, "sent", channel)
        message = result.message.logged(channel, result.reason)
        if result.outcome == "fallback":
            continue  # refused for good on this channel: the next one, once
        if result.outcome == "budget_reached":
            if repo.note_budget_reached(salon.id, ctx.month, now):  # the first time this month
                log.warning("salon %s: the monthly message budget is reached", salon.id)
                if ctx.owners is not None:
                    from .budget_notice import tell_owners

                    tell_owners(ctx.owners(salon.id), ctx.senders.email, salon, ctx.month, ctx.base_url)
            return _outcome(repo, claimed, message.cancelled("budget_reached"), "cancelled")
        after = message.retry_or_fail(result.reason, result.outcome == "failed", now)
        return _outcome(repo, claimed, after, "failed" if after.status.value == "failed" else "retry", channel)
    # Every channel tried refused it for good: the last refusal is the message's reason.
    last_channel, last_reason = message.attempt_log[-1]
    if last_reason == "opted_out_carrier" and tried == 1:
        return _outcome(repo, claimed, message.cancelled(last_reason), "cancelled")
    return _outcome(repo, claimed, message.retry_or_fail(last_reason, True, now), "failed", last_channel)


@dataclass
class _Try:
    outcome: str  # sent | fallback (refused for good: next channel) | failed | retry | budget_reached
    message: OutboxMessage
    reason: str = "sent"


def _try_channel(ctx: _Context, message: OutboxMessage, channel: str, client, appt, token: str | None) -> _Try:
    from ..domain.channels import BUDGET_EXEMPT_KINDS, CHANNEL_DAILY_CAPS, SMS, micro_usd
    from ..messaging.providers import SendError

    repo, salon, now = ctx.repo, ctx.salon, ctx.now
    try:
        if channel == SMS and ctx.senders.sms.is_opted_out(message.phone):
            return _Try("fallback", message, "opted_out_carrier")
    except SendError as error:  # the carrier's opt-out list could not be read: try again later
        return _Try("retry", message, error.reason)
    try:
        outgoing = _outgoing(ctx, message, channel, token)
    except (KeyError, ValueError) as error:  # this message cannot be worded for the channel
        log.warning("message %s cannot go by %s: %s", message.id, channel, error)
        return _Try("fallback", message, f"not_for_{channel}")
    parts = _parts(outgoing) if channel == SMS else None
    cost = salon.price_table.estimate(channel, notify.phone_country(message.phone) or salon.country, parts or 1,
                                      _in_service_window(client, now), marketing=_is_marketing(message))
    budget = salon.monthly_budget_usd
    budget_musd = micro_usd(budget) if budget is not None and message.kind not in BUDGET_EXEMPT_KINDS else None
    if channel == SMS:
        caps = daily_caps(salon.policy, message.kind, ctx.ceilings)
        limits, address = (caps.phone, caps.salon), message.phone
        public = (caps.public_phone, caps.public_salon) if caps.public_phone is not None else None
    else:
        limits, address, public = CHANNEL_DAILY_CAPS[channel], message.client_id, None
    refused = repo.consume_channel_quota(salon.id, channel, address, now.astimezone(salon.tz).date(), limits, now,
                                        ctx.month, micro_usd(cost), budget_musd, public)
    if refused == "budget_reached":
        return _Try("budget_reached", message, refused)
    if refused:
        return _Try("failed", message, refused)
    try:
        provider_id = _send(ctx, channel, message, client, outgoing)
    except SendError as error:
        repo.release_channel_quota(salon.id, channel, ctx.month, micro_usd(cost))
        return _Try("fallback" if error.permanent else "retry", message, error.reason)
    asks = message.kind in QUESTION_KINDS and appt is not None  # replies to it act on this appointment
    if channel != "email":  # a reply by SMS or WhatsApp comes from the phone: route it to this salon
        repo.set_route(message.phone, salon.id, now, (appt.id, appt.start, appt.start) if asks else None)
    sent = message.sent(provider_id, now, channel, parts, cost).logged(channel, "sent")
    return _Try("sent", sent)


def _outgoing(ctx: _Context, message: OutboxMessage, channel: str, token: str | None):
    """What leaves on `channel`: the SMS body, an e-mail, or a WhatsApp template."""
    from ..messaging import channel_texts

    if channel == "sms":
        return message.body_with_link(token) if token else message.body
    params = message.params or {}
    if message.kind in channel_texts.FREE_TEXT_KINDS:
        params = {"salon_name": ctx.salon.name, "text": message.body, **params}
    if not params:
        raise ValueError("stored before messages kept their values: SMS only")
    if channel == "email":
        unsubscribe = f"{ctx.base_url}/my/{ctx.salon.id}/settings" if ctx.base_url else None
        return channel_texts.email(message.kind, message.locale, ctx.salon.timezone, params, token, unsubscribe)
    return channel_texts.whatsapp(message.kind, message.locale, ctx.salon.timezone, params, token)


def _send(ctx: _Context, channel: str, message: OutboxMessage, client, outgoing) -> str:
    if channel == "sms":
        return ctx.senders.sms.send(message.phone, outgoing)
    if channel == "email":
        return ctx.senders.email.send_email(ctx.salon.email_from, client.email, outgoing)
    return ctx.senders.whatsapp.send_template(ctx.salon.whatsapp_phone_number_id, message.phone, outgoing)


def _is_marketing(message: OutboxMessage) -> bool:
    """A recall or an offer to a marketing segment: WhatsApp bills its MARKETING template."""
    from ..messaging.channel_texts import MARKETING_KINDS

    return message.kind in MARKETING_KINDS


def _parts(body: str) -> int:
    from ..messaging.segments import sms_segments

    return sms_segments(body)[1]


def _in_service_window(client, now: datetime) -> bool:
    """Inside the 24 hours a client's own WhatsApp message opens, a template costs nothing."""
    last = getattr(client, "whatsapp_last_inbound_at", None)  # recorded by the inbound WhatsApp handler
    return last is not None and now - last < timedelta(hours=24)


def reachability(client) -> Reachability:
    """What is known of `client` for routing. Client.reachability() is the inbound side's; the
    fields are read here with their defaults so routing works whichever lands first."""
    if hasattr(client, "reachability"):
        return client.reachability()
    return Reachability(has_phone=bool(client.phone), sms_opt_out=client.sms_opt_out, email=client.email,
                        email_suppressed=getattr(client, "email_suppressed", False),
                        whatsapp_consent=getattr(client, "whatsapp_consent", False),
                        whatsapp_opt_out=getattr(client, "whatsapp_opt_out", False),
                        preferred=getattr(client, "preferred_channel", None))


def _channels(salon, message: OutboxMessage, client) -> tuple[str, ...]:
    """The channels to try, best first. A message without a client (none today) goes by SMS."""
    ready = {"sms": True, "email": bool(salon.email_from), "whatsapp": bool(salon.whatsapp_phone_number_id)}
    enabled = tuple(c for c in salon.channels_enabled if ready.get(c))
    if client is None:
        ranked = ("sms",) if "sms" in enabled else ()
    else:
        ranked = route(reachability(client), enabled, salon.channel_order)
    if not notify.country_allowed(salon, message.phone):
        ranked = tuple(c for c in ranked if c != "sms")  # the salon does not text that country
    if _receipt_by_email_only(salon, message):
        ranked = tuple(c for c in ranked if c == "email")
    return ranked


def _receipt_by_email_only(salon, message: OutboxMessage) -> bool:
    """A receipt (notify.RECEIPT: the confirmation of what the client did online themselves) leaves
    by SMS or WhatsApp only when the salon asks for that (Policy.text_receipts)."""
    return notify.is_receipt(message) and not salon.policy.text_receipts


def _unreachable(salon, message: OutboxMessage, client) -> str:
    """Why no channel is left: the client said STOP, the salon does not text that country, or
    nothing else the salon has enabled can reach them."""
    if client is not None and client.sms_opt_out:
        return "opted_out"
    if _receipt_by_email_only(salon, message):
        return "shown_online"  # no e-mail to send it to, and the page already showed the client
    return "no_channel" if notify.country_allowed(salon, message.phone) else "country_not_allowed"


def _why_not_send(repo, salon, message: OutboxMessage, now: datetime) -> tuple[str | None, object, object]:
    """Why the message must not leave (None: it may), the appointment it speaks of, the client."""
    appt = client = None
    if message.kind in notify.ABOUT_APPOINTMENT and message.appointment_id:
        appt = repo.get_appointment(salon.id, message.appointment_start, message.appointment_id)
        if not _still_true(message.kind, appt, now):
            return "no_longer_true", appt, client
    if message.has_link and appt is None:
        return "no_longer_true", appt, client  # a link leads to an appointment: without one, nothing to send
    if message.client_id:
        client = repo.get_client(salon.id, message.client_id)
        if client is None:
            return "opted_out", appt, client
        if message.params.get("marketing") == "1" and not client.marketing_consent:
            return "no_consent", appt, client  # a broadcast's offer, and the client withdrew consent since
    return None, appt, client


def _make_link(repo, message: OutboxMessage, appt) -> str:
    """A new token for the link in this text: only its SHA-256 is stored (a link item and the
    appointment's list of link digests, in one transaction conditioned on the appointment as
    read); the token itself lives only in the text that leaves. A claim link ends with its hold,
    a manage link 30 days after the appointment. A retry makes another link: the unused one
    leads to the same appointment and expires the same way."""
    token = new_link_token()
    digest = token_hash(token)
    expires = appt.due.at if message.kind == "waitlist_offer" else None
    repo.add_link(appt, replace(appt, links=(*appt.links, digest)), digest, expires_at=expires)
    return token


def _still_true(kind: str, appt, now: datetime) -> bool:
    """A reminder for an appointment that was cancelled, moved (its key changed) or started is
    not sent; nor an offer whose hold ended."""
    if appt is None:
        return False
    if kind == "waitlist_offer":
        return appt.status is Status.HELD and appt.due is not None and now < appt.due.at
    return appt.status in (Status.BOOKED, Status.CONFIRMED) and now < appt.start


def _outcome(repo, claimed: OutboxMessage, after: OutboxMessage, what: str, channel: str = "sms") -> str:
    if not repo.save_message_outcome(claimed, after):
        log.warning("message %s: claim lost before its outcome was saved", claimed.id)
        return "lost_claim"
    # Metrics: SMS keeps SmsSent/SmsFailed; e-mail and WhatsApp write only their failures (one
    # metric, the channel in metadata: every custom metric costs $0.30 a month, and what was sent
    # on each channel is in the salon's month counters already).
    if channel == "sms" and what in ("sent", "failed"):
        observability.count("SmsSent" if what == "sent" else "SmsFailed", salon=claimed.salon_id, kind=claimed.kind)
    elif what == "failed":
        observability.count("MessagesFailed", salon=claimed.salon_id, kind=claimed.kind, channel=channel)
    return what
