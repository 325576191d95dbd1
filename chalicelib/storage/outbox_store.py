"""Outbox, inbox, SMS quotas and reply routing (a Repository mixin)."""
from datetime import date, datetime, timedelta

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError

from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.outbox import MessageStatus, OutboxMessage
from ..domain.replies import REPLY_WINDOW, ReplyRoute
from . import keys, mapping
from .models import SCHEMA_VERSION, CounterItem, InboxItem, Item, MessageItem, RouteItem
from .reports_store import ReportItem, counter_update

ROUTE_TTL = REPLY_WINDOW + timedelta(days=1)  # the clock decides; DynamoDB's TTL cleans up
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
        """Record what happened to a claimed message, if the claim is still ours. A message the
        provider took is findable by its id from then on (delivery reports carry only that)."""
        saved = self._replace_message(claimed, after)
        if saved and after.provider_message_id and after.provider_message_id != claimed.provider_message_id:
            self.link_provider_message(after, after.provider_message_id, after.sent_at or after.created_at)
        return saved

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
                          now: datetime, public_caps: tuple[int, int] | None = None) -> bool:
        """Count one message against the phone's and the salon's daily caps, and for a text a public
        action caused (`public_caps`: phone, salon) against that share of them too; False when one
        is used up (nothing is counted then). One transaction."""
        tx = self._transaction()
        count_sms(tx, salon_id, phone, day, phone_cap, salon_cap, now, public_caps)
        try:
            tx.commit()
            return True
        except SmsCapReached:
            return False

    # --- every channel: caps, the month's counters, the budget ------------------------------
    def consume_channel_quota(self, salon_id: str, channel: str, address: str, day: date, caps: tuple[int, int],
                              now: datetime, month: str, cost_musd: int, budget_musd: int | None = None,
                              public_caps: tuple[int, int] | None = None) -> str | None:
        """Count one message on `channel` against its daily caps (`address`: the phone for SMS, the
        client id otherwise; `public_caps` as in consume_sms_quota) and add it and its estimated cost
        (millionths of a USD) to the salon's month, in one transaction. `budget_musd`: the month's
        cost must still be under it. None when counted; else why not ("budget_reached",
        "daily_cap_reached"), and nothing is counted."""
        tx = self._transaction()
        if channel == "sms":
            counters = sms_counters(address, day, caps[0], caps[1], public_caps)
        else:
            counters = [(keys.channel_count_sk(channel, day, address), caps[0]),
                        (keys.channel_count_sk(channel, day), caps[1])]
        count_against_caps(tx, salon_id, counters, now)
        under_budget = None
        if budget_musd is not None:
            under_budget = ReportItem.message_cost_musd.does_not_exist() | (ReportItem.message_cost_musd < budget_musd)
        tx.update(ReportItem(keys.report_pk(salon_id), keys.report_sk(month)),
                  actions=_month_actions(salon_id, month, channel, 1, cost_musd), condition=under_budget,
                  on_fail=lambda reason: _BudgetReached(), priority=1)
        try:
            tx.commit()
            return None
        except _BudgetReached:
            return "budget_reached"
        except SmsCapReached:
            return "daily_cap_reached"

    def release_channel_quota(self, salon_id: str, channel: str, month: str, cost_musd: int) -> None:
        """Take back a message the provider refused from the month's counters (the daily caps stay
        used: a refused address must not become a way round them)."""
        ReportItem(keys.report_pk(salon_id), keys.report_sk(month)).update(
            actions=_month_actions(salon_id, month, channel, -1, -cost_musd))

    def message_month(self, salon_id: str, month: str) -> dict[str, dict[str, int]]:
        """{channel: {"messages", "cost_musd"}} of the salon's month (one GetItem)."""
        try:
            item = ReportItem.get(keys.report_pk(salon_id), keys.report_sk(month))
        except DoesNotExist:
            item = None
        return {channel: {"messages": int(getattr(item, f"messages_{channel}", None) or 0),
                          "cost_musd": int(getattr(item, f"message_cost_{channel}_musd", None) or 0)}
                for channel in ("whatsapp", "email", "sms")}

    def note_budget_reached(self, salon_id: str, month: str, now: datetime) -> bool:
        """True the first time the month's budget is reached (the owner is told once)."""
        try:
            BudgetNoticeItem(keys.salon_pk(salon_id), keys.budget_notice_sk(month), salon_id=salon_id,
                             reached_at=iso_utc(now)).save(condition=BudgetNoticeItem.pk.does_not_exist())
            return True
        except PutError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise

    def budget_reached_on(self, salon_id: str, month: str) -> datetime | None:
        """When the month's budget was reached, if it was (the owner home's banner)."""
        try:
            item = BudgetNoticeItem.get(keys.salon_pk(salon_id), keys.budget_notice_sk(month))
        except DoesNotExist:
            return None
        return parse_iso_utc(item.reached_at)

    # --- replies ----------------------------------------------------------------------------
    def set_route(self, phone: str, salon_id: str, now: datetime,
                  question: tuple[str, datetime, datetime] | None = None) -> None:
        """`salon_id` wrote to `phone` now; `question`: (appointment id, its start, open until) when
        the text asks for 1/2. A text that asks nothing leaves the salon's open question as it is."""
        item, actions = route_update(phone, salon_id, now, question)
        item.update(actions=actions)

    def reply_routes(self, phone: str) -> list[ReplyRoute]:
        """Every salon that wrote to `phone` (within the items' TTL; legacy items are skipped)."""
        return [ReplyRoute(item.salon_id, parse_iso_utc(item.sent_at), item.appointment_id,
                           parse_iso_utc(item.appointment_start) if item.appointment_start else None,
                           parse_iso_utc(item.question_until) if item.question_until else None)
                for item in RouteItem.query(keys.route_pk(phone), consistent_read=True) if item.sent_at]

    def add_inbound(self, salon_id: str, message_id: str, phone: str, client_id: str | None, body: str,
                    handled_as: str, now: datetime) -> None:
        InboxItem(keys.salon_pk(salon_id), keys.inbox_sk(now, message_id), message_id=message_id, salon_id=salon_id,
                  phone=phone, client_id=client_id, body=body, received_at=iso_utc(now), handled_as=handled_as).save()

    def inbox_of_salon(self, salon_id: str, limit: int = 100) -> list[dict]:
        query = InboxItem.query(keys.salon_pk(salon_id), InboxItem.sk.startswith(keys.INBOX_PREFIX),
                                scan_index_forward=False, limit=limit)
        return [{"id": i.message_id, "phone": i.phone, "client_id": i.client_id, "body": i.body,
                 "received_at": i.received_at, "handled_as": i.handled_as} for i in query]


def route_update(phone: str, salon_id: str, now: datetime,
                 question: tuple[str, datetime, datetime] | None = None) -> tuple[RouteItem, list]:
    """The reply route's item and update actions (OutboxStore.set_route), alone or in a transaction."""
    actions = [RouteItem.kind.set(RouteItem), RouteItem.schema_version.set(SCHEMA_VERSION),
               RouteItem.salon_id.set(salon_id), RouteItem.sent_at.set(iso_utc(now)),
               RouteItem.expires_at.set(max(now + ROUTE_TTL, question[2] if question else now))]
    if question is not None:
        appointment_id, start, until = question
        actions += [RouteItem.appointment_id.set(appointment_id), RouteItem.appointment_start.set(iso_utc(start)),
                    RouteItem.question_until.set(iso_utc(until))]
    return RouteItem(keys.route_pk(phone), keys.route_sk(salon_id)), actions


class SmsCapReached(Exception):
    """A daily cap is used up: the transaction counting the text did not commit."""


def count_sms(tx, salon_id: str, phone: str, day: date, phone_cap: int, salon_cap: int, now: datetime,
              public_caps: tuple[int, int] | None = None) -> None:
    """Add to `tx` the counting of one text against the daily caps (SmsCapReached when one is used
    up) and the reports' month; consume_sms_quota commits it alone, a sign-in code with its item."""
    count_against_caps(tx, salon_id, sms_counters(phone, day, phone_cap, salon_cap, public_caps), now)
    counter_update(tx, salon_id, day.isoformat()[:7], None, {"messages_sent": 1})  # the reports' month


def sms_counters(phone: str, day: date, phone_cap: int, salon_cap: int,
                 public_caps: tuple[int, int] | None = None) -> list[tuple[str, int]]:
    """(counter key, cap) of one text: the phone's and the salon's day, and for a text a public
    action caused, that share of them too."""
    counters = [(keys.sms_count_sk(day, phone), phone_cap), (keys.sms_count_sk(day), salon_cap)]
    if public_caps is not None:
        counters += [(keys.sms_public_count_sk(day, phone), public_caps[0]),
                     (keys.sms_public_count_sk(day), public_caps[1])]
    return counters


def count_against_caps(tx, salon_id: str, counters: list[tuple[str, int]], now: datetime) -> None:
    """Add one to each daily counter in `tx`, each under its cap (SmsCapReached when one is used up)."""
    salon_pk, expires = keys.salon_pk(salon_id), now + COUNTER_TTL
    for sk, cap in counters:
        tx.update(CounterItem(salon_pk, sk),
                  actions=[CounterItem.count.add(1), CounterItem.kind.set(CounterItem),
                           CounterItem.expires_at.set(expires)],
                  condition=CounterItem.count.does_not_exist() | (CounterItem.count < cap),
                  on_fail=lambda reason: SmsCapReached())


class _BudgetReached(Exception):
    pass


class BudgetNoticeItem(Item, discriminator="budget_notice"):
    salon_id = UnicodeAttribute()
    reached_at = UnicodeAttribute()


def _month_actions(salon_id: str, month: str, channel: str, count: int, cost_musd: int) -> list:
    return [ReportItem.kind.set(ReportItem), ReportItem.salon_id.set(salon_id), ReportItem.month.set(month),
            ReportItem.messages_sent.add(count), getattr(ReportItem, f"messages_{channel}").add(count),
            ReportItem.message_cost_musd.add(cost_musd),
            getattr(ReportItem, f"message_cost_{channel}_musd").add(cost_musd)]

