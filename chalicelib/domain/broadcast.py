"""Broadcasts: one message from the salon to a segment of its clients.

A broadcast is written once (its id comes from the preview, so a double click or a retried
request finds it and adds nothing) and is then enqueued by the outbox job in pages: one outbox
message per client, whose id is the broadcast's id and the client's, written only if absent, in
the same transaction that moves the broadcast's cursor (the last client id enqueued). So a page
is enqueued whole or not at all, a second job finds the cursor moved and stops, and no client
gets the message twice. The dispatcher then sends each message like any other: quiet hours,
opt-outs, caps, the monthly budget, the channel by the client's route.

Segments: everyone who agreed to offers (marketing); clients of a service; clients not seen for
N days; everyone booked on a date. The first three are marketing and need the client's consent;
the last speaks of their appointment ("we are closed tomorrow"): no consent needed, opt-outs
still count.
"""
from dataclasses import field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from .values import frozen

MAX_TEXT = 480  # three SMS parts in GSM-7: a broadcast is a short note, not a newsletter
# Messages a salon's broadcast makes due per minute. The dispatcher reads 200 due messages per
# run (every 5 minutes): 30 a minute keeps a broadcast inside that and leaves room for reminders.
PER_MINUTE = 30
MAX_DAYS = 3650  # "not seen for" / "had the service within": ten years at most
SERVICE_WINDOW_DAYS = 365  # clients of a service: those who had it within a year, unless told


class SegmentKind(StrEnum):
    MARKETING = "marketing"  # everyone who agreed to offers
    SERVICE = "service"  # had this service within `days` (consent needed)
    LAPSED = "lapsed"  # no appointment for `days`, none ahead (consent needed)
    DATE = "date"  # booked on `day`: a notice about the appointment, no consent needed


class BroadcastStatus(StrEnum):
    ENQUEUING = "enqueuing"  # the outbox job is writing its messages
    QUEUED = "queued"  # every message is in the outbox


# Why a client of the segment gets no message (shown to the owner as "skipped").
NO_CONSENT, OPTED_OUT, NO_CHANNEL = "no_consent", "opted_out", "no_channel"
SKIP_REASONS = (NO_CONSENT, OPTED_OUT, NO_CHANNEL)


@frozen
class Segment:
    kind: SegmentKind
    service_id: str | None = None
    days: int | None = None
    day: date | None = None

    @property
    def marketing(self) -> bool:
        return self.kind is not SegmentKind.DATE

    def window(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The appointments a service or lapsed segment looks at: from `days` ago, and ahead (a
        client booked for the service next week is its client; one booked at all is not lapsed)."""
        if self.kind is SegmentKind.SERVICE:
            return now - timedelta(days=self.days or SERVICE_WINDOW_DAYS), now + timedelta(days=SERVICE_WINDOW_DAYS)
        if self.kind is SegmentKind.LAPSED:
            return now - timedelta(days=self.days or 0), now + timedelta(days=MAX_DAYS)
        return None

    def as_dict(self) -> dict:
        return {"kind": self.kind.value, "service_id": self.service_id, "days": self.days,
                "day": self.day.isoformat() if self.day else None}

    @classmethod
    def from_dict(cls, raw: dict) -> "Segment":
        return cls(SegmentKind(raw["kind"]), raw.get("service_id"), raw.get("days"),
                   date.fromisoformat(raw["day"]) if raw.get("day") else None)


@frozen
class Broadcast:
    id: str
    salon_id: str
    text: str
    segment: Segment
    created_at: datetime
    created_by: str  # the user's id (never their e-mail: audit-like, no personal data here)
    status: BroadcastStatus = BroadcastStatus.ENQUEUING
    cursor: str = ""  # the last client id enqueued (clients are taken in id order)
    queued: int = 0  # outbox messages written
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> clients
    first_send_at: datetime | None = None  # the first message's not_before: the spread counts from it

    def message_id(self, client_id: str) -> str:
        """One message per broadcast and client: the key that makes enqueueing idempotent."""
        return f"{self.id}-{client_id}"

    def advanced(self, cursor: str, queued: int, skipped: dict[str, int], first_send_at: datetime,
                 done: bool) -> "Broadcast":
        total = dict(self.skipped)
        for reason, count in skipped.items():
            total[reason] = total.get(reason, 0) + count
        return replace(self, cursor=cursor, queued=self.queued + queued, skipped=total,
                       first_send_at=self.first_send_at or first_send_at,
                       status=BroadcastStatus.QUEUED if done else self.status)


def spread(first: datetime, index: int, tz: ZoneInfo, send_from: time, send_until: time) -> datetime:
    """When the `index`-th message of a broadcast may leave: PER_MINUTE a minute from `first`,
    counting only minutes inside the sending window, so a broadcast that reaches the evening's end
    goes on at the same pace the next morning instead of all at once at the opening."""
    from .sending_window import next_send_time

    remaining = timedelta(minutes=index // PER_MINUTE)
    at = next_send_time(first, tz, send_from, send_until)
    while True:
        close = datetime.combine(at.astimezone(tz).date(), send_until, tz)
        if at + remaining < close:
            return at + remaining
        remaining -= close - at
        at = next_send_time(close, tz, send_from, send_until)


@frozen
class Progress:
    """Where a broadcast stands: what is waiting, sent, failed, and who was skipped and why
    (at enqueueing: consent, opt-out, no channel; at sending: the dispatcher's reason)."""
    queued: int  # waiting in the outbox (pending or sending)
    sent: int
    failed: int
    skipped: dict[str, int]
    enqueuing: bool

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())
