"""Item <-> domain object conversions. Domain objects never see an item, and vice versa."""
from datetime import date, datetime, time
from decimal import Decimal

from ..domain.appointment import Appointment, CancelledBy, Status
from ..domain.catalog import Service, Staff, TimeOff
from ..domain.channels import DEFAULT_ORDER
from ..domain.client import Access, Client
from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.money import (
    CardOnFile,
    Deposit,
    DepositKind,
    DepositRule,
    JobKind,
    JobStatus,
    Movement,
    MovementKind,
    PaymentJob,
    SavedCard,
)
from ..domain.outbox import MessageStatus, OutboxMessage, without_tokens
from ..domain.policy import Ladder, Policy
from ..domain.records import RecordField
from ..domain.salon import Salon, format_weekly_hours, parse_weekly_hours
from ..domain.schedule import Due
from . import keys
from .models import AppointmentItem, ClientItem, MessageItem, PaymentJobItem, SalonItem, ServiceItem, StaffItem


def _iso(instant: datetime | None) -> str | None:
    return iso_utc(instant) if instant else None


def _instant(text: str | None) -> datetime | None:
    return parse_iso_utc(text) if text else None


def policy_to_dict(policy: Policy) -> dict:
    return {
        "send_from": policy.send_from.strftime("%H:%M"), "send_until": policy.send_until.strftime("%H:%M"),
        "reminder_time": policy.reminder_time.strftime("%H:%M"), "grace_minutes": policy.grace_minutes,
        "confirmations": policy.confirmations,
        "text_receipts": policy.text_receipts,
        "ladder": {"warn_at": policy.ladder.warn_at, "restrict_at": policy.ladder.restrict_at,
                   "window_days": policy.ladder.window_days, "restrict_days": policy.ladder.restrict_days},
        "late_cancel_fee": str(policy.late_cancel_fee) if policy.late_cancel_fee is not None else None,
        "no_show_fee": str(policy.no_show_fee) if policy.no_show_fee is not None else None,
        "allowed_countries": list(policy.allowed_countries), "phone_daily_cap": policy.phone_daily_cap,
        "salon_daily_cap": policy.salon_daily_cap, "waitlist_hold_minutes": policy.waitlist_hold_minutes,
        "staff_see_notes": policy.staff_see_notes,
        "deposit_expiry_minutes": policy.deposit_expiry_minutes, "card_on_file": policy.card_on_file.value,
    }


def policy_from_dict(data: dict | None) -> Policy:
    """Missing keys take the defaults, so older profile items keep loading."""
    if not data:
        return Policy()
    default = Policy()

    def wall(name):
        return time.fromisoformat(data[name]) if data.get(name) else getattr(default, name)

    def money(name):
        return Decimal(data[name]) if data.get(name) is not None else None

    return Policy(
        send_from=wall("send_from"), send_until=wall("send_until"), reminder_time=wall("reminder_time"),
        grace_minutes=int(data.get("grace_minutes", default.grace_minutes)),
        confirmations=bool(data.get("confirmations", default.confirmations)),
        text_receipts=bool(data.get("text_receipts", default.text_receipts)),
        ladder=Ladder(**{**Ladder().__dict__, **(data.get("ladder") or {})}),
        late_cancel_fee=money("late_cancel_fee"), no_show_fee=money("no_show_fee"),
        allowed_countries=tuple(data.get("allowed_countries") or ()),
        phone_daily_cap=int(data.get("phone_daily_cap", default.phone_daily_cap)),
        salon_daily_cap=int(data.get("salon_daily_cap", default.salon_daily_cap)),
        waitlist_hold_minutes=int(data.get("waitlist_hold_minutes", default.waitlist_hold_minutes)),
        staff_see_notes=bool(data.get("staff_see_notes", default.staff_see_notes)),
        deposit_expiry_minutes=int(data.get("deposit_expiry_minutes", default.deposit_expiry_minutes)),
        card_on_file=CardOnFile(data.get("card_on_file") or default.card_on_file.value),
    )


def salon_to_item(salon: Salon) -> SalonItem:
    return SalonItem(
        keys.salon_pk(salon.id), keys.PROFILE_SK,
        salon_id=salon.id, name=salon.name, phone=salon.phone, timezone=salon.timezone,
        locale=salon.locale, currency=salon.currency, country=salon.country,
        hours=format_weekly_hours(salon.hours),
        closed_dates=sorted(d.isoformat() for d in salon.closed_dates),
        slot_minutes=salon.slot_minutes, min_notice_minutes=salon.min_notice_minutes,
        horizon_days=salon.horizon_days, cancellation_cutoff_hours=salon.cancellation_cutoff_hours,
        policy=policy_to_dict(salon.policy), staff_rights=sorted(salon.staff_rights) or None,
        address=salon.address,
        channels=channels_to_dict(salon),
    )


def channels_to_dict(salon: Salon) -> dict | None:
    """The salon's channel settings as one profile attribute (absent: SMS only, published prices)."""
    data = {"enabled": list(salon.channels_enabled), "order": list(salon.channel_order),
            "price_overrides": {channel: {country: str(price) for country, price in prices.items()}
                                for channel, prices in salon.price_overrides.items() if prices},
            "monthly_budget_usd": str(salon.monthly_budget_usd) if salon.monthly_budget_usd is not None else None,
            "email_from": salon.email_from, "whatsapp_phone_number_id": salon.whatsapp_phone_number_id}
    return None if data == _CHANNEL_DEFAULTS else data


_CHANNEL_DEFAULTS = {"enabled": ["sms"], "order": list(DEFAULT_ORDER), "price_overrides": {},
                     "monthly_budget_usd": None, "email_from": None, "whatsapp_phone_number_id": None}


def channels_from_dict(data: dict | None) -> dict:
    """Salon keyword arguments from the profile's `channels` attribute."""
    if not data:
        return {}
    budget = data.get("monthly_budget_usd")
    return {"channels_enabled": tuple(data.get("enabled") or ("sms",)),
            "channel_order": tuple(data.get("order") or DEFAULT_ORDER),
            "price_overrides": {channel: {country: Decimal(price) for country, price in prices.items()}
                                for channel, prices in (data.get("price_overrides") or {}).items()},
            "monthly_budget_usd": Decimal(budget) if budget is not None else None,
            "email_from": data.get("email_from"), "whatsapp_phone_number_id": data.get("whatsapp_phone_number_id")}


def salon_from_item(item: SalonItem) -> Salon:
    return Salon(
        id=item.salon_id, name=item.name, phone=item.phone, timezone=item.timezone,
        locale=item.locale, currency=item.currency, country=item.country,
        hours=parse_weekly_hours(item.hours),
        closed_dates=frozenset(date.fromisoformat(d) for d in item.closed_dates),
        slot_minutes=int(item.slot_minutes), min_notice_minutes=int(item.min_notice_minutes),
        horizon_days=int(item.horizon_days), cancellation_cutoff_hours=int(item.cancellation_cutoff_hours),
        policy=policy_from_dict(item.policy), staff_rights=frozenset(item.staff_rights or ()),
        address=item.address or "",
        **channels_from_dict(getattr(item, "channels", None)),
    )


def service_to_item(salon_id: str, service: Service) -> ServiceItem:
    return ServiceItem(
        keys.salon_pk(salon_id), keys.service_sk(service.id),
        service_id=service.id, name=service.name, duration_minutes=service.duration_minutes,
        buffer_minutes=service.buffer_minutes, price=str(service.price), active=service.active,
        recall_days=service.recall_days,
        deposit=None if service.deposit.kind is DepositKind.NONE
        else {"kind": service.deposit.kind.value, "value": service.deposit.value},
        record_fields=record_fields_to_list(service.record_fields),
    )


def service_from_item(item: ServiceItem) -> Service:
    return Service(
        id=item.service_id, name=item.name, duration_minutes=int(item.duration_minutes),
        buffer_minutes=int(item.buffer_minutes), price=Decimal(item.price), active=item.active,
        recall_days=int(item.recall_days) if item.recall_days is not None else None,
        deposit=DepositRule(DepositKind(item.deposit["kind"]), int(item.deposit["value"])) if item.deposit
        else DepositRule(),
        record_fields=record_fields_from_list(item.record_fields),
    )


def record_fields_to_list(fields) -> list[dict] | None:
    return [{"id": f.id, "label": f.label, "kind": f.kind, "choices": list(f.choices)} for f in fields] or None


def record_fields_from_list(data: list | None) -> tuple[RecordField, ...]:
    return tuple(RecordField(d["id"], d["label"], d.get("kind", "text"), tuple(d.get("choices") or ()))
                 for d in data or ())


def staff_to_item(salon_id: str, staff: Staff) -> StaffItem:
    return StaffItem(
        keys.salon_pk(salon_id), keys.staff_sk(staff.id),
        staff_id=staff.id, name=staff.name, service_ids=list(staff.service_ids),
        hours=None if staff.hours is None else format_weekly_hours(staff.hours),
        time_off=[[off.start.isoformat(timespec="minutes"), off.end.isoformat(timespec="minutes")]
                  for off in staff.time_off],
        active=staff.active,
    )


def staff_from_item(item: StaffItem) -> Staff:
    return Staff(
        id=item.staff_id, name=item.name, service_ids=tuple(item.service_ids),
        hours=None if item.hours is None else parse_weekly_hours(item.hours),
        time_off=tuple(TimeOff(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in item.time_off),
        active=item.active,
    )


def fold_name(name: str) -> str:
    """Lower case without accents: 'Élodie Rossi' and 'elodie' find each other."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def client_to_item(salon_id: str, client: Client, now: datetime) -> ClientItem:
    return ClientItem(
        keys.salon_pk(salon_id), keys.client_sk(client.id),
        # An erased client leaves the name index: search never finds it again.
        gsi1pk=None if client.erased else keys.clients_pk(salon_id),
        gsi1sk=None if client.erased else keys.client_name_sk(fold_name(client.name), client.id),
        client_id=client.id, name=client.name, phone=client.phone, email=client.email,
        locale=client.locale, no_show_count=client.no_show_count,
        late_cancel_count=client.late_cancel_count, access=client.access.value,
        restricted_until=client.restricted_until.isoformat() if client.restricted_until else None,
        notes=client.notes, allergies=client.allergies, created_at=iso_utc(now),
        no_show_days=[d.isoformat() for d in client.no_show_days], fees_owed=str(client.fees_owed),
        sms_opt_out=client.sms_opt_out, recall_consent=client.recall_consent, erased_at=_iso(client.erased_at),
        card=card_to_dict(client.card) if client.card else None,
        last_record=client.last_record or None, last_record_at=_iso(client.last_record_at),
        erasure_requested_at=_iso(client.erasure_requested_at),
        marketing_consent=client.marketing_consent, preferred_channel=client.preferred_channel,
        whatsapp_consent=client.whatsapp_consent, whatsapp_opt_out=client.whatsapp_opt_out,
        email_suppressed=client.email_suppressed, whatsapp_last_inbound_at=_iso(client.whatsapp_last_inbound_at),
    )


def client_from_item(item: ClientItem) -> Client:
    return Client(
        id=item.client_id, name=item.name, phone=item.phone, email=item.email, locale=item.locale,
        no_show_count=int(item.no_show_count), late_cancel_count=int(item.late_cancel_count),
        access=Access(item.access),
        restricted_until=date.fromisoformat(item.restricted_until) if item.restricted_until else None,
        notes=item.notes, allergies=item.allergies or "",
        no_show_days=tuple(date.fromisoformat(d) for d in (item.no_show_days or [])),
        fees_owed=Decimal(item.fees_owed or "0"), sms_opt_out=bool(item.sms_opt_out),
        recall_consent=bool(item.recall_consent), erased_at=_instant(item.erased_at),
        card=card_from_dict(item.card) if item.card else None,
        last_record=item.last_record or "", last_record_at=_instant(item.last_record_at),
        erasure_requested_at=_instant(item.erasure_requested_at),
        marketing_consent=bool(item.marketing_consent), preferred_channel=item.preferred_channel,
        whatsapp_consent=bool(item.whatsapp_consent), whatsapp_opt_out=bool(item.whatsapp_opt_out),
        email_suppressed=bool(item.email_suppressed), whatsapp_last_inbound_at=_instant(item.whatsapp_last_inbound_at),
    )


def card_to_dict(card: SavedCard) -> dict:
    return {"provider": card.provider, "customer": card.customer, "payment_method": card.payment_method,
            "saved_at": iso_utc(card.saved_at)}


def card_from_dict(data: dict) -> SavedCard:
    return SavedCard(data["provider"], data["customer"], data["payment_method"], parse_iso_utc(data["saved_at"]))


def appointment_to_item(appt: Appointment) -> AppointmentItem:
    due = appt.due
    # Holds that end (a waitlist offer, an unpaid deposit) and freed slots share the offers' lane.
    lane = "offer" if due and due.kind in ("offer_expiry", "payment_expiry", "freed") else "appt"
    return AppointmentItem(
        keys.salon_pk(appt.salon_id), keys.appointment_sk(appt.start, appt.id),
        gsi1pk=keys.client_history_pk(appt.salon_id, appt.client_id),
        gsi1sk=keys.client_history_sk(appt.start),
        salon_id=appt.salon_id, appointment_id=appt.id, service_id=appt.service_id,
        staff_id=appt.staff_id, client_id=appt.client_id, start=iso_utc(appt.start), end=iso_utc(appt.end),
        buffer_minutes=appt.buffer_minutes, status=appt.status.value, late=appt.late,
        cancelled_by=appt.cancelled_by.value if appt.cancelled_by else None, notes=appt.notes,
        created_at=iso_utc(appt.created_at) if appt.created_at else None,
        gsi2pk=keys.due_pk(lane, due.at.date()) if due else None,
        gsi2sk=keys.due_sk(due.at, appt.salon_id, appt.id) if due else None,
        due_kind=due.kind if due else None, due_at=_iso(due.at) if due else None,
        links=list(appt.links), waitlist_entry=appt.waitlist_entry,
        deposit=deposit_to_dict(appt.deposit) if appt.deposit else None,
        movements=[movement_to_dict(m) for m in appt.movements] or None,
        movement_count=len(appt.movements) or None,
        price=str(appt.price) if appt.price is not None else None, first_visit=appt.first_visit or None,
    )


def appointment_from_item(item: AppointmentItem) -> Appointment:
    return Appointment(
        id=item.appointment_id, salon_id=item.salon_id, service_id=item.service_id,
        staff_id=item.staff_id, client_id=item.client_id,
        start=parse_iso_utc(item.start), end=parse_iso_utc(item.end),
        buffer_minutes=int(item.buffer_minutes), status=Status(item.status), late=bool(item.late),
        cancelled_by=CancelledBy(item.cancelled_by) if item.cancelled_by else None, notes=item.notes,
        created_at=parse_iso_utc(item.created_at) if item.created_at else None,
        due=Due(item.due_kind, parse_iso_utc(item.due_at)) if item.due_kind and item.due_at else None,
        links=tuple(item.links or ()), waitlist_entry=item.waitlist_entry,
        deposit=deposit_from_dict(item.deposit) if item.deposit else None,
        movements=tuple(movement_from_dict(m) for m in item.movements or ()),
        price=Decimal(item.price) if item.price else None, first_visit=bool(item.first_visit),
    )


def deposit_to_dict(deposit: Deposit) -> dict:
    return {"amount": deposit.amount, "currency": deposit.currency, "expires_at": iso_utc(deposit.expires_at),
            "provider": deposit.provider, "checkout_ref": deposit.checkout_ref, "url": deposit.url,
            "payment_ref": deposit.payment_ref, "paid_at": _iso(deposit.paid_at)}


def deposit_from_dict(data: dict) -> Deposit:
    return Deposit(amount=int(data["amount"]), currency=data["currency"], expires_at=parse_iso_utc(data["expires_at"]),
                   provider=data["provider"], checkout_ref=data.get("checkout_ref"), url=data.get("url"),
                   payment_ref=data.get("payment_ref"), paid_at=_instant(data.get("paid_at")))


def movement_to_dict(movement: Movement) -> dict:
    return {"kind": movement.kind.value, "amount": movement.amount, "currency": movement.currency,
            "at": iso_utc(movement.at), "reference": movement.reference, "provider": movement.provider}


def movement_from_dict(data: dict) -> Movement:
    return Movement(MovementKind(data["kind"]), int(data["amount"]), data["currency"], parse_iso_utc(data["at"]),
                    data.get("reference"), data.get("provider"))


def message_to_item(message: OutboxMessage) -> MessageItem:
    attention = message.next_attention
    return MessageItem(
        keys.salon_pk(message.salon_id), keys.message_sk(message.id),
        gsi2pk=keys.due_pk("outbox", attention.date()) if attention else None,
        gsi2sk=keys.due_sk(attention, message.salon_id, message.id) if attention else None,
        gsi1pk=keys.client_history_pk(message.salon_id, message.client_id) if message.client_id else None,
        gsi1sk=keys.client_message_sk(message.created_at, message.id) if message.client_id else None,
        message_id=message.id, salon_id=message.salon_id, kind_of_message=message.kind, phone=message.phone,
        locale=message.locale, body=message.body, not_before=iso_utc(message.not_before),
        created_at=iso_utc(message.created_at), status=message.status.value, client_id=message.client_id,
        appointment_id=message.appointment_id, appointment_start=_iso(message.appointment_start),
        attempts=message.attempts, provider_message_id=message.provider_message_id, reason=message.reason,
        sent_at=_iso(message.sent_at), lease_until=_iso(message.lease_until), claim_id=message.claim_id,
        channel=message.channel, parts=message.parts,
        cost_usd=str(message.cost_usd) if message.cost_usd is not None else None,
        delivery_status=message.delivery_status,
        attempt_log=[list(entry) for entry in message.attempt_log] or None, params=message.params or None,
    )


def message_from_item(item: MessageItem) -> OutboxMessage:
    return OutboxMessage(
        id=item.message_id, salon_id=item.salon_id, kind=item.kind_of_message, phone=item.phone, locale=item.locale,
        body=without_tokens(item.body), not_before=parse_iso_utc(item.not_before),
        created_at=parse_iso_utc(item.created_at),
        status=MessageStatus(item.status), client_id=item.client_id, appointment_id=item.appointment_id,
        appointment_start=_instant(item.appointment_start), attempts=int(item.attempts),
        provider_message_id=item.provider_message_id, reason=item.reason, sent_at=_instant(item.sent_at),
        lease_until=_instant(item.lease_until), claim_id=item.claim_id,
        channel=item.channel, parts=int(item.parts) if item.parts is not None else None,
        cost_usd=Decimal(item.cost_usd) if item.cost_usd is not None else None,
        delivery_status=item.delivery_status,
        attempt_log=tuple(tuple(entry) for entry in item.attempt_log or ()), params=dict(item.params or {}),
    )


def payment_job_to_item(job: PaymentJob) -> PaymentJobItem:
    attention = job.next_attention
    return PaymentJobItem(
        keys.salon_pk(job.salon_id), keys.payment_job_sk(job.id),
        gsi2pk=keys.due_pk("payjob", attention.date()) if attention else None,
        gsi2sk=keys.due_sk(attention, job.salon_id, job.id) if attention else None,
        job_id=job.id, job_kind=job.kind.value, salon_id=job.salon_id, appointment_id=job.appointment_id,
        appointment_start=iso_utc(job.appointment_start), client_id=job.client_id, amount=job.amount,
        currency=job.currency, provider=job.provider, created_at=iso_utc(job.created_at),
        payment_ref=job.payment_ref, customer=job.customer, payment_method=job.payment_method,
        status=job.status.value, attempt=job.attempt, claim_id=job.claim_id, lease_until=_iso(job.lease_until),
        result_ref=job.result_ref, reason=job.reason, checkout_ref=job.checkout_ref,
    )


def payment_job_from_item(item: PaymentJobItem) -> PaymentJob:
    return PaymentJob(
        id=item.job_id, kind=JobKind(item.job_kind), salon_id=item.salon_id, appointment_id=item.appointment_id,
        appointment_start=parse_iso_utc(item.appointment_start), client_id=item.client_id, amount=int(item.amount),
        currency=item.currency, provider=item.provider, created_at=parse_iso_utc(item.created_at),
        payment_ref=item.payment_ref, customer=item.customer, payment_method=item.payment_method,
        status=JobStatus(item.status), attempt=int(item.attempt), claim_id=item.claim_id,
        lease_until=_instant(item.lease_until), result_ref=item.result_ref, reason=item.reason,
        checkout_ref=item.checkout_ref,
    )
