"""No usable link at rest: the table, a backup and the owner's views hold only placeholders and
hashes; the text that leaves carries a working link; links expire. On DynamoDB Local."""
import io
import json
from datetime import timedelta

from chalicelib import wiring
from chalicelib.domain.outbox import LINK_PLACEHOLDER, without_tokens
from chalicelib.services import booking, dispatch, manage, sweeps, waitlist
from local import env as local_env
from local.backup import export_table
from tests.conftest import TEST_TABLE
from tests.sent_texts import link_token, sent_text
from tests.sweeps.conftest import BASE, MONDAY, REMINDER_TIME, WEDNESDAY_10, book, messages

# Numbers only this module uses: the dispatcher sends what every salon in the table has due.
CLIENT = "+39 333 400 0001"
WAITING = "+39 347 400 0002"


def table_dump(dynamodb_local) -> str:
    """Every item of the test table, as a backup writes it."""
    client = local_env.dynamodb_client(dynamodb_local.endpoint)
    pages = client.get_paginator("scan").paginate(TableName=TEST_TABLE, ConsistentRead=True)
    return "\n".join(json.dumps(item) for page in pages for item in page["Items"])


def test_no_token_is_stored_and_every_sent_link_works(repo, salon_id, sender, api, dynamodb_local):
    # A booking with an Idempotency-Key (the record seals the token), its confirmation and reminder.
    booked = booking.book(repo, booking.BookingRequest(
        salon_id=salon_id, service_id="color", start=WEDNESDAY_10, name="Anna", phone=CLIENT, staff_id="giulia"),
        MONDAY, idempotency_key="key-1", base_url=BASE, by_salon=True)  # by the salon: the confirmation is texted
    dispatch.dispatch(repo, sender, MONDAY)
    sweeps.sweep_appointments(repo, REMINDER_TIME, BASE)
    dispatch.dispatch(repo, sender, REMINDER_TIME + timedelta(minutes=1))
    stored = {m.kind: m for m in messages(repo, salon_id)}
    confirmation, reminder = stored["booking_confirmation"], stored["reminder"]
    assert LINK_PLACEHOLDER in confirmation.body and LINK_PLACEHOLDER in reminder.body
    tokens = [booked.manage_token, link_token(sent_text(sender, confirmation)),
              link_token(sent_text(sender, reminder))]
    # A waitlisted client is offered the slot the cancellation frees, with a claim link.
    waitlist.join(repo, waitlist.WaitlistRequest(salon_id=salon_id, service_id="color",
                                                 first_day=WEDNESDAY_10.date(), last_day=WEDNESDAY_10.date(),
                                                 name="Bea", phone=WAITING), MONDAY)
    cancelled_at = REMINDER_TIME + timedelta(minutes=2)
    manage.cancel(repo, tokens[1], cancelled_at, BASE)
    sweeps.sweep_offers(repo, cancelled_at, BASE)
    dispatch.dispatch(repo, sender, cancelled_at)
    [offer] = messages(repo, salon_id, "waitlist_offer")
    claim_token = link_token(sent_text(sender, offer), "claim")
    assert len(set(tokens + [claim_token])) == 4

    wiring.set_clock(lambda: cancelled_at + timedelta(minutes=1))
    for token in tokens:  # each link leads to the (now cancelled) booking
        seen = api.http.get(f"/v1/bookings/{token}")
        assert seen.status_code == 200 and seen.json_body["booking"]["id"] == booked.appointment.id
    claimed = api.http.post(f"/v1/bookings/{claim_token}/claim")
    assert claimed.status_code == 200 and claimed.json_body["booking"]["status"] == "booked"

    everything = table_dump(dynamodb_local)
    backup = io.StringIO()
    export_table(local_env.dynamodb_client(dynamodb_local.endpoint), TEST_TABLE, backup)
    for token in tokens + [claim_token]:
        assert token not in everything and token not in backup.getvalue()


def test_a_manage_link_ends_30_days_after_the_appointment(repo, salon_id, api):
    booked = book(repo, salon_id, phone=CLIENT)
    end = booked.appointment.end
    wiring.set_clock(lambda: end + timedelta(days=30) - timedelta(minutes=1))
    assert api.http.get(f"/v1/bookings/{booked.manage_token}").status_code == 200
    wiring.set_clock(lambda: end + timedelta(days=30))
    expired = api.http.get(f"/v1/bookings/{booked.manage_token}")
    unknown = api.http.get("/v1/bookings/" + "x" * 43)
    assert expired.status_code == unknown.status_code == 404
    assert expired.json_body == unknown.json_body  # nothing tells an expired link from a wrong one
    assert api.http.get(f"/manage/{booked.manage_token}").status_code == 404


def test_a_body_stored_with_a_token_is_read_and_backed_up_without_it(repo, salon_id, sender, dynamodb_local):
    """Messages written before links were made at sending: their tokens never show again, and a
    pending one leaves with a fresh working link."""
    from chalicelib.storage import keys
    from chalicelib.storage.models import MessageItem

    booked = book(repo, salon_id, phone=CLIENT, by_salon=True)
    [confirmation] = messages(repo, salon_id, "booking_confirmation")
    old_body = confirmation.body.replace(LINK_PLACEHOLDER, booked.manage_token)
    MessageItem(keys.salon_pk(salon_id), keys.message_sk(confirmation.id)).update(
        actions=[MessageItem.body.set(old_body)])
    assert booked.manage_token in table_dump(dynamodb_local)  # as an old item would be
    backup = io.StringIO()
    export_table(local_env.dynamodb_client(dynamodb_local.endpoint), TEST_TABLE, backup)
    assert booked.manage_token not in backup.getvalue()
    assert repo.get_message(salon_id, confirmation.id).body == without_tokens(old_body) == confirmation.body
    dispatch.dispatch(repo, sender, MONDAY)
    text = sent_text(sender, confirmation)
    assert text is not None and link_token(text) != booked.manage_token
    assert booked.manage_token not in table_dump(dynamodb_local)  # written back without it


def test_no_sign_in_code_or_client_session_is_stored(repo, salon_id, sender, api, dynamodb_local):
    """The client's area: the texted code is stored as an HMAC and in the outbox masked; a
    session as sha256 of its id. Neither the code nor the session token is in the table or a backup."""
    import re

    book(repo, salon_id, phone=CLIENT)
    wiring.set_clock(lambda: MONDAY)
    json_headers = {"Content-Type": "application/json"}
    asked = api.http.post(f"/v1/salons/{salon_id}/sign-in", body=json.dumps({"phone": CLIENT}), headers=json_headers)
    assert asked.status_code == 202
    [sent] = [m["body"] for m in sender.sent]
    code = re.search(r"\b(\d{6})\b", sent).group(1)
    verified = api.http.post(f"/v1/salons/{salon_id}/sign-in/verify",
                             body=json.dumps({"phone": CLIENT, "code": code}), headers=json_headers)
    assert verified.status_code == 200
    token = verified.json_body["token"]
    assert api.http.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    [stored] = messages(repo, salon_id, "sign_in_code")
    assert stored.status.value == "sent" and code not in stored.body and "******" in stored.body

    backup = io.StringIO()
    export_table(local_env.dynamodb_client(dynamodb_local.endpoint), TEST_TABLE, backup)
    standalone = re.compile(rf"(?<![0-9A-Za-z]){code}(?![0-9A-Za-z])")
    for text in (table_dump(dynamodb_local), backup.getvalue()):
        for line in text.splitlines():
            for value in _values(json.loads(line)):
                assert not standalone.search(value), value
        for part in (token, *token.split(".")):
            assert part not in text


def _values(item) -> list[str]:
    """Every string and number stored in a DynamoDB JSON item (maps, lists and sets included)."""
    found = []
    for value in (item.values() if isinstance(item, dict) else item):
        if isinstance(value, dict | list):
            found += _values(value)
        elif isinstance(value, str):
            found.append(value)
    return found
