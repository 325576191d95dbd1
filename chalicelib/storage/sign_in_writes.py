"""The writes of a request for a sign-in code (a Repository mixin), shaped so that a known and an
unknown phone cost the same DynamoDB requests (services/client_area/sign_in.py):

1. one transaction issues the code item (over the previous one exactly as it was read) and, for a
   text that will leave, counts it against the daily caps;
2. one transaction records on the code item what became of its text (`text_id`: the outbox
   message, or "" when nothing was texted) with, for a client, that message and its reply route.

When the caps refuse the text, the second transaction issues the code with the failed message
instead, so that path costs two transactions as well."""
from datetime import date, datetime

from ..domain.outbox import OutboxMessage
from ..domain.sign_in import SignInCode
from . import keys, mapping
from .client_area_store import code_item, issued_at_text
from .models import MessageItem, SignInCodeItem
from .outbox_store import count_sms, route_update


class CodeRaced(Exception):
    """Another request for this phone replaced the code between our read and our write."""


class SignInWrites:
    def issue_sign_in_code(self, previous: SignInCode | None, code: SignInCode,
                           caps: tuple[date, int, int, datetime] | None = None) -> None:
        """The code item, and with `caps` (salon day, phone cap, salon cap, now) its text counted.
        Raises CodeRaced, or outbox_store.SmsCapReached (nothing is written then)."""
        tx = self._transaction()
        _put_code(tx, previous, code, None)
        if caps is not None:
            day, phone_cap, salon_cap, now = caps
            count_sms(tx, code.salon_id, code.phone, day, phone_cap, salon_cap, now)
        tx.commit()

    def issue_sign_in_code_untexted(self, previous: SignInCode | None, code: SignInCode,
                                    message: OutboxMessage) -> None:
        """The code item with the message that could not carry it (a cap was used up). Raises CodeRaced."""
        tx = self._transaction()
        _put_code(tx, previous, code, message.id)
        tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        tx.commit()

    def note_sign_in_text(self, code: SignInCode, message: OutboxMessage | None, routed_at: datetime | None) -> None:
        """What became of the code's text: `message` stored (None: nothing to store), and the reply
        route when it left (`routed_at`), in one transaction with the code item's `text_id`."""
        tx = self._transaction()
        tx.update(SignInCodeItem(keys.sign_in_pk(code.salon_id, code.phone), keys.SIGN_IN_SK),
                  actions=[SignInCodeItem.text_id.set(message.id if message else "")],
                  condition=SignInCodeItem.pk.exists())
        if message is not None:
            tx.save(mapping.message_to_item(message), condition=MessageItem.pk.does_not_exist())
        if routed_at is not None:
            route, actions = route_update(code.phone, code.salon_id, routed_at)
            tx.update(route, actions=actions)
        tx.commit()


def _put_code(tx, previous: SignInCode | None, code: SignInCode, text_id: str | None) -> None:
    item = code_item(code)
    item.text_id = text_id
    condition = (SignInCodeItem.pk.does_not_exist() if previous is None
                 else SignInCodeItem.issued_at == issued_at_text(previous))
    tx.save(item, condition=condition, on_fail=lambda reason: CodeRaced())
