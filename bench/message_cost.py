"""Message cost per appointment, measured: the real dispatcher over a month of an Italian salon's
messages, on DynamoDB Local and the local providers (SMS, e-mail, WhatsApp), with the published
prices (domain/channels.py).

A month: 120 appointments booked from the Monday before, one in three by the salon for a client who
wrote or called (its confirmation goes on the client's channel) and the rest online by the client
(the page confirms it; the confirmation goes by e-mail where the client gave one, by text only when
the salon asks: Policy.text_receipts); one in ten cancelled online an hour later, the others
attended; every day at the reminder time the reminders sweep and the dispatcher run as EventBridge
would run them. Three salons: SMS only; WhatsApp + e-mail + SMS with a client mix of 50% WhatsApp
(consent given), 30% e-mail (an address given, no WhatsApp) and 20% SMS only; and that mix with
online bookings confirmed by text too. The cost is what the dispatcher recorded on the messages it
sent (`cost_usd`: SMS per part, as rendered), summed and divided by the appointments.
"""
import contextlib
import io
import uuid
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from chalicelib import observability
from chalicelib.domain.channels import EMAIL, SMS, WHATSAPP, Reachability
from chalicelib.domain.client import Client
from chalicelib.domain.clock import local_to_utc
from chalicelib.domain.outbox import MessageStatus
from chalicelib.messaging.providers import LocalSender, Senders
from chalicelib.services import attendance, booking, dispatch, manage, sweeps
from local import demo

from .counting import counted_repository

TABLE_NAME = "chairtime-bench-messages"
NOW = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # Monday 09:00 in Rome: the month is April 2026
APPOINTMENTS = 120
CANCELLED_EVERY = 10  # one appointment in ten is cancelled online, an hour after it was booked
BOOKED_BY_SALON_EVERY = 3  # one appointment in three is booked by the salon for the client
MIX = (WHATSAPP,) * 5 + (EMAIL,) * 3 + (SMS,) * 2  # per ten clients
GOAL_MIXED_USD = Decimal("0.05")
BASE = "https://bk.example"


def measure(progress=lambda message: None) -> dict:
    progress("starting DynamoDB Local for the message cost per appointment")
    with counted_repository(TABLE_NAME, NOW) as (repo, _):
        sms_only = _month(repo, mixed=False, progress=progress)
        mixed = _month(repo, mixed=True, progress=progress)
        texted = _month(repo, mixed=True, progress=progress, text_receipts=True)
    return {"sms_only": sms_only, "mixed": mixed, "mixed_receipts_texted": texted, "goal_mixed_usd": GOAL_MIXED_USD}


def _month(repo, mixed: bool, progress, text_receipts: bool = False) -> dict:
    # The services' business metrics go out as CloudWatch EMF lines on stdout: not the bench's output.
    with contextlib.redirect_stdout(io.StringIO()):
        figures = _run_month(repo, mixed, progress, text_receipts)
        observability.metrics().clear_metrics()
    return figures


def _run_month(repo, mixed: bool, progress, text_receipts: bool) -> dict:
    salon_id = f"cost-{'mixed' if mixed else 'sms'}-{uuid.uuid4().hex[:6]}"
    demo.seed(repo, salon_id)
    salon, _ = repo.load_salon(salon_id)
    salon = replace(salon, policy=replace(salon.policy, salon_daily_cap=2000, text_receipts=text_receipts),
                    channels_enabled=(WHATSAPP, EMAIL, SMS) if mixed else (SMS,),
                    email_from="studio@example.com", whatsapp_phone_number_id="phone-number-id-bench")
    repo.save_salon(salon)
    progress(f"booking {APPOINTMENTS} appointments at {salon_id} ({'mixed clients' if mixed else 'SMS only'})")
    channel_of: dict[str, str] = {}
    booked = []
    for i, (start, staff) in enumerate(_starts(salon)):
        choice = MIX[i % len(MIX)] if mixed else SMS
        request = booking.BookingRequest(salon_id=salon_id, service_id="haircut", start=start, staff_id=staff,
                                         name=f"Client {i}", phone=f"+39 333 {i:07d}",
                                         email=f"client{i}@example.com" if choice == EMAIL else None)
        result = booking.book(repo, request, NOW, base_url=BASE, by_salon=i % BOOKED_BY_SALON_EVERY == 0)
        channel_of[result.appointment.client_id] = choice
        booked.append(result)
    senders = Senders(LocalSender())
    original = dispatch.reachability
    dispatch.reachability = _reachability(channel_of, original)
    try:
        dispatch.dispatch(repo, senders, NOW + timedelta(minutes=1), base_url=BASE)
        cancelled = {id(result) for result in booked[::CANCELLED_EVERY]}
        for result in booked[::CANCELLED_EVERY]:
            manage.cancel(repo, result.manage_token, NOW + timedelta(hours=1), BASE)
        day = NOW.astimezone(salon.tz).date()
        for _ in range(40):  # every evening of the month: the reminders, then the dispatcher
            evening = local_to_utc(day, time(18, 0), salon.tz)
            for result in booked:  # the day's clients came (no no-show ladder in this month)
                appt = result.appointment
                if id(result) not in cancelled and appt.start.astimezone(salon.tz).date() == day:
                    attendance.mark_arrived(repo, repo.get_appointment(salon_id, appt.start, appt.id))
            sweeps.sweep_appointments(repo, evening, BASE)
            dispatch.dispatch(repo, senders, evening + timedelta(minutes=5), base_url=BASE)
            day += timedelta(days=1)
    finally:
        dispatch.reachability = original
    sent = [m for m in repo.messages_of_salon(salon_id, limit=2000) if m.status is MessageStatus.SENT]
    total = sum((m.cost_usd or Decimal(0) for m in sent), Decimal(0))
    by_channel: dict[str, dict] = {}
    for m in sent:
        row = by_channel.setdefault(m.channel, {"messages": 0, "cost_usd": Decimal(0), "parts": 0})
        row["messages"] += 1
        row["cost_usd"] += m.cost_usd or Decimal(0)
        row["parts"] += m.parts or 0
    kinds: dict[str, int] = {}
    for m in sent:
        kinds[m.kind] = kinds.get(m.kind, 0) + 1
    return {"appointments": len(booked), "messages": len(sent), "kinds": kinds, "by_channel": by_channel,
            "total_usd": total, "per_appointment_usd": (total / len(booked)).quantize(Decimal("0.0001"))}


def _reachability(channel_of: dict[str, str], original):
    """Each client's channel as the mix says. Where the client file keeps the WhatsApp consent
    and the channel choice itself, the dispatcher reads them from there (`original`)."""
    stores_consent = "whatsapp_consent" in getattr(Client, "__dataclass_fields__", {})

    def reach(client):
        if stores_consent and client.id not in channel_of:
            return original(client)
        choice = channel_of.get(client.id, SMS)
        return Reachability(email=client.email, whatsapp_consent=choice == WHATSAPP,
                            preferred=choice if choice != SMS else None)

    return reach


def _starts(salon):
    """APPOINTMENTS starts over the open days of April, alternating the two specialists."""
    day, found = NOW.astimezone(salon.tz).date() + timedelta(days=1), []
    hours = (9, 10, 11, 12, 14, 15, 16, 17, 18)
    while len(found) < APPOINTMENTS:
        if salon.intervals_on(day):
            for hour in hours[:3]:
                for staff in ("giulia", "marco"):
                    found.append((local_to_utc(day, time(hour, 0), salon.tz), staff))
        day += timedelta(days=1)
    return found[:APPOINTMENTS]


def lines(figures: dict) -> list[str]:
    out = ["", "6. Message cost per appointment (an Italian salon, published prices, the real dispatcher, a month)"]
    for label, key in (("SMS only", "sms_only"), ("50% WhatsApp, 30% e-mail, 20% SMS", "mixed"),
                       ("the mix, online bookings texted too", "mixed_receipts_texted")):
        row = figures[key]
        channels = ", ".join(f"{c} {v['messages']} (${v['cost_usd']:.4f})"
                             for c, v in sorted(row["by_channel"].items()))
        out.append(f"   {label:<38} ${row['per_appointment_usd']:.4f} per appointment   "
                   f"{row['messages']} messages for {row['appointments']} appointments: {channels}")
    mixed = figures["mixed"]["per_appointment_usd"]
    verdict = "met" if mixed <= figures["goal_mixed_usd"] else "NOT MET"
    out.append(f"   goal: mixed <= ${figures['goal_mixed_usd']} per appointment: {verdict}")
    return out


def as_json(figures: dict) -> dict:
    return {"message_cost": {"per_appointment_usd": {"mixed": float(figures["mixed"]["per_appointment_usd"]),
                                                     "sms_only": float(figures["sms_only"]["per_appointment_usd"]),
                                                     "mixed_receipts_texted":
                                                         float(figures["mixed_receipts_texted"]["per_appointment_usd"])},
                             "goal_mixed_usd": float(figures["goal_mixed_usd"]),
                             "messages": {k: figures[k]["messages"]
                                          for k in ("mixed", "sms_only", "mixed_receipts_texted")}}}


if __name__ == "__main__":
    import sys

    result = measure(progress=lambda message: print(message, file=sys.stderr))
    print("\n".join(lines(result)))
    print(as_json(result))
