"""PynamoDB models: private to the storage package. One polymorphic base, one subclass per
entity kind (the `kind` attribute tells them apart when a query returns several kinds)."""
from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from . import table

SCHEMA_VERSION = 1


class ClientHistoryIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = table.GSI1
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name=table.GSI1PK)
    gsi1sk = UnicodeAttribute(range_key=True, attr_name=table.GSI1SK)


class DueIndex(GlobalSecondaryIndex):
    class Meta:
        index_name = table.GSI2
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name=table.GSI2PK)
    gsi2sk = UnicodeAttribute(range_key=True, attr_name=table.GSI2SK)


class Item(Model):
    class Meta:
        table_name = "chairtime"
        region = "eu-south-1"
        host = None

    pk = UnicodeAttribute(hash_key=True, attr_name=table.PK)
    sk = UnicodeAttribute(range_key=True, attr_name=table.SK)
    gsi1pk = UnicodeAttribute(null=True, attr_name=table.GSI1PK)
    gsi1sk = UnicodeAttribute(null=True, attr_name=table.GSI1SK)
    gsi2pk = UnicodeAttribute(null=True, attr_name=table.GSI2PK)
    gsi2sk = UnicodeAttribute(null=True, attr_name=table.GSI2SK)
    expires_at = TTLAttribute(null=True, attr_name=table.TTL_ATTRIBUTE)
    kind = DiscriminatorAttribute()
    # Declared on the base so the one shared connection knows both indexes.
    history_index = ClientHistoryIndex()  # a client's appointments by start
    due_index = DueIndex()  # sparse: appointments and messages a sweep must look at
    schema_version = NumberAttribute(default=SCHEMA_VERSION, attr_name="v")


class SalonItem(Item, discriminator="salon"):
    salon_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute()
    timezone = UnicodeAttribute()
    locale = UnicodeAttribute()
    currency = UnicodeAttribute()
    country = UnicodeAttribute()
    hours = JSONAttribute()  # {"tue": ["09:00-13:00", ...]}
    closed_dates = JSONAttribute()  # ["2026-12-25", ...]
    slot_minutes = NumberAttribute()
    min_notice_minutes = NumberAttribute()
    horizon_days = NumberAttribute()
    cancellation_cutoff_hours = NumberAttribute()
    policy = JSONAttribute(null=True)  # domain/policy.py; absent: the defaults
    staff_rights = JSONAttribute(null=True)  # ["move_cancel", ...]: what staff manage themselves
    address = UnicodeAttribute(null=True)  # the street address; absent or "": not given
    channels = JSONAttribute(null=True)  # {"enabled", "order", "price_overrides", ...}; absent: SMS only


class ServiceItem(Item, discriminator="service"):
    service_id = UnicodeAttribute()
    name = UnicodeAttribute()
    duration_minutes = NumberAttribute()
    buffer_minutes = NumberAttribute()
    price = UnicodeAttribute()  # decimal text, never float
    active = BooleanAttribute(default=True)
    recall_days = NumberAttribute(null=True)
    deposit = JSONAttribute(null=True)  # {"kind": "fixed"|"percent", "value": int}; absent: none
    record_fields = JSONAttribute(null=True)  # [{"id", "label", "kind", "choices"}]: treatment records


class StaffItem(Item, discriminator="staff"):
    staff_id = UnicodeAttribute()
    name = UnicodeAttribute()
    service_ids = JSONAttribute()
    hours = JSONAttribute(null=True)
    time_off = JSONAttribute()  # [["2026-12-24T00:00", "2026-12-27T00:00"], ...] salon-local
    active = BooleanAttribute(default=True)


class ClientItem(Item, discriminator="client"):
    client_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)
    no_show_count = NumberAttribute(default=0)
    late_cancel_count = NumberAttribute(default=0)
    access = UnicodeAttribute(default="ok")
    restricted_until = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(default="")
    allergies = UnicodeAttribute(default="")
    created_at = UnicodeAttribute()
    last_booked_at = UnicodeAttribute(null=True)
    no_show_days = JSONAttribute(null=True)
    fees_owed = UnicodeAttribute(default="0")
    sms_opt_out = BooleanAttribute(default=False)
    recall_consent = BooleanAttribute(default=False)
    erased_at = UnicodeAttribute(null=True)  # set by erasure; the item then leaves the name index
    last_record = UnicodeAttribute(null=True)  # the latest treatment record's summary (the agenda shows it)
    last_record_at = UnicodeAttribute(null=True)
    marketing_consent = BooleanAttribute(null=True)  # the client's area: offers and news (absent: no)
    erasure_requested_at = UnicodeAttribute(null=True)  # the client's area: "delete my data", for the salon
    card = JSONAttribute(null=True)  # card on file: the provider's customer and payment method ids
    preferred_channel = UnicodeAttribute(null=True)  # whatsapp | email | sms (absent: the salon's order)
    whatsapp_consent = BooleanAttribute(null=True)
    whatsapp_opt_out = BooleanAttribute(null=True)
    email_suppressed = BooleanAttribute(null=True)  # SES: bounced for good or complained
    whatsapp_last_inbound_at = UnicodeAttribute(null=True)  # opens the free 24-hour WhatsApp window


class PhoneItem(Item, discriminator="phone"):
    """Makes the phone unique per salon and finds its client with one consistent GetItem."""

    client_id = UnicodeAttribute()
    card = JSONAttribute(null=True)  # the client's card on file, copied: a booking reuses its provider customer


class AppointmentItem(Item, discriminator="appointment"):
    salon_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    start = UnicodeAttribute()
    end = UnicodeAttribute()
    buffer_minutes = NumberAttribute(default=0)
    status = UnicodeAttribute()
    late = BooleanAttribute(default=False)
    cancelled_by = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(default="")
    created_at = UnicodeAttribute(null=True)
    due_kind = UnicodeAttribute(null=True)  # with GSI2 while a sweep must look at it
    due_at = UnicodeAttribute(null=True)
    links = JSONAttribute(null=True)  # manage-link digests: a reschedule repoints them all
    waitlist_entry = UnicodeAttribute(null=True)
    # What a no-show changed, so the owner's revert can restore it exactly.
    undo = JSONAttribute(null=True)
    deposit = JSONAttribute(null=True)  # the deposit asked (amount in minor units, expiry, references)
    movements = JSONAttribute(null=True)  # money movements, oldest first
    movement_count = NumberAttribute(null=True)  # len(movements): a condition that no movement came meanwhile
    price = UnicodeAttribute(null=True)  # decimal text: the service's price when booked
    first_visit = BooleanAttribute(null=True)


class PaymentEventItem(Item, discriminator="payment_event"):
    """A provider's webhook event seen once: a repeat finds it and changes nothing."""

    provider = UnicodeAttribute()
    event_id = UnicodeAttribute()
    outcome = UnicodeAttribute()  # paid | refunded | ignored: ...
    salon_id = UnicodeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute()


class PaymentJobItem(Item, discriminator="payment_job"):
    """A refund or an off-session charge, claimed by one worker at a time (domain/money.py PaymentJob)."""

    job_id = UnicodeAttribute()
    job_kind = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    appointment_start = UnicodeAttribute()
    client_id = UnicodeAttribute()
    amount = NumberAttribute()
    currency = UnicodeAttribute()
    provider = UnicodeAttribute()
    created_at = UnicodeAttribute()
    payment_ref = UnicodeAttribute(null=True)
    customer = UnicodeAttribute(null=True)
    payment_method = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    attempt = NumberAttribute(default=1)
    claim_id = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    result_ref = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    checkout_ref = UnicodeAttribute(null=True)


class LockItem(Item, discriminator="lock"):
    appointment_id = UnicodeAttribute()


class TokenItem(Item, discriminator="token"):
    salon_id = UnicodeAttribute()
    appointment_sk = UnicodeAttribute()
    # The appointment's client (never changes): a cancel reads appointment and client in one
    # BatchGetItem. Absent on links written before it was added.
    client_id = UnicodeAttribute(null=True)


class IdempotencyItem(Item, discriminator="idempotency"):
    request_hash = UnicodeAttribute()
    response = JSONAttribute()


class WaitlistItem(Item, discriminator="waitlist"):
    entry_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    staff_id = UnicodeAttribute(null=True)
    client_id = UnicodeAttribute()
    first_day = UnicodeAttribute()
    last_day = UnicodeAttribute()
    status = UnicodeAttribute(default="waiting")  # waiting | offered | booked | closed
    created_at = UnicodeAttribute()
    offers = NumberAttribute(default=0)
    passed = ListAttribute(of=UnicodeAttribute, null=True)  # starts offered, not claimed: never again


class MessageItem(Item, discriminator="message"):
    message_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    kind_of_message = UnicodeAttribute(attr_name="message_kind")
    phone = UnicodeAttribute()
    locale = UnicodeAttribute()
    body = UnicodeAttribute()
    not_before = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    client_id = UnicodeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    appointment_start = UnicodeAttribute(null=True)
    attempts = NumberAttribute(default=0)
    provider_message_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    lease_until = UnicodeAttribute(null=True)
    claim_id = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)  # whatsapp | email | sms, once it left
    parts = NumberAttribute(null=True)
    cost_usd = UnicodeAttribute(null=True)  # decimal text, never float
    delivery_status = UnicodeAttribute(null=True)
    attempt_log = JSONAttribute(null=True)  # [["email", "failed: ..."], ["sms", "sent"]]
    params = JSONAttribute(null=True)  # the values the text was rendered from



class ProviderMessageItem(Item, discriminator="provider_message"):
    """Finds the outbox message behind a provider's message id (its delivery reports carry only that)."""
    salon_id = UnicodeAttribute()
    message_id = UnicodeAttribute()


class InboxItem(Item, discriminator="inbound"):
    message_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    phone = UnicodeAttribute()
    client_id = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    received_at = UnicodeAttribute()
    handled_as = UnicodeAttribute()  # confirm | cancel | stop | start | inbox


class SignInCodeItem(Item, discriminator="sign_in_code"):
    """A phone's one-time code at a salon; the hourly count of codes lives here too."""

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute(null=True)  # None: an unknown phone (nothing is sent)
    code_digest = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    code_expires = UnicodeAttribute()
    tries = NumberAttribute(default=0)
    window_start = UnicodeAttribute()
    window_count = NumberAttribute(default=0)
    text_id = UnicodeAttribute(null=True)  # the outbox message that carried it; "" when nothing was texted


class ErasureRequestItem(Item, discriminator="erasure_request"):
    """Under SALON#<salon>: a client who asked to delete their data (the owner's list); gone with the erasure."""

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    requested_at = UnicodeAttribute()


class ClientSessionItem(Item, discriminator="client_session"):
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    issued_at = UnicodeAttribute()
    session_expires = UnicodeAttribute()


class CursorItem(Item, discriminator="cursor"):
    day = UnicodeAttribute()  # the first UTC day a sweep lane still has to read


class CounterItem(Item, discriminator="sms_count"):
    count = NumberAttribute(default=0)


class RateCounterItem(Item, discriminator="rate_count"):
    count = NumberAttribute(default=0)


class RouteItem(Item, discriminator="route"):
    salon_id = UnicodeAttribute()
    sent_at = UnicodeAttribute(null=True)  # absent on legacy items (sort key ROUTE)
    appointment_id = UnicodeAttribute(null=True)  # the open question: which appointment, until when
    appointment_start = UnicodeAttribute(null=True)
    question_until = UnicodeAttribute(null=True)


def _all_models(base=Item):
    yield base
    for sub in base.__subclasses__():
        yield from _all_models(sub)


def bind(table_name: str, region: str, host: str | None):
    """Point every model at a table (called once from wiring, and by tests). All models share
    one connection, so a cold start builds one botocore client, not one per model; the
    returned Connection runs the transactions on that same client. Models defined in other
    storage modules are found as subclasses of Item; one imported later (the owner side's models
    load with the owner side) inherits Item's Meta and its bound connection."""
    models = list(dict.fromkeys(_all_models()))
    for model in models:
        model.Meta.table_name = table_name
        model.Meta.region = region
        model.Meta.host = host
        model._connection = None
    shared = Item._get_connection()
    for model in models:
        model._connection = shared
    return shared.connection


class BroadcastItem(Item, discriminator="broadcast"):
    """A broadcast (domain/broadcast.py); on the due index (lane `broadcast`) while enqueuing."""

    broadcast_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    text = UnicodeAttribute()
    segment = JSONAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    status = UnicodeAttribute()
    cursor = UnicodeAttribute(default="")
    queued = NumberAttribute(default=0)
    skipped = JSONAttribute(null=True)
    first_send_at = UnicodeAttribute(null=True)
