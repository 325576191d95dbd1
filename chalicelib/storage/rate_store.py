"""Rate-limit counters (a Repository mixin): one item per subject and window, counted with an
atomic `ADD 1` conditioned on `count < max`, so parallel requests can never pass a limit together.
The charges of one request commit together or not at all: a refused request counts nowhere.
Subjects are stored as SHA-256 digests, never as raw addresses or phones."""
import base64
import hashlib
from collections.abc import Iterable
from datetime import timedelta

from ..domain.rate_limits import Charge, refused
from . import keys
from .models import RateCounterItem
from .transaction import Transaction

COUNTER_MARGIN = timedelta(hours=1)  # a counter outlives its window by this, then TTL drops it


def subject_digest(scope: str, subject: str) -> str:
    digest = hashlib.sha256(f"rate\x00{scope}\x00{subject}".encode()).digest()
    return base64.urlsafe_b64encode(digest[:20]).rstrip(b"=").decode("ascii")


def add_charges(tx: Transaction, charges: Iterable[Charge], priority: int = 0) -> None:
    """Add each counter's `ADD 1` to `tx`; a counter at its limit fails the transaction with
    RateLimited (its Retry-After: the end of that counter's window). A counter still contended
    after every retry is left out (transaction.py): a burst is never refused for it."""
    for charge in charges:
        tx.update(
            RateCounterItem(keys.rate_pk(charge.action, charge.scope, subject_digest(charge.scope, charge.subject)),
                            keys.rate_sk(int(charge.window.total_seconds()), charge.window_start)),
            actions=[RateCounterItem.count.add(1), RateCounterItem.kind.set(RateCounterItem),
                     RateCounterItem.expires_at.set(charge.window_end + COUNTER_MARGIN)],
            condition=RateCounterItem.count.does_not_exist() | (RateCounterItem.count < charge.max),
            on_fail=lambda reason, charge=charge: refused(charge), priority=priority, droppable=True)


class RateStore:
    def charge_rate_limits(self, charges: list[Charge]) -> None:
        """One TransactWriteItems of every counter (one request); RateLimited when one is full."""
        if not charges:
            return
        tx = self._transaction()
        add_charges(tx, charges)
        tx.commit()

    def rate_count(self, charge: Charge) -> int:
        """The count of one counter (tests and the owner's view; never on a request path)."""
        digest = subject_digest(charge.scope, charge.subject)
        try:
            item = RateCounterItem.get(keys.rate_pk(charge.action, charge.scope, digest),
                                       keys.rate_sk(int(charge.window.total_seconds()), charge.window_start),
                                       consistent_read=True)
        except RateCounterItem.DoesNotExist:
            return 0
        return int(item.count)
