"""Treatment records: what was done at a visit, in free text and in the fields the owner defines
per service (a colour formula, a peel's strength, a device's settings), with up to six photos.

Pure rules: which fields a service asks for, how typed values are checked, when a record may be
written (once the appointment has started), and the one-line summary the next visit shows."""
import re
from dataclasses import field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from .appointment import Appointment, Status
from .errors import IllegalTransition, InvalidRequest
from .text import N_, ngettext
from .values import frozen

KINDS = ("text", "number", "choice")
MAX_FIELDS = 12
MAX_CHOICES = 20
MAX_LABEL = 60
MAX_TEXT = 4000  # the record's free text
MAX_VALUE = 300  # one field's value
MAX_PHOTOS = 6
PHOTO_SLOTS = tuple(range(1, MAX_PHOTOS + 1))
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP", "image/heic": "HEIC"}
SUMMARY_LENGTH = 140
STARTED = (Status.ARRIVED, Status.COMPLETED)
_ID = re.compile(r"[^a-z0-9]+")


@frozen
class RecordField:
    """One field the owner asks for on a service's records."""

    id: str
    label: str
    kind: str = "text"  # text | number | choice
    choices: tuple[str, ...] = ()


@frozen
class TreatmentRecord:
    """One visit's record; its photos live in the photo store under the record's own prefix."""

    salon_id: str
    client_id: str
    appointment_id: str
    appointment_start: datetime  # UTC
    staff_id: str
    service_id: str
    text: str = ""
    values: dict[str, str] = field(default_factory=dict)  # field id -> value as typed (checked)
    labels: dict[str, str] = field(default_factory=dict)  # field id -> its label when written
    created_at: datetime | None = None
    updated_at: datetime | None = None
    updated_by: str = ""  # user id of the last writer

    def summary(self) -> str:
        """'formula: 6/0 + 20 vol; reaction: none; text…' — what the next visit's card shows."""
        parts = [f"{self.labels.get(k, k)}: {v}" for k, v in self.values.items() if v]
        if self.text:
            parts.append(" ".join(self.text.split()))
        line = "; ".join(parts)
        return line if len(line) <= SUMMARY_LENGTH else line[:SUMMARY_LENGTH - 1].rstrip() + "…"


def field_id(label: str) -> str:
    return _ID.sub("_", label.casefold()).strip("_")[:40] or "field"


def parse_fields_spec(text: str) -> tuple[RecordField, ...]:
    """The owner's definition, one field a line: `label`, `label | number` or
    `label | choice | a, b, c` (the form has no JavaScript, so a line is the simplest editor)."""
    fields: list[RecordField] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        label, kind = parts[0], (parts[1].casefold() if len(parts) > 1 and parts[1] else "text")
        if not label or len(label) > MAX_LABEL:
            raise InvalidRequest(N_("Line %(number)s: a field needs a name of 1 to %(most)s characters.",
                                    number=number, most=MAX_LABEL))
        if kind not in KINDS:
            raise InvalidRequest(N_("Line %(number)s: the kind must be text, number or choice, not '%(kind)s'.",
                                    number=number, kind=kind[:20]))
        choices: tuple[str, ...] = ()
        if kind == "choice":
            choices = tuple(dict.fromkeys(c.strip() for c in (parts[2] if len(parts) > 2 else "").split(",")
                                          if c.strip()))
            if not choices or len(choices) > MAX_CHOICES or any(len(c) > MAX_LABEL for c in choices):
                raise InvalidRequest(N_("Line %(number)s: list 1 to %(most)s choices after a second '|', "
                                        "separated by commas.", number=number, most=MAX_CHOICES))
        fields.append(RecordField(field_id(label), label, kind, choices))
    ids = [f.id for f in fields]
    if len(set(ids)) != len(ids):
        raise InvalidRequest(N_("Two fields have the same name. Give each field its own name."))
    if len(fields) > MAX_FIELDS:
        raise InvalidRequest(ngettext("A service can ask for at most %(num)s field.",
                                      "A service can ask for at most %(num)s fields.", MAX_FIELDS))
    return tuple(fields)


def format_fields_spec(fields: tuple[RecordField, ...]) -> str:
    lines = []
    for f in fields:
        lines.append(f.label if f.kind == "text" else f"{f.label} | {f.kind}" +
                     (f" | {', '.join(f.choices)}" if f.kind == "choice" else ""))
    return "\n".join(lines)


def checked_values(fields: tuple[RecordField, ...], typed: dict[str, str]) -> dict[str, str]:
    """The service's fields as typed: numbers must be numbers, choices one of the choices; an
    empty field is left out. Fields the service does not define are refused."""
    known = {f.id: f for f in fields}
    unknown = set(typed) - set(known)
    if unknown:
        raise InvalidRequest(N_("This service's records have no field '%(field)s'.", field=sorted(unknown)[0][:40]))
    clean: dict[str, str] = {}
    for f in fields:
        value = " ".join(str(typed.get(f.id) or "").split())
        if not value:
            continue
        if len(value) > MAX_VALUE:
            raise InvalidRequest(ngettext("%(label)s: at most %(num)s character.",
                                          "%(label)s: at most %(num)s characters.", MAX_VALUE, label=f.label))
        if f.kind == "number":
            try:
                number = Decimal(value.replace(",", "."))
            except InvalidOperation:
                raise InvalidRequest(N_("%(label)s: type a number, like 20 or 1.5.", label=f.label)) from None
            if not number.is_finite():
                raise InvalidRequest(N_("%(label)s: type a number, like 20 or 1.5.", label=f.label))
            value = format(number.normalize(), "f") if number == number.to_integral() else str(number)
        if f.kind == "choice" and value not in f.choices:
            raise InvalidRequest(N_("%(label)s: choose one of %(choices)s.", label=f.label,
                                    choices=", ".join(f.choices)))
        clean[f.id] = value
    return clean


def checked_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise InvalidRequest(N_("The record is too long (at most %(most)s characters).", most=MAX_TEXT))
    return text


def require_started(appt: Appointment) -> None:
    """A record describes work done: the client must have arrived."""
    if appt.status not in STARTED:
        raise IllegalTransition(N_("A treatment record can be written once the client has arrived "
                                   "(mark the appointment as arrived first)."), "appointment_not_started")


def photo_slot(value) -> int:
    try:
        slot = int(str(value))
    except ValueError:
        slot = 0
    if slot not in PHOTO_SLOTS:
        raise InvalidRequest(N_("A record has photo places 1 to %(most)s.", most=MAX_PHOTOS))
    return slot
