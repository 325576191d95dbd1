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
