"""Money in minor units: deposit rules, what a client owes, card-on-file requirements."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chalicelib.domain.errors import InvalidRequest
from chalicelib.domain.money import (
    CardOnFile,
    DepositKind,
    DepositRule,
    Movement,
    MovementKind,
    format_amount,
    owed,
    paid_in,
    to_minor,
)
from chalicelib.domain.policy import Policy

AT = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)


def move(kind: str, amount: int) -> Movement:
    return Movement(MovementKind(kind), amount, "EUR", AT)


@pytest.mark.parametrize(("text", "minor"), [("20", 2000), ("20.00", 2000), ("0.05", 5), ("1234.5", 123450)])
def test_amounts_become_integer_cents(text, minor):
    assert to_minor(text, "EUR") == minor and isinstance(to_minor(text, "EUR"), int)


@pytest.mark.parametrize("text", ["-1", "abc", "1.005", "NaN", "Infinity", "1e9"])
def test_amounts_that_are_not_money_are_refused(text):
    with pytest.raises(InvalidRequest):
        to_minor(text, "EUR")


def test_amounts_are_shown_with_the_currencys_decimals():
    assert format_amount(2000, "EUR") == "20.00"
    assert format_amount(5, "EUR") == "0.05"
    assert format_amount(1500, "JPY") == "1500"


def test_a_fixed_deposit_is_its_amount_and_a_percent_rounds_half_up():
    assert DepositRule(DepositKind.FIXED, 2000).amount(Decimal("55.00"), "EUR") == 2000
    assert DepositRule(DepositKind.PERCENT, 30).amount(Decimal("55.00"), "EUR") == 1650
    assert DepositRule(DepositKind.PERCENT, 15).amount(Decimal("0.10"), "EUR") == 2  # 1.5 cents -> 2
    assert DepositRule().amount(Decimal("55.00"), "EUR") == 0


@pytest.mark.parametrize(("kind", "value"), [(DepositKind.PERCENT, 0), (DepositKind.PERCENT, 101),
                                              (DepositKind.FIXED, 0)])
def test_impossible_deposit_rules_are_refused(kind, value):
    with pytest.raises(InvalidRequest):
        DepositRule(kind, value)


def test_a_deposit_without_a_fee_owes_nothing():
    assert owed((move("deposit", 2000),)) == 0
    assert owed((move("deposit", 2000), move("refund", 2000))) == 0


def test_a_fee_is_reduced_by_the_kept_deposit_and_by_what_is_paid_or_waived():
    assert owed((move("deposit", 2000), move("fee", 3000))) == 1000
    assert owed((move("deposit", 2000), move("fee", 3000), move("charge", 1000))) == 0
    assert owed((move("fee", 3000), move("cash", 500), move("waived", 500))) == 2000
    assert owed((move("deposit", 2000), move("refund", 2000), move("fee", 3000))) == 3000
    assert owed((move("deposit", 5000), move("fee", 3000))) == 0  # never negative


def test_paid_in_is_what_a_refund_may_give_back():
    assert paid_in((move("deposit", 2000), move("charge", 1000), move("refund", 500))) == 2500


def test_movements_are_positive():
    with pytest.raises(InvalidRequest):
        move("fee", 0)


def test_card_on_file_after_the_ladders_warning_or_always():
    assert not Policy().requires_card(5)
    assert Policy(card_on_file=CardOnFile.ALWAYS).requires_card(0)
    after_warning = Policy(card_on_file=CardOnFile.AFTER_WARNING)
    assert not after_warning.requires_card(1) and after_warning.requires_card(2)
