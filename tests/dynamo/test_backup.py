"""`make export` / `make restore`: a table with every kind of item goes to JSON lines and back
into an empty table, identical."""
import io
from datetime import UTC, date, datetime, timedelta

from chalicelib import auth, wiring
from chalicelib.services import booking, waitlist
from chalicelib.storage.table import ensure_table
from local import env as local_env
from local.backup import export_table, restore_table
from local.demo import seed

NOW = datetime(2026, 3, 23, 8, 0, tzinfo=UTC)


def scan(client, table: str) -> dict:
    items = {}
    for page in client.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            items[(item["PK"]["S"], item["SK"]["S"])] = item
    return items


def test_every_kind_of_item_survives_export_and_restore(dynamodb_local):
    client = local_env.dynamodb_client(dynamodb_local.endpoint)
    source, target = "chairtime-backup-source", "chairtime-backup-target"
    ensure_table(client, source)
    ensure_table(client, target)
    local_env.apply(dynamodb_local.endpoint, TABLE_NAME=source)
    wiring.reset()
    try:
        repo = wiring.repository()
        seed(repo, "demo")
        booking.book(repo, booking.BookingRequest(
            salon_id="demo", service_id="color", start=datetime(2026, 3, 24, 9, 0, tzinfo=UTC),
            name="Anna", phone="+39 333 123 4567", staff_id="giulia"), NOW, idempotency_key="k-1", base_url="x")
        waitlist.join(repo, waitlist.WaitlistRequest(salon_id="demo", service_id="color", first_day=date(2026, 3, 25),
                                                     last_day=date(2026, 3, 27), name="Bea",
                                                     phone="+39 333 765 4321"), NOW)
        repo.add_inbound("demo", "in-1", "+393331234567", None, "ciao", "inbox", NOW)
        repo.advance_cursor("appt", NOW.date())
        assert repo.consume_sms_quota("demo", "+393331234567", NOW.date(), 5, 50, NOW)
        repo.set_route("+393331234567", "demo", NOW)
        auth.create_user(auth.accounts(), "demo", "owner@backup.example", "a-long-password-2026", "owner", NOW)
        repo.replace_feed("demo", "giulia", "f" * 64, NOW + timedelta(minutes=1))
    finally:
        wiring.reset()

    exported = io.StringIO()
    count = export_table(client, source, exported)
    kinds = {item["kind"]["S"] for item in scan(client, source).values()}
    assert {"salon", "service", "staff", "client", "phone", "appointment", "lock", "token", "idempotency",
            "message", "waitlist", "inbound", "cursor", "sms_count", "route", "user", "audit"} <= kinds
    assert {"ical_feed", "ical_feed_pointer"} <= kinds
    assert restore_table(client, target, io.StringIO(exported.getvalue())) == count
    assert scan(client, target) == scan(client, source)
