"""Which salon an SMS reply is for. Every salon texts from the same number, so the reply itself
does not say; what it answers does. Each text that leaves notes, per (phone, salon), when the
salon last wrote and, for a text that asks "reply 1 or 2", which appointment it asked about and
until when the question is open (the appointment's start).

- "1"/"2" act only on an open question, and only when exactly one salon has one: with two
  salons asking the same number, nothing is guessed (both inboxes get the reply, each salon
  answers that it changed nothing).
- STOP/START and any other text go to every salon that wrote to the number within REPLY_WINDOW.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

REPLY_WINDOW = timedelta(days=30)  # a reply is for a salon that wrote this recently, or for none
QUESTION_KINDS = frozenset({"reminder"})  # texts that ask for 1 (confirm) or 2 (cancel)


@dataclass(frozen=True)
class ReplyRoute:
    """A salon wrote to a phone; `appointment_*`: the question its latest asking text put."""

    salon_id: str
    sent_at: datetime
    appointment_id: str | None = None
    appointment_start: datetime | None = None
    question_until: datetime | None = None

    def asks(self, now: datetime) -> bool:
        return self.appointment_id is not None and self.question_until is not None and now < self.question_until


@dataclass(frozen=True)
class Routing:
    answers: ReplyRoute | None  # the one open question this reply answers
    salon_ids: tuple[str, ...]  # where the reply is recorded (empty: no salon wrote to the number)
    ambiguous: bool = False  # a 1/2 that more than one salon's open question could be meant by


def route_reply(routes: list[ReplyRoute], intent: str | None, now: datetime) -> Routing:
    recent = sorted((r for r in routes if now - r.sent_at <= REPLY_WINDOW), key=lambda r: r.sent_at, reverse=True)
    if intent in ("confirm", "cancel"):
        asking = [r for r in recent if r.asks(now)]
        if len(asking) == 1:
            return Routing(asking[0], (asking[0].salon_id,))
        if asking:
            return Routing(None, tuple(r.salon_id for r in asking), ambiguous=True)
    return Routing(None, tuple(r.salon_id for r in recent))
