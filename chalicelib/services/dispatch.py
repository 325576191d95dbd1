"""The outbox dispatcher: sends what is due, exactly once.

Each message is claimed with a conditional update on the state that was read, so of two
dispatchers (or a retried Lambda) only one sends it. A claim holds a lease: if the dispatcher
dies between claim and send, the message is claimed again once the lease is over. Before
sending, the message is checked again: the sending window, whether it is still true, the
client's opt-out (ours and the carrier's), the allowed countries and the daily caps. Texts that
public actions cause (confirmations) may use only a share of the caps, so the rest always remains
for reminders and the ladder (domain/policy.py).
"""
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from .. import observability
from ..domain.appointment import Status
from ..domain.clock import days
from ..domain.errors import DomainError
from ..domain.ids import new_id, new_manage_token, token_hash
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


def dispatch(repo, sender, now: datetime, ceilings: SmsCeilings = DEFAULT_CEILINGS) -> DispatchReport:
    """`ceilings`: the platform's ceiling on every salon's daily caps (config)."""
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
            report.count(_deliver(repo, sender, salons[message.salon_id], claimed, now, ceilings))
        if len(batch) == BATCH and stop_at is None:
            stop_at = day  # more may be due on this day: read it again next run
    repo.advance_cursor("outbox", stop_at or today)
    return report


def _deliver(repo, sender, salon, claimed: OutboxMessage, now: datetime, ceilings: SmsCeilings) -> str:
    policy = salon.policy
    if not can_send_now(now, salon.tz, policy.send_from, policy.send_until):
        later = next_send_time(now, salon.tz, policy.send_from, policy.send_until)
        return _outcome(repo, claimed, claimed.deferred(later), "deferred")
    from ..messaging.providers import SendError

    try:
        reason, appt = _why_not_send(repo, sender, salon, claimed, now)
    except SendError as error:  # the carrier's opt-out list could not be read: try again later
        return _outcome(repo, claimed, claimed.retry_or_fail(error.reason, False, now), "retry")
    if reason:
        return _outcome(repo, claimed, claimed.cancelled(reason), "cancelled")
    body = claimed.body
    if claimed.has_link:
        try:
            body = claimed.body_with_link(_make_link(repo, claimed, appt))
        except DomainError:  # the appointment changed since it was read: look again next run
            return _outcome(repo, claimed, claimed.retry_or_fail("appointment_changed", False, now), "retry")
    local_day = now.astimezone(salon.tz).date()
    caps = daily_caps(policy, claimed.kind, ceilings)
    public = (caps.public_phone, caps.public_salon) if caps.public_phone is not None else None
    if not repo.consume_sms_quota(salon.id, claimed.phone, local_day, caps.phone, caps.salon, now, public):
        return _outcome(repo, claimed, claimed.retry_or_fail("daily_cap_reached", True, now), "failed")
    try:
        provider_id = sender.send(claimed.phone, body)
    except SendError as error:
        after = claimed.retry_or_fail(error.reason, error.permanent, now)
        return _outcome(repo, claimed, after, "failed" if after.status.value == "failed" else "retry")
    asks = claimed.kind in QUESTION_KINDS and appt is not None  # replies to it act on this appointment
    repo.set_route(claimed.phone, salon.id, now, (appt.id, appt.start, appt.start) if asks else None)
    return _outcome(repo, claimed, claimed.sent(provider_id, now), "sent")


def _why_not_send(repo, sender, salon, message: OutboxMessage, now: datetime) -> tuple[str | None, object]:
    """Why the message must not leave (None: it may), and the appointment it speaks of."""
    appt = None
    if message.kind in notify.ABOUT_APPOINTMENT and message.appointment_id:
        appt = repo.get_appointment(salon.id, message.appointment_start, message.appointment_id)
        if not _still_true(message.kind, appt, now):
            return "no_longer_true", appt
    if message.has_link and appt is None:
        return "no_longer_true", appt  # a link leads to an appointment: without one, nothing to send
    if message.client_id:
        client = repo.get_client(salon.id, message.client_id)
        if client is None or client.sms_opt_out:
            return "opted_out", appt
    if not notify.country_allowed(salon, message.phone):
        return "country_not_allowed", appt
    if sender.is_opted_out(message.phone):
        return "opted_out_carrier", appt
    return None, appt


def _make_link(repo, message: OutboxMessage, appt) -> str:
    """A new token for the link in this text: only its SHA-256 is stored (a link item and the
    appointment's list of link digests, in one transaction conditioned on the appointment as
    read); the token itself lives only in the text that leaves. A claim link ends with its hold,
    a manage link 30 days after the appointment. A retry makes another link: the unused one
    leads to the same appointment and expires the same way."""
    token = new_manage_token()
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


def _outcome(repo, claimed: OutboxMessage, after: OutboxMessage, what: str) -> str:
    if not repo.save_message_outcome(claimed, after):
        log.warning("message %s: claim lost before its outcome was saved", claimed.id)
        return "lost_claim"
    if what in ("sent", "failed"):
        observability.count("SmsSent" if what == "sent" else "SmsFailed", salon=claimed.salon_id, kind=claimed.kind)
    return what
