"""Every key string of the table is built here, and only here. IDs are also stored as plain
attributes, so nothing ever parses a key back."""
from datetime import date, datetime

from ..domain.clock import iso_utc

CONFIG_PREFIX = "CONFIG#"
PROFILE_SK = "CONFIG#PROFILE"
APPOINTMENT_PREFIX = "APPT#"
TOKEN_SK = "TOKEN"
IDEMPOTENCY_SK = "IDEMPOTENCY"


def salon_pk(salon_id: str) -> str:
    return f"SALON#{salon_id}"


def service_sk(service_id: str) -> str:
    return f"CONFIG#SERVICE#{service_id}"


def staff_sk(staff_id: str) -> str:
    return f"CONFIG#STAFF#{staff_id}"


def client_sk(client_id: str) -> str:
    return f"CLIENT#{client_id}"


def phone_sk(e164: str) -> str:
    return f"PHONE#{e164}"


def appointment_sk(start: datetime, appointment_id: str) -> str:
    return f"APPT#{iso_utc(start)}#{appointment_id}"


def appointment_bound(instant: datetime) -> str:
    """A sort-key bound for appointments starting at `instant` (for BETWEEN queries)."""
    return f"APPT#{iso_utc(instant)}"


def client_history_pk(salon_id: str, client_id: str) -> str:
    return f"SALON#{salon_id}#CLIENT#{client_id}"


def client_history_sk(start: datetime) -> str:
    return f"APPT#{iso_utc(start)}"


def lock_pk(salon_id: str, staff_id: str) -> str:
    return f"SALON#{salon_id}#STAFF#{staff_id}"


def lock_sk(block_start: datetime) -> str:
    return f"SLOT#{iso_utc(block_start)}"


def token_pk(token_digest: str) -> str:
    return f"TOKEN#{token_digest}"


def idempotency_pk(salon_id: str, key_digest: str) -> str:
    return f"IDEMPOTENCY#{salon_id}#{key_digest}"


def waitlist_sk(first_day: date, entry_id: str) -> str:
    return f"WAIT#{first_day.isoformat()}#{entry_id}"


def waitlist_bound(day: date) -> str:
    return f"WAIT#{day.isoformat()}"


# --- messages and sweeps ---
WAITLIST_PREFIX = "WAIT#"
MESSAGE_PREFIX = "MSG#"
INBOX_PREFIX = "INBOX#"
CURSOR_SK = "CURSOR"
ROUTE_SK = "ROUTE"


def message_sk(message_id: str) -> str:
    return f"MSG#{message_id}"


def inbox_sk(received: datetime, message_id: str) -> str:
    return f"INBOX#{iso_utc(received)}#{message_id}"


def due_pk(lane: str, day: date) -> str:
    """Sparse GSI2 partition of work due on one UTC day: lanes `appt`, `offer`, `outbox`."""
    return f"DUE#{lane}#{day.isoformat()}"


def due_sk(at: datetime, salon_id: str, item_id: str) -> str:
    return f"{iso_utc(at)}#{salon_id}#{item_id}"


def due_until(at: datetime) -> str:
    """Upper bound of a due query: everything due at or before `at`."""
    return f"{iso_utc(at)}#~"


def cursor_pk(lane: str) -> str:
    return f"CURSOR#{lane}"


def sms_count_sk(day: date, e164: str | None = None) -> str:
    return f"SMSCOUNT#{day.isoformat()}" + (f"#{e164}" if e164 else "")


def sms_public_count_sk(day: date, e164: str | None = None) -> str:
    """The share of a day's texts that public actions caused (confirmations), salon or phone."""
    return sms_count_sk(day, e164) + "#public"


def channel_count_sk(channel: str, day: date, client_id: str | None = None) -> str:
    """A day's e-mails or WhatsApp messages, the salon's or one client's (by id: no address in a key)."""
    return f"{channel.upper()}COUNT#{day.isoformat()}" + (f"#{client_id}" if client_id else "")


def budget_notice_sk(month: str) -> str:
    """Present once the salon's monthly message budget was reached in `month` (YYYY-MM, salon-local)."""
    return f"BUDGETREACHED#{month}"


def clients_pk(salon_id: str) -> str:
    """GSI1 partition of a salon's clients, sorted by folded name (search by name prefix)."""
    return f"SALON#{salon_id}#CLIENTS"


def client_name_sk(folded_name: str, client_id: str) -> str:
    return f"{folded_name}#{client_id}"


def client_message_sk(created: datetime, message_id: str) -> str:
    """A message in its client's GSI1 history, next to the appointments (prefix MSG#)."""
    return f"MSG#{iso_utc(created)}#{message_id}"


def route_pk(e164: str) -> str:
    """The salons that wrote to this phone (one item each): inbound replies are matched there."""
    return f"ROUTE#{e164}"


def route_sk(salon_id: str) -> str:
    """One salon's texts to the phone: when it last wrote, the question it left open. (Items
    with the legacy sort key ROUTE_SK held only "the salon that wrote last".)"""
    return f"SALON#{salon_id}"


PROVIDER_MESSAGE_SK = "MSG"


def provider_message_pk(provider_message_id: str) -> str:
    """A sent message found by its provider's id (WhatsApp's wamid, SES's message id): delivery reports."""
    return f"PROVIDERMSG#{provider_message_id}"


# --- accounts (owner side) ---
USER_SK = "USER"
SESSION_SK = "SESSION"
THROTTLE_SK = "THROTTLE"
AUDIT_PREFIX = "AUDIT#"


def user_pk(email: str) -> str:
    """Login is by email, unique across every salon: the caller passes it lower-cased."""
    return f"USER#{email}"


def salon_users_pk(salon_id: str) -> str:
    """GSI1: a salon's users."""
    return f"SALON#{salon_id}#USERS"


def salon_user_sk(user_id: str) -> str:
    return f"USER#{user_id}"


def session_pk(session_digest: str) -> str:
    return f"SESSION#{session_digest}"


def throttle_pk(scope: str, subject_digest: str) -> str:
    """Failed-login counter of one account or one client address (`scope`: account | address)."""
    return f"THROTTLE#{scope}#{subject_digest}"


def audit_sk(at: datetime, entry_id: str) -> str:
    return f"AUDIT#{iso_utc(at)}#{entry_id}"


# --- agenda (owner side) ---
FEED_SK = "ICAL"


def feed_pk(token_digest: str) -> str:
    """A staff member's calendar feed, found by the sha256 of its secret URL token."""
    return f"ICAL#{token_digest}"


def salon_feeds_pk(salon_id: str) -> str:
    """The current feed of each staff member of a salon (so a rotation can delete the old one)."""
    return f"SALON#{salon_id}#ICAL"


def feed_staff_sk(staff_id: str) -> str:
    return f"STAFF#{staff_id}"


# --- clients (owner side) ---
CLIENT_PREFIX = "CLIENT#"


def client_name_prefix(folded_prefix: str) -> str:
    """GSI1 sort-key prefix of clients whose folded name starts with this text."""
    return folded_prefix


# --- payments ---
PAYMENT_EVENT_SK = "PAYEVENT"


def payment_event_pk(provider: str, event_id: str) -> str:
    """A provider's webhook event, once: `PAYEVENT#<provider>#<event id>`."""
    return f"PAYEVENT#{provider}#{event_id}"


def payment_job_sk(job_id: str) -> str:
    """A refund or charge of the salon: `PAYJOB#<job id>` (the id names the appointment)."""
    return f"PAYJOB#{job_id}"


# --- treatment records and their photos ---
RECORD_PREFIX = "RECORD#"


def record_sk(appointment_start: datetime, appointment_id: str) -> str:
    """One record per visit, beside its appointment (in the salon's partition and in the
    client's GSI1 history, where `RECORD#` sorts apart from `APPT#` and `MSG#`)."""
    return f"RECORD#{iso_utc(appointment_start)}#{appointment_id}"


def photo_client_prefix(salon_id: str, client_id: str) -> str:
    """Every photo of a client, in the photo store (erasure deletes the whole prefix)."""
    return f"records/{salon_id}/{client_id}/"


def photo_record_prefix(salon_id: str, client_id: str, appointment_id: str) -> str:
    return f"{photo_client_prefix(salon_id, client_id)}{appointment_id}/"


def photo_key(salon_id: str, client_id: str, appointment_id: str, slot: int) -> str:
    """A record has numbered photo places (1-6): the limit holds by construction, and a new
    upload to a place replaces its photo."""
    return f"{photo_record_prefix(salon_id, client_id, appointment_id)}{slot}"


# --- report counters ---
def report_pk(salon_id: str) -> str:
    """A salon's report counters: one item per month and one per month and specialist, so a
    year of reports is one Query whatever the number of appointments."""
    return f"SALON#{salon_id}#REPORT"


def report_sk(month: str, staff_id: str | None = None) -> str:
    """`month`: salon-local `YYYY-MM`. The salon's item sorts just before its specialists'."""
    return f"MONTH#{month}" + (f"#STAFF#{staff_id}" if staff_id else "")


def report_bound(month: str) -> str:
    return f"MONTH#{month}"
# --- rate limits (public side) ---
RATE_PREFIX = "RATE#"


def rate_pk(action: str, scope: str, subject_digest: str) -> str:
    """One subject's counters for one action: `RATE#write#address#<digest>`."""
    return f"RATE#{action}#{scope}#{subject_digest}"


def rate_sk(window_seconds: int, window_start: datetime) -> str:
    """One window of one length (a minute and an hour can start at the same instant)."""
    return f"RATE#{window_seconds}#{iso_utc(window_start)}"


# --- the client's area ---
SIGN_IN_SK = "CODE"
CLIENT_SESSION_SK = "CLIENT_SESSION"
ERASURE_REQUEST_PREFIX = "ERASURE_REQUEST#"


def erasure_request_sk(client_id: str) -> str:
    """A client asked to delete their data: listed for the owner until the file is erased."""
    return f"{ERASURE_REQUEST_PREFIX}{client_id}"


def sign_in_pk(salon_id: str, e164: str) -> str:
    """The one-time sign-in code of a phone at a salon (one item: one active code per phone)."""
    return f"SIGNIN#{salon_id}#{e164}"


def client_session_pk(session_digest: str) -> str:
    return f"CLIENT_SESSION#{session_digest}"


def client_sessions_pk(salon_id: str, client_id: str) -> str:
    """GSI1: a client's open sessions, so "sign out everywhere" finds them all."""
    return f"SALON#{salon_id}#CLIENT#{client_id}#SESSIONS"


def client_session_sk(issued: datetime, session_digest: str) -> str:
    return f"SESSION#{iso_utc(issued)}#{session_digest}"


# --- broadcasts ---
BROADCAST_PREFIX = "BROADCAST#"


def broadcast_sk(broadcast_id: str) -> str:
    """A broadcast in its salon's partition (ids are ULIDs: newest last)."""
    return f"{BROADCAST_PREFIX}{broadcast_id}"


def broadcast_messages_prefix(broadcast_id: str) -> str:
    """Its outbox messages (ids `<broadcast id>-<client id>`): one Query counts its progress."""
    return f"{MESSAGE_PREFIX}{broadcast_id}-"
