"""What the channels' inbound events change (a Repository mixin): a client's WhatsApp window and
opt-out, e-mail suppression, and the delivery status of a sent message found by the provider's id."""
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError

from ..domain.client import Client
from ..domain.clock import iso_utc
from ..domain.outbox import OutboxMessage
from . import keys, mapping
from .models import ClientItem, MessageItem, ProviderMessageItem

# Delivery reports come within days of the send; the pointer then only costs storage.
PROVIDER_POINTER_TTL = timedelta(days=30)


class ChannelsStore:
    # --- the client's reach ---------------------------------------------------------------------
    def set_client_reach(self, salon_id: str, client_id: str, preferred_channel: str | None, email: str | None,
                         whatsapp_consent: bool, marketing_consent: bool) -> None:
        """The client's own choice (their area): channel, e-mail and consents. A new address is not
        known to bounce: its suppression is lifted with it."""
        item = ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id))
        actions = [ClientItem.preferred_channel.set(preferred_channel) if preferred_channel
                   else ClientItem.preferred_channel.remove(),
                   ClientItem.email.set(email) if email else ClientItem.email.remove(),
                   ClientItem.whatsapp_consent.set(whatsapp_consent),
                   ClientItem.marketing_consent.set(marketing_consent)]
        stored = self.get_client(salon_id, client_id)
        if stored is not None and (stored.email or None) != email:
            actions.append(ClientItem.email_suppressed.set(False))
        item.update(actions=actions, condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist())

    def record_whatsapp_inbound(self, salon_id: str, client_id: str, now: datetime,
                                opt_out: bool | None = None) -> None:
        """The client wrote on WhatsApp now (the free 24-hour window opens); STOP/START set the opt-out."""
        actions = [ClientItem.whatsapp_last_inbound_at.set(iso_utc(now))]
        if opt_out is not None:
            actions.append(ClientItem.whatsapp_opt_out.set(opt_out))
        try:
            ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id)).update(
                actions=actions, condition=ClientItem.pk.exists() & ClientItem.erased_at.does_not_exist())
        except UpdateError as error:
            if error.cause_response_code != "ConditionalCheckFailedException":
                raise

    def clients_with_email(self, salon_id: str, email: str) -> list[Client]:
        """The salon's clients with this address (case-insensitive domain, as stored): one Query of
        the salon's client items, filtered. Bounces and complaints are rare; no index is kept for them."""
        wanted = {email, _lower_domain(email)}
        query = ClientItem.query(keys.salon_pk(salon_id), ClientItem.sk.startswith(keys.CLIENT_PREFIX),
                                 filter_condition=ClientItem.email.is_in(*wanted))
        return [mapping.client_from_item(item) for item in query if isinstance(item, ClientItem)]

    def suppress_email(self, salon_id: str, client_id: str, email: str) -> bool:
        """Never e-mail this client at this address again; False if it no longer has that address
        or is already suppressed (so a repeated notification changes nothing)."""
        try:
            ClientItem(keys.salon_pk(salon_id), keys.client_sk(client_id)).update(
                actions=[ClientItem.email_suppressed.set(True)],
                condition=(ClientItem.email == email) & (ClientItem.email_suppressed.does_not_exist()
                                                         | (ClientItem.email_suppressed == False)))  # noqa: E712
            return True
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise

    # --- delivery reports -------------------------------------------------------------------------
    def link_provider_message(self, message: OutboxMessage, provider_message_id: str, now: datetime) -> None:
        """Remember which outbox message a provider id belongs to (delivery reports carry only it)."""
        ProviderMessageItem(keys.provider_message_pk(provider_message_id), keys.PROVIDER_MESSAGE_SK,
                            salon_id=message.salon_id, message_id=message.id,
                            expires_at=now + PROVIDER_POINTER_TTL).save()

    def message_for_provider_id(self, provider_message_id: str) -> OutboxMessage | None:
        try:
            pointer = ProviderMessageItem.get(keys.provider_message_pk(provider_message_id), keys.PROVIDER_MESSAGE_SK)
        except DoesNotExist:
            return None
        return self.get_message(pointer.salon_id, pointer.message_id)

    def set_delivery_status(self, message: OutboxMessage, status: str, reason: str | None = None) -> None:
        """A provider's delivery report on a sent message. Only this attribute (and the reason of a
        failure) is written, so it never races the dispatcher's writes."""
        actions = [MessageItem.delivery_status.set(status)]
        if reason:
            actions.append(MessageItem.reason.set(reason[:200]))
        MessageItem(keys.salon_pk(message.salon_id), keys.message_sk(message.id)).update(
            actions=actions, condition=MessageItem.pk.exists())


def _lower_domain(email: str) -> str:
    local, _, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}" if local else email
