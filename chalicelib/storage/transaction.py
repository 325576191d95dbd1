"""A TransactWriteItems builder that knows what each item's failed condition means.

Each operation carries `on_fail`: a function from the cancellation reason to the exception to
raise. When several conditions fail, the one added with the highest priority wins (for a
booking: idempotent replay, then restriction, then a taken slot). A TransactionConflict (two
transactions touching the same item at the same moment) is retried with jittered backoff, so
the loser sees the winner's committed state and fails on its condition instead; if contention
outlasts every retry, the item's `on_conflict` answers (a lock: the slot is being taken).
An operation marked `droppable` (a rate-limit counter) never makes the write wait or fail for
contention: when only droppable items are still contended after every retry, they are left out
and the rest is tried again (a burst is never refused because its own counters are busy).
"""
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.errors import IllegalTransition
from ..domain.text import N_

log = logging.getLogger(__name__)
ATTEMPTS = 6
# PynamoDB sends condition checks, deletes, puts, then updates; cancellation reasons follow that order.
_SENT_ORDER = {"condition_check": -1, "delete": 0, "save": 1, "update": 2}


@dataclass
class _Op:
    verb: str
    model: object
    kwargs: dict
    on_fail: Callable | None
    priority: int
    on_conflict: Callable | None = None
    droppable: bool = False


@dataclass
class Transaction:
    connection: Connection
    ops: list[_Op] = field(default_factory=list)

    def save(self, model, condition=None, on_fail=None, priority=0, on_conflict=None):
        kwargs = {"condition": condition}
        if on_fail is not None:
            kwargs["return_values"] = "ALL_OLD"
        self.ops.append(_Op("save", model, kwargs, on_fail, priority, on_conflict))

    def update(self, model, actions, condition=None, on_fail=None, priority=0, droppable=False):
        self.ops.append(_Op("update", model, {"actions": actions, "condition": condition}, on_fail, priority,
                            droppable=droppable))

    def delete(self, model, condition=None, on_fail=None, priority=0):
        self.ops.append(_Op("delete", model, {"condition": condition}, on_fail, priority))

    def check(self, model_cls, hash_key, range_key, condition, on_fail=None, priority=0):
        """An item this transaction does not write but needs to be as `condition` says when it commits."""
        self.ops.append(_Op("condition_check", model_cls, {"hash_key": hash_key, "range_key": range_key,
                                                           "condition": condition}, on_fail, priority))

    def commit(self) -> None:
        ops = sorted(self.ops, key=lambda op: _SENT_ORDER[op.verb])
        attempt = -1
        while True:
            attempt += 1
            try:
                with TransactWrite(connection=self.connection) as tx:
                    for op in ops:
                        getattr(tx, op.verb)(op.model, **op.kwargs)
                return
            except TransactWriteError as error:
                reasons = error.cancellation_reasons or []
                failed = [(op, reason) for op, reason in zip(ops, reasons)
                          if reason is not None and reason.code == "ConditionalCheckFailed"]
                if failed:
                    op, reason = max(failed, key=lambda pair: pair[0].priority)
                    if op.on_fail is None:
                        raise
                    raise op.on_fail(reason) from error
                conflicted = [op for op, r in zip(ops, reasons) if r is not None and r.code == "TransactionConflict"]
                if not conflicted:
                    raise
                if attempt == ATTEMPTS - 1:
                    if all(op.droppable for op in conflicted):
                        log.warning("rate counters contended after %d attempts: the write goes without them", ATTEMPTS)
                        ops, attempt = [op for op in ops if not op.droppable], -1
                        if not ops:
                            return
                        continue
                    # Still contended after every retry: someone else is taking these items now.
                    raise _busy(conflicted) from error
                time.sleep(random.uniform(0.01, 0.03) * 2 ** attempt)


def _busy(conflicted: list[_Op]) -> Exception:
    handlers = [op.on_conflict for op in conflicted if op.on_conflict is not None]
    if handlers:
        return handlers[0]()
    return IllegalTransition(N_("Someone else is changing this at the same moment. Please try again."), "busy")
