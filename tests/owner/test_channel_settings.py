"""The channels page: the owner turns channels on with their settings, orders them, overrides the
published prices, sets a monthly budget, and sees the month's messages and estimated cost."""
from datetime import timedelta
from decimal import Decimal

import pytest

from chalicelib.auth import roles
from chalicelib.domain.channels import EMAIL, SMS, WHATSAPP
from tests.conftest import MONDAY_MORNING
from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    audit,
    field_error,
    own_address,
    pinned_clock,
    signed,
    text,
)

pytestmark = pytest.mark.dynamodb_local
PAGE = "/owner/settings/channels"
FORM = {"enable_whatsapp": "1", "enable_email": "1", "enable_sms": "1", "order_1": "email", "order_2": "whatsapp",
        "order_3": "sms", "email_from": "studio@example.com", "whatsapp_phone_number_id": "phone-number-id-0123abcd",
        "price_whatsapp": "", "price_email": "", "price_sms": "0.075", "monthly_budget_usd": "40"}


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def test_the_page_shows_the_published_prices_with_their_date_and_the_months_figures(owner, repo, salon_id):
    month = MONDAY_MORNING.strftime("%Y-%m")
    assert repo.consume_channel_quota(salon_id, SMS, "+393331234567", MONDAY_MORNING.date(), (5, 50),
                                      MONDAY_MORNING, month, 180000) is None  # a two-part SMS, $0.18
    page = text(owner.get(PAGE))
    assert "published prices of 2026-10-01 for IT" in page
    assert "(published: 0.0900)" in page and "(published: 0.0300)" in page
    assert "<td>1</td><td>0.1800</td>" in page


def test_saving_turns_channels_on_orders_them_overrides_a_price_and_sets_the_budget(owner, repo, salon_id):
    response = owner.submit(PAGE, **FORM)
    assert response.status_code == 303 and "done=saved" in response.headers["Location"]
    salon = repo.load_salon(salon_id)[0]
    assert salon.channels_enabled == (WHATSAPP, EMAIL, SMS) and salon.channel_order == (EMAIL, WHATSAPP, SMS)
    assert salon.email_from == "studio@example.com" and salon.whatsapp_phone_number_id == "phone-number-id-0123abcd"
    assert salon.price_overrides == {SMS: {"IT": Decimal("0.075")}} and salon.monthly_budget_usd == Decimal("40")
    assert salon.price_table.price(SMS, "IT") == Decimal("0.075")
    [entry] = audit(salon_id, "settings_changed")
    assert entry.target == "settings:channels" and "enable_email" in entry.details["changes"]
    again = owner.submit(PAGE, **FORM)
    assert "done=unchanged" in again.headers["Location"] and len(audit(salon_id, "settings_changed")) == 1
    # WhatsApp's marketing rate (recalls, offers) is a price of its own.
    assert "(published: 0.0691)" in text(owner.get(PAGE))
    assert owner.submit(PAGE, **{**FORM, "price_whatsapp_marketing": "0.06"}).status_code == 303
    salon = repo.load_salon(salon_id)[0]
    assert salon.price_table.estimate(WHATSAPP, "IT", marketing=True) == Decimal("0.06")
    assert salon.price_table.estimate(WHATSAPP, "IT") == Decimal("0.0300")


@pytest.mark.parametrize("field, value, problem", [
    ("email_from", "", "E-mail needs the sender address"),
    ("email_from", "not an address", "Enter an address like"),
    ("whatsapp_phone_number_id", "12345", "Enter the id like"),
    ("price_sms", "-1", "Enter a price in USD"),
    ("monthly_budget_usd", "lots", "Enter an amount"),
    ("order_2", "email", "Put each channel once"),
])
def test_a_wrong_field_is_refused_beside_it_and_nothing_is_saved(owner, repo, salon_id, field, value, problem):
    response = owner.submit(PAGE, **{**FORM, field: value})
    shown = "order_1" if field == "order_2" else field
    assert response.status_code == 400 and problem in field_error(response, shown)
    assert repo.load_salon(salon_id)[0].channels_enabled == (SMS,)


def test_the_json_twin_reads_and_patches_the_same_settings(owner, repo, salon_id):
    answer = owner.json("PATCH", "/v1/admin/settings/channels", {"enable_email": True,
                                                                 "email_from": "studio@example.com"})
    assert answer.status_code == 200, answer.json_body
    body = answer.json_body
    assert body["enabled"] == [EMAIL, SMS] and body["prices"]["published_on"] == "2026-10-01"
    assert {c["channel"] for c in body["month"]["channels"]} == {WHATSAPP, EMAIL, SMS}
    refused = owner.json("PATCH", "/v1/admin/settings/channels", {"enable_whatsapp": True})
    assert refused.status_code == 400 and refused.json_body["error"]["code"] == "invalid_request"
    assert "whatsapp_phone_number_id" in refused.json_body["error"]["fields"]


def test_front_desk_may_not_see_or_change_the_channels(api, salon_id):
    desk = signed(api, salon_id, roles.FRONT_DESK)
    assert desk.get(PAGE).status_code == 403
    assert desk.json("GET", "/v1/admin/settings/channels").status_code == 403


def test_the_owner_home_says_when_the_months_budget_was_reached(owner, repo, salon_id):
    month = MONDAY_MORNING.strftime("%Y-%m")
    assert "budget" not in text(owner.get("/owner")).lower()
    assert repo.note_budget_reached(salon_id, month, MONDAY_MORNING - timedelta(hours=1))
    home = text(owner.get("/owner"))
    assert "message budget was reached" in home and "/owner/settings/channels" in home


def test_the_messages_page_shows_each_messages_channel_cost_and_tries(owner, repo, salon_id):
    from chalicelib.domain.ids import new_id
    from chalicelib.domain.outbox import MessageStatus, OutboxMessage

    message = OutboxMessage(
        id=new_id(), salon_id=salon_id, kind="reminder", phone="+393331234567", locale="it", body="Promemoria",
        not_before=MONDAY_MORNING, created_at=MONDAY_MORNING, status=MessageStatus.SENT, attempts=1,
        provider_message_id="local-1", sent_at=MONDAY_MORNING, channel=SMS, parts=2, cost_usd=Decimal("0.1800"),
        delivery_status="sent", attempt_log=((EMAIL, "MessageRejected"), (SMS, "sent")))
    repo.add_message(message)
    page = text(owner.get("/owner/messages"))
    assert "By sms, estimated 0.1800 USD" in page and "Tried: email: MessageRejected; sms: sent" in page
    [shown] = [m for m in owner.json("GET", "/v1/admin/messages").json_body["messages"] if m["id"] == message.id]
    assert shown["channel"] == SMS and shown["parts"] == 2 and shown["cost_usd"] == "0.1800"
    assert shown["attempt_log"] == [{"channel": EMAIL, "outcome": "MessageRejected"},
                                    {"channel": SMS, "outcome": "sent"}]


def test_the_owner_chooses_whether_online_actions_are_confirmed_by_text_too(owner, repo, salon_id):
    assert repo.load_salon(salon_id)[0].policy.text_receipts is False  # by default: the page and e-mail do
    page = text(owner.get("/owner/settings/policies"))
    assert "Also by text when clients book, move or cancel online themselves" in page
    patched = owner.json("PATCH", "/v1/admin/settings/policies", {"text_receipts": True})
    assert patched.status_code == 200 and patched.json_body["text_receipts"] is True
    assert repo.load_salon(salon_id)[0].policy.text_receipts is True
    assert owner.json("GET", "/v1/admin/settings").json_body["policies"]["text_receipts"] is True
    refused = owner.json("PATCH", "/v1/admin/settings/policies", {"text_receipts": "sometimes"})
    assert refused.status_code == 400 and repo.load_salon(salon_id)[0].policy.text_receipts is True
