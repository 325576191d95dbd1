"""Outbox, inbox, SMS quotas and reply routing (a Repository mixin)."""
from datetime import date, datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError

from ..domain.clock import iso_utc
from ..domain.outbox import MessageStatus, OutboxMessage
from . import keys, mapping
from .models import CounterItem, InboxItem, Item, MessageItem, RouteItem
from .reports_store import counter_update

ROUTE_TTL = timedelta(days=120)
COUNTER_TTL = timedelta(days=3)


class OutboxStore:
    def add_message(self, message: OutboxMessage) -> None:
        mapping.message_to_item(message).save(condition=MessageItem.pk.does_not_exist())

    def get_message(self, salon_id: str, message_id: str) -> OutboxMessage | None:
        try:
            return mapping.message_from_item(
                MessageItem.get(keys.salon_pk(salon_id), keys.message_sk(message_id), consistent_read=True))
        except DoesNotExist:
            return None

    def due_messages(self, day: date, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages due by `now` and claims whose lease ran out, on one UTC day's bucket."""
        query = Item.due_index.query(keys.due_pk("outbox", day), Item.gsi2sk <= keys.due_until(now),
                                     limit=limit)
        return [mapping.message_from_item(item) for item in query if isinstance(item, MessageItem)]

    def claim_message(self, before: OutboxMessage, claimed: OutboxMessage, now: datetime) -> bool:
        """Exactly one dispatcher wins: the update is conditional on the state it read."""
        return self._replace_message(before, claimed)

    def save_message_outcome(self, claimed: OutboxMessage, after: OutboxMessage) -> bool:
        """Record what happened to a claimed message, if the claim is still ours."""
        return self._replace_message(claimed, after)

    def cancel_message_if_pending(self, salon_id: str, message_id: str, reason: str) -> bool:
        message = self.get_message(salon_id, message_id)
        if message is None or message.status is not MessageStatus.PENDING:
            return False
        return self._replace_message(message, message.cancelled(reason))

    def messages_of_salon(self, salon_id: str, limit: int = 100) -> list[OutboxMessage]:
        query = MessageItem.query(keys.salon_pk(salon_id), MessageItem.sk.startswith(keys.MESSAGE_PREFIX),
                                  scan_index_forward=False, limit=limit)
        return [mapping.message_from_item(item) for item in query]

    def _replace_message(self, before: OutboxMessage, after: OutboxMessage) -> bool:
        item = mapping.message_to_item(after)
        unchanged = (MessageItem.status == before.status.value) & (MessageItem.attempts == before.attempts)
        if before.claim_id:
            unchanged &= MessageItem.claim_id == before.claim_id
        else:
            unchanged &= MessageItem.claim_id.does_not_exist()
        try:
            item.save(condition=unchanged)
            return True
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise

    # --- quotas: stop SMS pumping ---------------------------------------------------------
    def consume_sms_quota(self, salon_id: str, phone: str, day: date, phone_cap: int, salon_cap: int,
                          now: datetime) -> bool:
        """Count one message against the phone's and the salon's daily caps; False when either
        is used up (nothing is counted then)."""
        salon_pk = keys.salon_pk(salon_id)
        expires = now + COUNTER_TTL
        tx = self._transaction()
        for sk, cap in ((keys.sms_count_sk(day, phone), phone_cap), (keys.sms_count_sk(day), salon_cap)):
            tx.update(CounterItem(salon_pk, sk),
                      actions=[CounterItem.count.add(1), CounterItem.kind.set(CounterItem),
                               CounterItem.expires_at.set(expires)],
                      condition=CounterItem.count.does_not_exist() | (CounterItem.count < cap),
                      on_fail=lambda reason: _CapReached())
        counter_update(tx, salon_id, day.isoformat()[:7], None, {"messages_sent": 1})  # the reports' month
        try:
            tx.commit()
            return True
        except _CapReached:
            return False

    # --- replies ----------------------------------------------------------------------------
    def set_route(self, phone: str, salon_id: str, now: datetime) -> None:
        RouteItem(keys.route_pk(phone), keys.ROUTE_SK, salon_id=salon_id, expires_at=now + ROUTE_TTL).save()

    def route_for(self, phone: str) -> str | None:
        try:
            return RouteItem.get(keys.route_pk(phone), keys.ROUTE_SK).salon_id
        except DoesNotExist:
            return None

    def add_inbound(self, salon_id: str, message_id: str, phone: str, client_id: str | None, body: str,
                    handled_as: str, now: datetime) -> None:
        InboxItem(keys.salon_pk(salon_id), keys.inbox_sk(now, message_id), message_id=message_id, salon_id=salon_id,
                  phone=phone, client_id=client_id, body=body, received_at=iso_utc(now), handled_as=handled_as).save()

    def inbox_of_salon(self, salon_id: str, limit: int = 100) -> list[dict]:
        query = InboxItem.query(keys.salon_pk(salon_id), InboxItem.sk.startswith(keys.INBOX_PREFIX),
                                scan_index_forward=False, limit=limit)
        return [{"id": i.message_id, "phone": i.phone, "client_id": i.client_id, "body": i.body,
                 "received_at": i.received_at, "handled_as": i.handled_as} for i in query]


class _CapReached(Exception):
    pass

