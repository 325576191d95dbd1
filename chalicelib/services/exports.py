"""The owner's data: clients and appointments as CSV, one client's complete data as JSON (right of
access), and erasure (right to be forgotten). All owner-only (EXPORTS) and all audited.

CSV is for Excel: UTF-8 with a BOM (else Excel reads it as the local code page), CRLF rows, quoting
by the csv module, and cells that a spreadsheet would run as a formula prefixed with a quote.
"""
import csv
import io
from datetime import UTC, date, datetime, time, timedelta

from ..domain.appointment import Appointment, Status
from ..domain.catalog import Catalog
from ..domain.client import Client
from ..domain.clock import iso_utc, local_today
from ..domain.errors import IllegalTransition, InvalidRequest
from ..domain.money import format_amount, owed
from ..domain.outbox import OutboxMessage
from ..domain.salon import Salon
from ..domain.text import N_, ngettext
from ..domain.values import frozen
from ..storage import keys
from ..storage.mapping import fold_name
from . import records
from .owner.clients import Changed, NotAllowed, checked_client, rights_of
from .salons import load_salon

MAX_RANGE_DAYS = 366  # a year of appointments stays far below Lambda's 6 MB answer
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ERASED_NAME = "Erased client"
UPCOMING = (Status.HELD, Status.AWAITING_PAYMENT, Status.BOOKED, Status.CONFIRMED)

CLIENT_COLUMNS = ("client_id", "name", "phone", "email", "locale", "no_shows", "late_cancels", "fees_owed",
                  "online_booking", "restricted_until", "recall_consent", "sms_opt_out", "notes", "allergies",
                  "erased_at")
APPOINTMENT_COLUMNS = ("appointment_id", "date", "start", "end", "status", "service", "staff", "client_id",
                       "client_name", "client_phone", "late_cancel", "cancelled_by", "client_note", "deposit", "owed",
                       "money")


@frozen
class Download:
    filename: str
    body: str
    rows: int


def safe_cell(value) -> str:
    """A cell as text; one a spreadsheet would read as a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


def clients_csv(repo, audit, who, now: datetime) -> Download:
    salon = _owner_salon(repo, who)
    clients = sorted(repo.salon_clients(salon.id), key=lambda c: (fold_name(c.name), c.id))
    rows = [(c.id, c.name, c.phone, c.email, c.locale, c.no_show_count, c.late_cancel_count, c.fees_owed,
             c.access.value, c.restricted_until, _yes(c.recall_consent), _yes(c.sms_opt_out), c.notes, c.allergies,
             iso_utc(c.erased_at) if c.erased_at else "") for c in clients]
    audit.record_audit(salon.id, who.user_id, "clients_exported", "clients", {"rows": len(rows)}, now)
    return Download(f"clients-{salon.id}-{local_today(now, salon.tz)}.csv", to_csv(CLIENT_COLUMNS, rows), len(rows))


def appointments_csv(repo, audit, who, first: date, last: date, now: datetime) -> Download:
    """Appointments starting on the salon's days first..last (inclusive)."""
    if last < first:
        raise InvalidRequest(N_("The last day must not be before the first."))
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidRequest(ngettext("Export at most %(num)s day at a time.", "Export at most %(num)s days at a time.",
                                      MAX_RANGE_DAYS))
    salon, catalog = load_salon(repo, who.salon_id)
    _require_owner(who, salon)
    begin, end = _midnight(first, salon), _midnight(last + timedelta(days=1), salon)
    appointments = [a for a in repo.appointments_overlapping(salon.id, begin, end) if begin <= a.start < end]
    clients = {c.id: c for c in repo.salon_clients(salon.id)} if appointments else {}
    rows = [_appointment_row(a, salon, catalog, clients.get(a.client_id)) for a in appointments]
    audit.record_audit(salon.id, who.user_id, "appointments_exported", "appointments",
                       {"from": first.isoformat(), "to": last.isoformat(), "rows": len(rows)}, now)
    return Download(f"appointments-{salon.id}-{first}-{last}.csv", to_csv(APPOINTMENT_COLUMNS, rows), len(rows))


def client_export(repo, audit, who, client_id: str, now: datetime, photos=None) -> dict:
    """Everything the salon holds about one client (right of access). `photos`: the record photo
    store, whose short-lived links the export's records carry."""
    salon, catalog, rights, client = checked_client(repo, who, client_id)
    _require_owner(who, salon)
    document = {
        "exported_at": iso_utc(now), "salon": {"id": salon.id, "name": salon.name, "phone": salon.phone},
        "client": client_record(client, notes=True),
        "appointments": [appointment_record(a, salon, catalog) for a in repo.client_appointments(salon.id, client.id)],
        "messages_sent": [message_record(m, salon) for m in repo.client_messages(salon.id, client.id,
                                                                                   newest_first=False)],
        "messages_received": [{"id": m["id"], "received_at": m["received_at"], "body": m["body"],
                               "handled_as": m["handled_as"]}
                              for m in repo.client_inbound(salon.id, client.id, client.phone)],
        "waitlist": [{name: entry[name] for name in ("id", "service_id", "staff_id", "first_day", "last_day",
                                                     "status", "created_at")}
                     for entry in repo.client_waitlist(salon.id, client.id)],
        "treatment_records": [records.export_record(view) for view in (
            records.for_file(repo, photos, salon, catalog, client) if photos is not None else
            [records.view(r, catalog) for r in repo.client_records(salon.id, client.id)])],
    }
    audit.record_audit(salon.id, who.user_id, "client_exported", f"client:{client.id}", {}, now)
    return document


@frozen
class ErasureRequest:
    client: Client
    requested_at: datetime  # when they first asked, in their area


def erasure_requests(repo, who) -> list[ErasureRequest]:
    """The clients who asked to delete their data and are not erased yet, oldest request first
    (owner only): one Query of the requests, one BatchGetItem of their files."""
    salon, _ = load_salon(repo, who.salon_id)
    _require_owner(who, salon)
    asked = repo.erasure_requests(salon.id)
    files = repo.clients_by_id(salon.id, [client_id for client_id, _ in asked])
    return sorted((ErasureRequest(files[client_id], at) for client_id, at in asked
                   if client_id in files and not files[client_id].erased), key=lambda r: r.requested_at)


def erase(repo, audit, who, client_id: str, confirm: str, now: datetime, photos=None) -> Changed:
    """Anonymize the client: name, phone, email, notes, allergies and message texts go, and their
    treatment records and photos (`photos`: the photo store) are deleted; the appointments and
    counters stay for the salon's statistics. `confirm`: the client's name, typed."""
    salon, catalog, rights, client = checked_client(repo, who, client_id)
    _require_owner(who, salon)
    if client.erased:
        raise IllegalTransition(N_("This client's personal data was already erased."), "client_erased")
    if not confirm or fold_name(confirm) != fold_name(client.name):
        raise InvalidRequest(N_("To confirm, type the client's name exactly as it is shown."), "confirmation_mismatch")
    upcoming = [a for a in repo.client_appointments(salon.id, client.id, since=now) if a.status in UPCOMING]
    if upcoming:
        raise IllegalTransition(N_("This client has upcoming appointments. Cancel them first, then erase the client."),
                                "client_has_upcoming")
    if photos is None:
        raise RuntimeError("Erasure needs the photo store: a client's photos must go with them.")
    photos.delete_all(keys.photo_client_prefix(salon.id, client.id))  # first: a failure leaves the name to retry
    repo.erase_records(salon.id, client.id)
    repo.erase_client(salon.id, client, ERASED_NAME, now)
    _end_client_sessions(salon.id, client.id)
    audit.record_audit(salon.id, who.user_id, "client_erased", f"client:{client.id}", {}, now)
    return Changed(salon, catalog, rights, repo.get_client(salon.id, client.id))


# --- records (also the JSON API's shapes) -----------------------------------------------------------

def client_record(client: Client, notes: bool) -> dict:
    """The file; the private notes and allergies only when `notes` (the role may read them)."""
    record = {
        "id": client.id, "name": client.name, "phone": client.phone or None, "email": client.email,
        "locale": client.locale, "no_show_count": client.no_show_count,
        "late_cancel_count": client.late_cancel_count, "fees_owed": str(client.fees_owed),
        "access": client.access.value,
        "restricted_until": client.restricted_until.isoformat() if client.restricted_until else None,
        "recall_consent": client.recall_consent, "sms_opt_out": client.sms_opt_out, "erased": client.erased,
        "erasure_requested_at": iso_utc(client.erasure_requested_at) if client.erasure_requested_at else None,
    }
    if notes:
        record.update(notes=client.notes, allergies=client.allergies)
    return record


def appointment_record(appt: Appointment, salon: Salon, catalog: Catalog) -> dict:
    service, staff = catalog.service(appt.service_id), catalog.staff_member(appt.staff_id)
    return {
        "id": appt.id, "status": appt.status.value, "start": _local(appt.start, salon), "end": _local(appt.end, salon),
        "service_id": appt.service_id, "service_name": service.name if service else None,
        "staff_id": appt.staff_id, "staff_name": staff.name if staff else None, "late": appt.late,
        "cancelled_by": appt.cancelled_by.value if appt.cancelled_by else None, "client_note": appt.notes,
        **money_record(appt, salon),
    }


def money_record(appt: Appointment, salon: Salon) -> dict:
    """The appointment's money for the books: amounts, dates and provider references, no names."""
    deposit = appt.deposit
    return {
        "deposit": None if deposit is None else {
            "amount": format_amount(deposit.amount, deposit.currency), "currency": deposit.currency,
            "paid_at": _local(deposit.paid_at, salon) if deposit.paid_at else None,
            "expires_at": _local(deposit.expires_at, salon)},
        "movements": [{"kind": m.kind.value, "amount": format_amount(m.amount, m.currency), "currency": m.currency,
                       "at": _local(m.at, salon), "reference": m.reference, "provider": m.provider}
                      for m in appt.movements],
        "owed": format_amount(owed(appt.movements), salon.currency),
    }


def message_record(message: OutboxMessage, salon: Salon) -> dict:
    return {"id": message.id, "kind": message.kind, "status": message.status.value,
            "created_at": _local(message.created_at, salon),
            "sent_at": _local(message.sent_at, salon) if message.sent_at else None,
            "body": message.body, "reason": message.reason}


# --- helpers ---------------------------------------------------------------------------------------

def _end_client_sessions(salon_id: str, client_id: str) -> None:
    """An erased client is signed out of their area on every device."""
    from ..storage.client_area_store import ClientAreaStore

    ClientAreaStore().end_client_sessions(salon_id, client_id)


def _owner_salon(repo, who) -> Salon:
    salon, _ = load_salon(repo, who.salon_id)
    _require_owner(who, salon)
    return salon


def _require_owner(who, salon: Salon) -> None:
    """The routes' guard asks for EXPORTS already; checked again so no other caller skips it."""
    if not rights_of(who, salon).data:
        raise NotAllowed(N_("Only the owner can export or erase client data."))


def _appointment_row(appt: Appointment, salon: Salon, catalog: Catalog, client: Client | None) -> tuple:
    start, end = appt.start.astimezone(salon.tz), appt.end.astimezone(salon.tz)
    service, staff = catalog.service(appt.service_id), catalog.staff_member(appt.staff_id)
    return (appt.id, start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"), appt.status.value,
            service.name if service else appt.service_id, staff.name if staff else appt.staff_id, appt.client_id,
            client.name if client else "", client.phone if client else "", _yes(appt.late),
            appt.cancelled_by.value if appt.cancelled_by else "", appt.notes,
            format_amount(appt.deposit.amount, appt.deposit.currency) if appt.deposit else "",
            format_amount(owed(appt.movements), salon.currency),
            "; ".join(f"{m.kind.value} {format_amount(m.amount, m.currency)} {m.currency} {iso_utc(m.at)}"
                      + (f" {m.reference}" if m.reference else "") for m in appt.movements))


def _midnight(day: date, salon: Salon) -> datetime:
    return datetime.combine(day, time.min, salon.tz).astimezone(UTC)


def _local(instant: datetime, salon: Salon) -> str:
    return instant.astimezone(salon.tz).isoformat(timespec="seconds")


def _yes(value: bool) -> str:
    return "yes" if value else "no"
