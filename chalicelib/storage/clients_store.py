"""Storage for the owner's client files: search, notes, access, exports, erasure (a Repository mixin)."""
from datetime import date

from ..domain.client import Access
from ..domain.outbox import OutboxMessage
from . import keys, mapping
from .models import ClientItem, MessageItem


class ClientsStore:
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
