"""Storage for the owner's client files: search, edits, access, exports, erasure (a Repository mixin).

Everything here is a GetItem, a Query or a transaction. Reading every client file of a salon is
a Query on its partition (`CLIENT#` items), which is fine for a salon's few thousand clients."""
from collections.abc import Iterator
from datetime import date, datetime

from pynamodb.exceptions import DeleteError, UpdateError

from ..domain.appointment import Appointment, Status
from ..domain.client import Access, Client
from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.errors import IllegalTransition
from ..domain.outbox import MessageStatus, OutboxMessage
from ..domain.text import N_
from . import keys, mapping
from .conflicts import phone_taken
from .models import (
    AppointmentItem,
    ClientItem,
    ErasureRequestItem,
    InboxItem,
    Item,
    MessageItem,
    PhoneItem,
    RouteItem,
    WaitlistItem,
)

# Client attributes the owner side edits, domain field -> item attribute.
_EDITABLE = {"name": ClientItem.name, "phone": ClientItem.phone, "email": ClientItem.email,
             "locale": ClientItem.locale, "notes": ClientItem.notes, "allergies": ClientItem.allergies,
             "recall_consent": ClientItem.recall_consent, "email_suppressed": ClientItem.email_suppressed}
_NOT_SERVED = [Status.CANCELLED.value, Status.HELD.value]  # a waitlist hold is an offer, not a client of theirs
_UNSENT = [MessageStatus.PENDING.value, MessageStatus.SENDING.value]


class ClientsStore:
    # --- search ------------------------------------------------------------------------------
    def clients_by_name(self, salon_id: str, folded_prefix: str, limit: int) -> list[Client]:
        """GSI1, the salon's clients by folded name: those whose name starts with the prefix."""
        query = Item.history_index.query(keys.clients_pk(salon_id),
                                         Item.gsi1sk.startswith(keys.client_name_prefix(folded_prefix)), limit=limit)
        return [mapping.client_from_item(item) for item in query if isinstance(item, ClientItem)]

    def salon_clients(self, salon_id: str) -> Iterator[Client]:
        """Every client file of the salon: one Query, paged (search by digits or word, exports)."""
        query = ClientItem.query(keys.salon_pk(salon_id), ClientItem.sk.startswith(keys.CLIENT_PREFIX))
        return (mapping.client_from_item(item) for item in query)

    def served_by(self, salon_id: str, client_id: str, staff_id: str) -> bool:
        """Whether the client has an appointment (not cancelled) with this staff member."""
        query = Item.history_index.query(
            keys.client_history_pk(salon_id, client_id), Item.gsi1sk.startswith(keys.APPOINTMENT_PREFIX),
            filter_condition=(AppointmentItem.staff_id == staff_id) & ~AppointmentItem.status.is_in(*_NOT_SERVED))
        return next(iter(query), None) is not None

    # --- the file ----------------------------------------------------------------------------
    def client_messages(self, salon_id: str, client_id: str, newest_first: bool = True,
                        limit: int | None = None) -> list[OutboxMessage]:
        """The client's outbox messages: GSI1, the history partition, under MSG#."""
        query = Item.history_index.query(keys.client_history_pk(salon_id, client_id),
                                         Item.gsi1sk.startswith(keys.MESSAGE_PREFIX),
                                         scan_index_forward=not newest_first, limit=limit)
        return [mapping.message_from_item(item) for item in query if isinstance(item, MessageItem)]

    def client_appointment(self, salon_id: str, client_id: str, appointment_id: str) -> Appointment | None:
        """One of the client's appointments: found on GSI1, then read from the table (consistent)."""
        for appt in self.client_appointments(salon_id, client_id):
            if appt.id == appointment_id:
                return self.get_appointment(salon_id, appt.start, appt.id)
        return None

    def client_waitlist(self, salon_id: str, client_id: str) -> list[dict]:
        """The client's waitlist entries (they expire 30 days after their last day, so few are kept)."""
        query = WaitlistItem.query(keys.salon_pk(salon_id), WaitlistItem.sk.startswith(keys.WAITLIST_PREFIX),
                                   filter_condition=WaitlistItem.client_id == client_id)
        return [{"id": i.entry_id, "sk": i.sk, "service_id": i.service_id, "staff_id": i.staff_id,
                 "first_day": i.first_day, "last_day": i.last_day, "status": i.status, "created_at": i.created_at}
                for i in query]

    def client_inbound(self, salon_id: str, client_id: str, phone: str) -> list[dict]:
        """Texts received from the client (matched by client, or by phone before there was a file)."""
        match = InboxItem.client_id == client_id
        if phone:
            match |= InboxItem.phone == phone
        query = InboxItem.query(keys.salon_pk(salon_id), InboxItem.sk.startswith(keys.INBOX_PREFIX),
                                filter_condition=match)
        return [{"id": i.message_id, "sk": i.sk, "body": i.body, "received_at": i.received_at,
                 "handled_as": i.handled_as} for i in query]

    # --- changes -----------------------------------------------------------------------------
    def update_client(self, salon_id: str, before: Client, after: Client) -> None:
        """Write only the edited attributes (the sweeps update counters on the same item). A new
        phone moves the PHONE claim in the same transaction: PhoneTaken when another client holds it."""
        actions = [_set(attribute, getattr(after, name)) for name, attribute in _EDITABLE.items()
                   if getattr(before, name) != getattr(after, name)]
        if before.name != after.name:
            actions.append(ClientItem.gsi1sk.set(keys.client_name_sk(mapping.fold_name(after.name), after.id)))
        if not actions:
            return
        pk = keys.salon_pk(salon_id)
        condition = ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist()
        tx = self._transaction()
        if before.phone != after.phone:
            condition &= ClientItem.phone == before.phone
            tx.save(PhoneItem(pk, keys.phone_sk(after.phone), client_id=after.id,
                              card=mapping.card_to_dict(after.card) if after.card else None),
                    condition=PhoneItem.pk.does_not_exist(), on_fail=phone_taken, priority=2)
            tx.delete(PhoneItem(pk, keys.phone_sk(before.phone)),
                      condition=PhoneItem.pk.does_not_exist() | (PhoneItem.client_id == before.id),
                      on_fail=_client_changed)
        tx.update(ClientItem(pk, keys.client_sk(before.id)), actions=actions, condition=condition,
                  on_fail=_client_changed, priority=1)
        tx.commit()

    def set_client_access(self, salon_id: str, client_id: str, access: Access, until: date | None,
                          messages: tuple[OutboxMessage, ...] = ()) -> None:
        """Restrict, ban or lift, with the notice it sends, in one transaction."""
        tx = self._transaction()
        until_action = (ClientItem.restricted_until.set(until.isoformat()) if until
                        else ClientItem.restricted_until.remove())
        actions = [ClientItem.access.set(access.value), until_action]
        tx.update(ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id)), actions=actions,
                  condition=ClientItem.pk.exists())
        for message in messages:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        tx.commit()

    # --- erasure -----------------------------------------------------------------------------
    def erase_client(self, salon_id: str, client: Client, erased_name: str, now: datetime) -> None:
        """Blank the client's personal data wherever it was written; appointments and counters stay.
        The satellites go first and the file last: if this stops midway, the file still has its
        name and can be erased again."""
        pk = keys.salon_pk(salon_id)
        for item in Item.history_index.query(keys.client_history_pk(salon_id, client.id),
                                             Item.gsi1sk.startswith(keys.MESSAGE_PREFIX)):
            if isinstance(item, MessageItem):
                _blank_message(item)
        for appt in self.client_appointments(salon_id, client.id):
            if appt.notes:
                AppointmentItem(pk, keys.appointment_sk(appt.start, appt.id)).update(
                    actions=[AppointmentItem.notes.set("")], condition=AppointmentItem.pk.exists())
        for received in self.client_inbound(salon_id, client.id, client.phone):
            InboxItem(pk, received["sk"]).update(actions=[InboxItem.body.set(""), InboxItem.phone.set(""),
                                                          InboxItem.client_id.set(client.id)],
                                                 condition=InboxItem.pk.exists())
        for entry in self.client_waitlist(salon_id, client.id):
            if entry["status"] == "waiting":
                _quietly(UpdateError, WaitlistItem(pk, entry["sk"]).update,
                         actions=[WaitlistItem.status.set("closed")], condition=WaitlistItem.status == "waiting")
        if client.phone:
            _quietly(DeleteError, RouteItem(keys.route_pk(client.phone), keys.ROUTE_SK).delete,
                     condition=RouteItem.salon_id == salon_id)  # a legacy item, if it points here
            RouteItem(keys.route_pk(client.phone), keys.route_sk(salon_id)).delete()
        tx = self._transaction()
        if client.phone:
            tx.delete(PhoneItem(pk, keys.phone_sk(client.phone)),
                      condition=PhoneItem.pk.does_not_exist() | (PhoneItem.client_id == client.id),
                      on_fail=_client_changed)
        tx.update(ClientItem(pk, keys.client_sk(client.id)), actions=[
            ClientItem.name.set(erased_name), ClientItem.phone.set(""), ClientItem.email.remove(),
            ClientItem.notes.set(""), ClientItem.allergies.set(""), ClientItem.recall_consent.set(False),
            ClientItem.erased_at.set(iso_utc(now)), ClientItem.gsi1pk.remove(), ClientItem.gsi1sk.remove(),
            ClientItem.card.remove(),  # the provider's ids of their card go with the person
        ], condition=ClientItem.erased_at.does_not_exist() & (ClientItem.phone == client.phone),
            on_fail=_client_changed)
        tx.delete(ErasureRequestItem(pk, keys.erasure_request_sk(client.id)))  # the request is answered
        tx.commit()

    # --- the client's request to delete their data -------------------------------------------
    def request_erasure(self, salon_id: str, client_id: str, now: datetime) -> None:
        """The client asked (in their area) to delete their data: the file keeps the first time
        they asked, and an ERASURE_REQUEST# item lists them for the owner; one transaction.
        IllegalTransition when the file is gone or already erased."""
        pk, asked = keys.salon_pk(salon_id), iso_utc(now)
        tx = self._transaction()
        tx.update(ClientItem(pk, keys.client_sk(client_id)),
                  actions=[ClientItem.erasure_requested_at.set(ClientItem.erasure_requested_at | asked)],
                  condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist(), on_fail=_client_changed)
        tx.update(ErasureRequestItem(pk, keys.erasure_request_sk(client_id)),
                  actions=[ErasureRequestItem.kind.set(ErasureRequestItem), ErasureRequestItem.salon_id.set(salon_id),
                           ErasureRequestItem.client_id.set(client_id),
                           ErasureRequestItem.requested_at.set(ErasureRequestItem.requested_at | asked)])
        tx.commit()

    def erasure_requests(self, salon_id: str) -> list[tuple[str, datetime]]:
        """(client id, when they first asked) of every client waiting for the owner to erase them: one Query."""
        query = ErasureRequestItem.query(keys.salon_pk(salon_id),
                                         ErasureRequestItem.sk.startswith(keys.ERASURE_REQUEST_PREFIX))
        return [(item.client_id, parse_iso_utc(item.requested_at)) for item in query]


def _client_changed(reason) -> IllegalTransition:
    return IllegalTransition(N_("This client's file was changed a moment ago. Reload it and try again."),
                             "client_changed")


def _set(attribute, value):
    return attribute.remove() if value is None else attribute.set(value)


def _blank_message(item: MessageItem) -> None:
    """Body and phone go. A message not sent yet is cancelled first; dropping its claim makes a
    dispatcher that holds it fail to write the old text back."""
    blank = [MessageItem.body.set(""), MessageItem.phone.set(""), MessageItem.claim_id.remove()]
    cancel = [MessageItem.status.set(MessageStatus.CANCELLED.value), MessageItem.reason.set("client erased"),
              MessageItem.lease_until.remove(), MessageItem.gsi2pk.remove(), MessageItem.gsi2sk.remove()]
    target = MessageItem(item.pk, item.sk)
    try:
        target.update(actions=blank + cancel, condition=MessageItem.status.is_in(*_UNSENT))
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
        target.update(actions=blank, condition=MessageItem.pk.exists())


def _quietly(error_type, operation, **kwargs) -> None:
    """A conditional write whose failed condition means there is nothing to do."""
    try:
        operation(**kwargs)
    except error_type as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
