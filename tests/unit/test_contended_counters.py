"""A rate counter contended after every retry is left out of the write, never the reason it fails."""
from datetime import UTC, datetime

import pytest
from pynamodb.exceptions import CancellationReason, TransactWriteError

from chalicelib.domain import rate_limits
from chalicelib.domain.errors import IllegalTransition
from chalicelib.storage import transaction
from chalicelib.storage.models import AppointmentItem, RateCounterItem
from chalicelib.storage.rate_store import add_charges

NOW = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


class _Conflict(TransactWriteError):
    def __init__(self, reasons):
        super().__init__("TransactionCanceledException")
        self._reasons = reasons

    @property
    def cancellation_reasons(self):
        return self._reasons


class _ContendedWrite:
    """TransactWrite's stand-in: rate counters (and, if asked, everything) are always in conflict."""

    attempts: list[list[str]] = []
    contend_all = False

    def __init__(self, connection):
        self.models = []

    def __enter__(self):
        return self

    def update(self, model, **_):
        self.models.append(model)

    def save(self, model, **_):
        self.models.append(model)

    def __exit__(self, *exc):
        _ContendedWrite.attempts.append([type(m).__name__ for m in self.models])
        contended = [isinstance(m, RateCounterItem) or self.contend_all for m in self.models]
        if any(contended):
            raise _Conflict([CancellationReason("TransactionConflict") if c else None for c in contended])
        return False


@pytest.fixture
def contended(monkeypatch):
    _ContendedWrite.attempts, _ContendedWrite.contend_all = [], False
    monkeypatch.setattr(transaction, "TransactWrite", _ContendedWrite)
    monkeypatch.setattr(transaction.time, "sleep", lambda _: None)
    return _ContendedWrite


def _booking_like(tx):
    tx.save(AppointmentItem("SALON#s", "APPT#x"))
    charges = rate_limits.charges(rate_limits.PUBLIC_WRITE, {rate_limits.ADDRESS: "198.51.100.1",
                                                              rate_limits.SALON: "s"}, NOW)
    add_charges(tx, charges, priority=1)


def test_the_write_goes_without_its_counters_when_only_they_stay_contended(contended):
    tx = transaction.Transaction(connection=None)
    _booking_like(tx)
    tx.commit()
    attempts = contended.attempts
    assert len(attempts) == transaction.ATTEMPTS + 1
    assert all("RateCounterItem" in a for a in attempts[:-1])
    assert attempts[-1] == ["AppointmentItem"]


def test_counters_alone_that_stay_contended_let_the_request_pass(contended):
    tx = transaction.Transaction(connection=None)
    add_charges(tx, rate_limits.charges(rate_limits.PUBLIC_WRITE, {rate_limits.ADDRESS: "198.51.100.1"}, NOW))
    tx.commit()  # nothing raised: a guard's own counters never refuse for contention
    assert len(contended.attempts) == transaction.ATTEMPTS


def test_a_contended_write_item_is_still_busy(contended):
    contended.contend_all = True
    tx = transaction.Transaction(connection=None)
    _booking_like(tx)
    with pytest.raises(IllegalTransition) as busy:
        tx.commit()
    assert busy.value.code == "busy"
