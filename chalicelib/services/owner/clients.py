"""The owner side's client files: search, the file, edits, online-booking access, the no-show revert.

Who sees what: CLIENTS reaches every file; CLIENTS_OWN (staff) only clients with an appointment
with the user's staff member; private notes and allergies need CLIENT_NOTES (for staff, only when
the salon allows it). A file the user may not open answers 404, exactly like a missing one.
Every change is audited with the names of the fields it touched, never their values.
"""
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from ...auth import roles
from ...domain.appointment import Appointment
from ...domain.catalog import Catalog
from ...domain.client import Access, Client, normalize_phone
from ...domain.errors import DomainError, IllegalTransition, InvalidPhone, InvalidRequest, NotFound
from ...domain.outbox import OutboxMessage
from ...domain.salon import SUPPORTED_LOCALES, Salon
from ...domain.text import ngettext
from ...domain.values import frozen
from ...storage.errors import PhoneTaken
from ...storage.mapping import fold_name
from ...web.catalogs import N_  # marks the messages owner pages translate (make messages)
from .. import attendance
from ..salons import load_salon
from . import client_access

MAX_RESULTS = 50
MIN_DIGITS = 3  # fewer digits would match half the salon
STAFF_CHECKS = 200  # a staff search checks at most this many candidates for an appointment with them
HISTORY_SHOWN = 50
LIMITS = {"name": 100, "email": 254, "notes": 2000, "allergies": 500}
CONTACT = ("name", "phone", "email", "locale", "recall_consent")
PRIVATE = ("notes", "allergies")
_PHONE_TEXT = re.compile(r"^[\d\s+().\-/]+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class NotAllowed(DomainError):
    """The role may open the file but not make this change (answered 403 by the routes)."""

    code = "forbidden"


@frozen
class Rights:
    every_client: bool  # else only the clients of `staff_id`
    notes: bool  # private notes and allergies
    edit: bool  # contact, consent, access, the no-show revert
    messages: bool  # the client's message history
    data: bool  # exports and erasure (the owner)
    staff_id: str | None


def rights_of(who, salon: Salon) -> Rights:
    staff_notes = bool(getattr(salon.policy, "staff_see_notes", False))
    return Rights(every_client=who.can(roles.CLIENTS), notes=who.can(roles.CLIENT_NOTES, staff_notes=staff_notes),
                  edit=who.can(roles.CLIENTS), messages=who.can(roles.MESSAGES), data=who.can(roles.EXPORTS),
                  staff_id=who.staff_id)


@frozen
class Search:
    salon: Salon
    rights: Rights
    query: str
    clients: list[Client]
    how: str = ""  # name | word | phone | digits
    more: bool = False  # there may be more than listed (more than MAX_RESULTS, or a staff search's checks ran out)
    problem: str | None = None


@frozen
class Changed:
    """What a change leaves: the file as now stored, and what the user may see of it."""

    salon: Salon
    catalog: Catalog
    rights: Rights
    client: Client
    appointment: Appointment | None = None


@frozen
class ClientFile:
    salon: Salon
    catalog: Catalog
    rights: Rights
    client: Client
    appointments: list[Appointment]
    messages: list[OutboxMessage]


def search(repo, who, text: str) -> Search:
    """By name (folded prefix; a word inside the name when no name starts with it), by a full
    phone number in any format, or by a few of its digits (e.g. the last four).

    Everything the answer says (the clients, their count, how they matched, "no match") comes
    from the files the user may open: which way to search next is decided on the clients the
    user may see, never on whether a name or a phone exists in the salon. A staff member who types
    the phone or the name of a client they have not served gets exactly the answer a number or a
    name nobody has would get."""
    salon, _ = load_salon(repo, who.salon_id)
    rights, text = rights_of(who, salon), " ".join((text or "").split())[:100]
    if not text:
        return Search(salon, rights, text, [])
    digits = re.sub(r"\D", "", text)
    if _PHONE_TEXT.match(text):
        if len(digits) < MIN_DIGITS:
            return Search(salon, rights, text, [], problem=ngettext(
                "Type at least %(num)s digit of the phone number.",
                "Type at least %(num)s digits of the phone number.", MIN_DIGITS))
        exact = _result(repo, salon, rights, text, "phone", _by_phone(repo, salon, text))
        if exact.clients:
            return exact
        return _result(repo, salon, rights, text, "digits",
                       (c for c in repo.salon_clients(salon.id) if digits in re.sub(r"\D", "", c.phone)))
    folded = fold_name(text)[:200]  # folding can lengthen text; a key condition holds at most 1024 bytes
    limit = MAX_RESULTS + 1 if rights.every_client else STAFF_CHECKS + 1
    by_name = _result(repo, salon, rights, text, "name", repo.clients_by_name(salon.id, folded, limit))
    if by_name.clients:
        return by_name
    words = (c for c in repo.salon_clients(salon.id) if not c.erased and f" {folded}" in f" {fold_name(c.name)}")
    return _result(repo, salon, rights, text, "word", sorted(words, key=lambda c: fold_name(c.name)))


def open_file(repo, who, client_id: str) -> ClientFile:
    salon, catalog = load_salon(repo, who.salon_id)
    rights = rights_of(who, salon)
    client = _client(repo, salon, rights, client_id)
    messages = repo.client_messages(salon.id, client.id, limit=HISTORY_SHOWN) if rights.messages else []
    return ClientFile(salon, catalog, rights, client,
                      repo.client_appointments(salon.id, client.id, newest_first=True, limit=HISTORY_SHOWN), messages)


def update(repo, audit, who, client_id: str, changes: dict, now: datetime) -> Changed:
    """`changes`: any of name, phone, email, locale, notes, allergies (text), recall_consent (bool)."""
    salon, catalog, rights, client = checked_client(repo, who, client_id)
    if any(name in changes for name in CONTACT) and not rights.edit:
        raise NotAllowed(N_("Your role does not allow changing this client's details."))
    if any(name in changes for name in PRIVATE) and not rights.notes:
        raise NotAllowed(N_("Your role does not allow private notes."))
    _not_erased(client)
    after = replace(client, **_parsed(changes, salon))
    if after.email != client.email:  # a new address has not bounced (yet): e-mail may be tried again
        after = replace(after, email_suppressed=False)
    changed = [name for name in (*CONTACT, *PRIVATE) if getattr(client, name) != getattr(after, name)]
    if not changed:
        return Changed(salon, catalog, rights, client)
    try:
        repo.update_client(salon.id, client, after)
    except PhoneTaken:
        raise IllegalTransition(N_("Another client already has this phone number. Open that client's file instead, "
                                   "or change their number first."), "phone_taken") from None
    audit.record_audit(salon.id, who.user_id, "client_updated", f"client:{client.id}", {"fields": changed}, now)
    return Changed(salon, catalog, rights, after)


def change_access(repo, audit, who, client_id: str, access: str, until: date | None, now: datetime) -> Changed:
    """Restrict until a day, ban, or lift (`ok`); restriction and ban send the client a notice."""
    salon, catalog, rights, client = checked_client(repo, who, client_id, edit=True)
    _not_erased(client)
    try:
        wanted = Access(access)
    except ValueError:
        raise InvalidRequest(N_("Choose ok, restricted or banned.")) from None
    updated = client_access.set_access(repo, salon, client.id, wanted, now, until)
    details = {"access": wanted.value, "until": until.isoformat() if wanted is Access.RESTRICTED else None}
    audit.record_audit(salon.id, who.user_id, "client_access_changed", f"client:{client.id}", details, now)
    return Changed(salon, catalog, rights, updated)


def revert_no_show(repo, audit, who, client_id: str, appointment_id: str, now: datetime) -> Changed:
    """The client did come: the counters, the ladder's restriction and its message are undone."""
    salon, catalog, rights, client = checked_client(repo, who, client_id, edit=True)
    appt = repo.client_appointment(salon.id, client.id, appointment_id)
    if appt is None:
        raise NotFound(N_("This client has no such appointment."), "appointment_not_found")
    reverted = attendance.revert_no_show(repo, salon, appt, now)
    audit.record_audit(salon.id, who.user_id, "no_show_reverted", f"appointment:{appt.id}",
                       {"client_id": client.id}, now)
    return Changed(salon, catalog, rights, repo.get_client(salon.id, client.id), reverted)


# --- helpers ---------------------------------------------------------------------------------------

def checked_client(repo, who, client_id: str, edit: bool = False) -> tuple[Salon, Catalog, Rights, Client]:
    """The salon and a client file the user may open (exports and erasure use it too); `edit`:
    and may change (NotAllowed otherwise)."""
    salon, catalog = load_salon(repo, who.salon_id)
    rights = rights_of(who, salon)
    return salon, catalog, rights, _client(repo, salon, rights, client_id, edit)


def _client(repo, salon: Salon, rights: Rights, client_id: str, edit: bool = False) -> Client:
    client = repo.get_client(salon.id, client_id) if _ID.match(client_id or "") else None
    if client is None or not (rights.every_client or _serves(repo, salon, rights, client)):
        raise NotFound(N_("There is no such client."), "client_not_found")
    if edit and not rights.edit:
        raise NotAllowed(N_("Your role does not allow this change."))
    return client


def _serves(repo, salon: Salon, rights: Rights, client: Client) -> bool:
    return bool(rights.staff_id) and repo.served_by(salon.id, client.id, rights.staff_id)


def _not_erased(client: Client) -> None:
    if client.erased:
        raise IllegalTransition(N_("This client's personal data was erased; the file can no longer be changed."),
                                "client_erased")


def _by_phone(repo, salon: Salon, text: str) -> list[Client]:
    try:
        e164 = normalize_phone(text, salon.country)
    except DomainError:
        return []
    client_id = repo.client_id_for_phone(salon.id, e164)
    client = repo.get_client(salon.id, client_id) if client_id else None
    return [client] if client else []


def _result(repo, salon: Salon, rights: Rights, text: str, how: str, candidates: Iterable[Client]) -> Search:
    """The first MAX_RESULTS the user may see; staff: checked for an appointment with them, up to
    STAFF_CHECKS candidates (each check is one Query of the client's history). Past that many the
    answer says "type more" (`more`): only a text hundreds of files share gets there, never the
    full name or number of one person, so it tells nothing about whether someone is a client."""
    found, checked, capped = [], 0, False
    for client in candidates:
        if client.erased:
            continue
        if not rights.every_client:
            checked += 1
            if checked > STAFF_CHECKS:
                capped = True
                break
            if not _serves(repo, salon, rights, client):
                continue
        found.append(client)
        if len(found) > MAX_RESULTS:
            break
    return Search(salon, rights, text, found[:MAX_RESULTS], how, more=capped or len(found) > MAX_RESULTS)


def _parsed(changes: dict, salon: Salon) -> dict:
    """Typed values -> clean values for the file; InvalidRequest / InvalidPhone on bad input."""
    clean = {}
    for name, value in changes.items():
        if name == "recall_consent":
            if not isinstance(value, bool):
                raise InvalidRequest(N_("recall_consent must be true or false."))
            clean[name] = value
            continue
        if name not in (*CONTACT, *PRIVATE) or not isinstance(value, str):
            raise InvalidRequest(N_("%(name)s cannot be changed here.", name=name))
        value = value.strip()
        if len(value) > LIMITS.get(name, 100):
            error = InvalidPhone if name == "phone" else InvalidRequest  # every unusable phone: invalid_phone
            raise error(N_("The %(name)s is too long (at most %(limit)s characters).",
                              name=name, limit=LIMITS.get(name, 100)))
        if name == "name" and not value:
            raise InvalidRequest(N_("The name must not be empty."))
        if name == "phone":
            value = normalize_phone(value, salon.country)
        if name == "email" and value and not _EMAIL.match(value):
            raise InvalidRequest(N_("'%(value)s' is not an e-mail address.", value=value))
        if name == "locale" and value and value not in SUPPORTED_LOCALES:
            raise InvalidRequest(N_("Choose a language among %(locales)s.", locales=", ".join(SUPPORTED_LOCALES)))
        clean[name] = (value or None) if name in ("email", "locale") else value
    return clean
