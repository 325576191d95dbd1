"""Outbox messages: every client SMS is an item first.

    pending ──claim──► sending ──► sent
       ▲                  │ └────► failed (permanent error, or attempts used up)
       └──── retry ───────┘
    pending ──► cancelled (no longer true, opted out, capped, country not allowed)

A claim carries a lease: a dispatcher that dies after claiming leaves the message `sending`
with an expired lease, and the next run claims it again.
"""
import re
from dataclasses import field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from .values import frozen

MAX_ATTEMPTS = 5
# Where a link's token goes in a stored body. The token itself is made by the dispatcher just
# before sending and is never written anywhere: the table, its backups and exports hold only this.
# As long as a link token (22 URL-safe characters, all GSM-7: domain/ids.py new_link_token) so the
# text is rendered to the length, encoding and segment count it will have when it leaves.
LINK_PLACEHOLDER = "LINK-ADDED-WHEN-SENT".ljust(22, "-")
# A token in a link of a body written before links were made at sending (/m/, /manage/, /claim/).
_STORED_TOKEN = re.compile(r"(/(?:m|manage|claim)/)[A-Za-z0-9_-]{32,}")


def without_tokens(body: str) -> str:
    """`body` with the token of every link replaced by the placeholder. Bodies stored before links
    were made at sending carry live tokens: read through this, they show none, are written back
    without them, and a pending one gets a fresh link when it leaves."""
    return _STORED_TOKEN.sub(lambda match: match.group(1) + LINK_PLACEHOLDER, body)
LEASE = timedelta(minutes=10)  # longer than a dispatcher run may last (its Lambda timeout)


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"


@frozen
class OutboxMessage:
    id: str
    salon_id: str
    kind: str
    phone: str
    locale: str
    body: str
    not_before: datetime
    created_at: datetime
    status: MessageStatus = MessageStatus.PENDING
    client_id: str | None = None
    appointment_id: str | None = None
    appointment_start: datetime | None = None  # a reminder is only true for this start
    attempts: int = 0
    provider_message_id: str | None = None
    reason: str | None = None  # why it failed or was cancelled, shown to the owner
    sent_at: datetime | None = None
    lease_until: datetime | None = None
    claim_id: str | None = None
    # Channels: where it went, what it cost, what the provider said later (see domain/channels.py).
    channel: str | None = None  # chosen when it leaves, by route(); None until then
    parts: int | None = None  # SMS parts
    cost_usd: Decimal | None = None  # estimated, from the salon's price table
    delivery_status: str | None = None  # the provider's later word (delivered, bounced, read...)
    attempt_log: tuple[tuple[str, str], ...] = ()  # (channel, outcome) per try: a fallback shows both
    # The values the text was rendered from (ISO instants, plain strings), so the dispatcher can
    # write the same message as an e-mail or a WhatsApp template when the route says so.
    params: dict[str, str] = field(default_factory=dict)

    @property
    def has_link(self) -> bool:
        """A manage or claim link is made for this message when it is sent."""
        return LINK_PLACEHOLDER in self.body

    def body_with_link(self, token: str) -> str:
        return self.body.replace(LINK_PLACEHOLDER, token)

    @property
    def next_attention(self) -> datetime | None:
        """When a dispatcher must look at it again (None: never)."""
        if self.status is MessageStatus.PENDING:
            return self.not_before
        if self.status is MessageStatus.SENDING:
            return self.lease_until
        return None

    def claimed(self, claim_id: str, now: datetime) -> "OutboxMessage":
        return replace(self, status=MessageStatus.SENDING, claim_id=claim_id, lease_until=now + LEASE,
                       attempts=self.attempts + 1)

    def sent(self, provider_message_id: str, now: datetime, channel: str | None = None, parts: int | None = None,
             cost_usd: Decimal | None = None) -> "OutboxMessage":
        return replace(self, status=MessageStatus.SENT, provider_message_id=provider_message_id, sent_at=now,
                       lease_until=None, reason=None, channel=channel or self.channel, parts=parts,
                       cost_usd=cost_usd, delivery_status="sent")

    def logged(self, channel: str, outcome: str) -> "OutboxMessage":
        """One more line in the attempts log."""
        return replace(self, attempt_log=(*self.attempt_log, (channel, outcome)))

    def retry_or_fail(self, reason: str, permanent: bool, now: datetime) -> "OutboxMessage":
        if permanent or self.attempts >= MAX_ATTEMPTS:
            return replace(self, status=MessageStatus.FAILED, reason=reason, lease_until=None)
        backoff = timedelta(minutes=2 ** (self.attempts - 1))  # 1, 2, 4, 8 minutes
        return replace(self, status=MessageStatus.PENDING, reason=reason, not_before=now + backoff,
                       lease_until=None)

    def deferred(self, until: datetime) -> "OutboxMessage":
        """Back to pending until `until` (quiet hours), without using up an attempt."""
        return replace(self, status=MessageStatus.PENDING, not_before=until, lease_until=None,
                       attempts=max(self.attempts - 1, 0))

    def cancelled(self, reason: str) -> "OutboxMessage":
        return replace(self, status=MessageStatus.CANCELLED, reason=reason, lease_until=None)
