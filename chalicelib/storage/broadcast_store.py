"""Broadcasts: the broadcast item, its segment's clients, its pages of outbox messages and its
progress (a Repository mixin). No Scan: clients come from the salon partition's CLIENT# range or
a BatchGetItem of the ids an appointment range (APPT#, a Query) names."""
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from pynamodb.exceptions import DoesNotExist, PutError

from ..domain.broadcast import Broadcast, BroadcastStatus, Segment
from ..domain.client import Client
from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.errors import IllegalTransition
from ..domain.outbox import OutboxMessage
from . import keys, mapping
from .models import AppointmentItem, BroadcastItem, ClientItem, Item, MessageItem

LANE = "broadcast"
_NOT_A_VISIT = ("cancelled", "held")  # a cancelled booking or a waitlist hold is no visit
_BATCH_GET = 100


class _Moved(Exception):
    """Another job enqueued this page first (the broadcast's cursor moved)."""


class BroadcastStore:
    # --- the broadcast item ---------------------------------------------------------------
    def add_broadcast(self, broadcast: Broadcast) -> bool:
        """False when a broadcast with this id exists (a double click, a retried request)."""
        try:
            _to_item(broadcast).save(condition=BroadcastItem.pk.does_not_exist())
            return True
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise

    def get_broadcast(self, salon_id: str, broadcast_id: str) -> Broadcast | None:
        try:
            return _from_item(BroadcastItem.get(keys.salon_pk(salon_id), keys.broadcast_sk(broadcast_id),
                                                consistent_read=True))
        except DoesNotExist:
            return None

    def broadcasts_of_salon(self, salon_id: str, limit: int = 20) -> list[Broadcast]:
        query = BroadcastItem.query(keys.salon_pk(salon_id), BroadcastItem.sk.startswith(keys.BROADCAST_PREFIX),
                                    scan_index_forward=False, limit=limit)
        return [_from_item(item) for item in query]

    def due_broadcasts(self, day: date, now: datetime) -> list[Broadcast]:
        """Broadcasts still enqueuing, filed on one UTC day of the due index."""
        query = Item.due_index.query(keys.due_pk(LANE, day), Item.gsi2sk <= keys.due_until(now))
        return [_from_item(item) for item in query if isinstance(item, BroadcastItem)]

    def enqueue_page(self, before: Broadcast, after: Broadcast, messages: list[OutboxMessage]) -> bool:
        """Write a page of the broadcast's messages (each only if absent) and move its cursor, in
        one transaction conditioned on the cursor as read: False when another job moved it first."""
        if len(messages) > 99:
            raise ValueError("a transaction holds 100 items: 99 messages and the broadcast")
        tx = self._transaction()
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist(),
                    on_fail=lambda reason: _Moved())
        tx.save(_to_item(after), condition=(BroadcastItem.cursor == before.cursor) &
                (BroadcastItem.queued == before.queued), on_fail=lambda reason: _Moved(), priority=1)
        try:
            tx.commit()
            return True
        except (_Moved, IllegalTransition):
            return False

    def broadcast_outcomes(self, salon_id: str, broadcast_id: str) -> dict[str, int]:
        """{status or "cancelled:<reason>": messages} of the broadcast: one Query (paged) of its
        messages, reading only their status and reason."""
        query = MessageItem.query(keys.salon_pk(salon_id),
                                  MessageItem.sk.startswith(keys.broadcast_messages_prefix(broadcast_id)),
                                  attributes_to_get=["status", "reason"])
        counts: dict[str, int] = {}
        for item in query:
            key = item.status if item.status != "cancelled" else f"cancelled:{item.reason or 'cancelled'}"
            counts[key] = counts.get(key, 0) + 1
        return counts

    # --- segments -------------------------------------------------------------------------
    def salon_audience(self, salon_id: str) -> Iterator[tuple[Client, bool]]:
        """Every client file of the salon with its marketing consent: one Query, paged."""
        query = ClientItem.query(keys.salon_pk(salon_id), ClientItem.sk.startswith(keys.CLIENT_PREFIX))
        return ((mapping.client_from_item(item), bool(item.marketing_consent)) for item in query)

    def audience_of(self, salon_id: str, client_ids: Iterable[str]) -> list[tuple[Client, bool]]:
        """These clients with their marketing consent: BatchGetItem, 100 ids a request."""
        ids = sorted(set(client_ids))
        found = []
        for start in range(0, len(ids), _BATCH_GET):
            batch = [(keys.salon_pk(salon_id), keys.client_sk(cid)) for cid in ids[start:start + _BATCH_GET]]
            found += [(mapping.client_from_item(item), bool(item.marketing_consent))
                      for item in ClientItem.batch_get(batch)]
        return found

    def visiting_clients(self, salon_id: str, first: datetime, last: datetime,
                         service_id: str | None = None) -> set[str]:
        """Ids of clients with an appointment (not cancelled) starting in [first, last), of
        `service_id` if given: one Query of the salon's APPT# range, reading only three fields."""
        query = AppointmentItem.query(
            keys.salon_pk(salon_id), AppointmentItem.sk.between(keys.appointment_bound(first),
                                                                keys.appointment_bound(last)),
            filter_condition=~AppointmentItem.status.is_in(*_NOT_A_VISIT) & (
                AppointmentItem.service_id == service_id if service_id else AppointmentItem.client_id.exists()),
            attributes_to_get=["client_id", "status", "service_id"])
        return {item.client_id for item in query}


def _to_item(b: Broadcast) -> BroadcastItem:
    enqueuing = b.status is BroadcastStatus.ENQUEUING
    return BroadcastItem(
        keys.salon_pk(b.salon_id), keys.broadcast_sk(b.id),
        gsi2pk=keys.due_pk(LANE, b.created_at.date()) if enqueuing else None,
        gsi2sk=keys.due_sk(b.created_at, b.salon_id, b.id) if enqueuing else None,
        broadcast_id=b.id, salon_id=b.salon_id, text=b.text, segment=b.segment.as_dict(),
        created_at=iso_utc(b.created_at), created_by=b.created_by, status=b.status.value, cursor=b.cursor,
        queued=b.queued, skipped=b.skipped or None, first_send_at=iso_utc(b.first_send_at) if b.first_send_at else None)


def _from_item(item: BroadcastItem) -> Broadcast:
    return Broadcast(
        id=item.broadcast_id, salon_id=item.salon_id, text=item.text, segment=Segment.from_dict(item.segment),
        created_at=parse_iso_utc(item.created_at), created_by=item.created_by, status=BroadcastStatus(item.status),
        cursor=item.cursor or "", queued=int(item.queued or 0), skipped=dict(item.skipped or {}),
        first_send_at=parse_iso_utc(item.first_send_at) if item.first_send_at else None)
