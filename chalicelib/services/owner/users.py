"""The salon's users and its audit log (owners only: roles.USERS, roles.AUDIT).

Invite a user (the password is generated and shown once), change a role, disable or enable,
reset a password. A salon always keeps an active owner: the last one can neither step down nor
be disabled, and a change that counts on another owner commits only if that owner still is one.
Every change is audited; passwords never reach the log.
"""
import re
from datetime import datetime

from ...auth import create_user, passwords, roles
from ...domain.clock import iso_utc, parse_iso_utc
from ...domain.errors import IllegalTransition, InvalidRequest, NotFound
from ...domain.text import N_
from ...domain.values import frozen
from ...storage.accounts import AuditEntry, EmailTaken, User
from ...storage.errors import OwnerChanged
from ..salons import load_salon
from . import agenda_feed as owner_agenda_feed
from .settings_fields import FieldErrors, Form, changes

_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)_([0-9A-Z]{26})$")
AUDIT_PAGE = 30
LAST_OWNER = N_("The salon needs an active owner: make someone else an owner first.")


def users(accounts, me) -> list[User]:
    return accounts.users_of_salon(me.salon_id)


def find(accounts, me, user_id: str) -> User:
    """A user of the principal's salon (fresh, consistent), else NotFound: another salon's id is no different."""
    return _find_in(accounts, me, user_id, accounts.users_of_salon(me.salon_id))


def _find_in(accounts, me, user_id: str, listed: list[User]) -> User:
    entry = next((u for u in listed if u.id == user_id), None)
    user = accounts.get_user(entry.email) if entry else None
    if user is None or user.id != user_id or user.salon_id != me.salon_id:
        raise NotFound(N_("There is no such user."), "user_not_found")
    return user


def invite(repo, accounts, me, values: dict[str, str], now: datetime) -> tuple[User, str]:
    """A new user with a generated password (returned once, never stored). Raises FieldErrors."""
    form = Form(values)
    email, name = form.text("email", 254), form.text("name", required=False)
    role = form.choice("role", roles.ROLES)
    staff_id = _staff_of(repo, me, form, role)
    form.done()
    password = passwords.generate()
    try:
        user = create_user(accounts, me.salon_id, email, password, role, now, name=name, staff_id=staff_id,
                           actor_user_id=me.user_id)
    except EmailTaken:
        raise FieldErrors({"email": N_("This email already has a Chairtime account. Use another one.")}) from None
    except InvalidRequest as error:
        raise FieldErrors({"email": error.message}) from None
    return user, password


def change_role(repo, accounts, me, user_id: str, values: dict[str, str], now: datetime) -> User:
    listed = accounts.users_of_salon(me.salon_id)
    user = _find_in(accounts, me, user_id, listed)
    form = Form(values)
    role = form.choice("role", roles.ROLES)
    staff_id = _staff_of(repo, me, form, role)
    form.done()
    if (role, staff_id) == (user.role, user.staff_id):
        return user
    keep = _another_owner(listed, user) if user.role == roles.OWNER and role != roles.OWNER else None
    if not _update(repo, me, user, role=role, staff_id=staff_id, keep_owner=keep):
        raise NotFound(N_("There is no such user."), "user_not_found")
    before, after = _role_values(user.role, user.staff_id), _role_values(role, staff_id)
    accounts.record_audit(me.salon_id, me.user_id, "user_role_changed", f"user:{user.id}",
                          {"email": user.email, "changes": changes(before, after)}, now)
    return accounts.get_user(user.email)


def set_active(repo, accounts, me, user_id: str, active: bool, now: datetime) -> User:
    """Disabling also ends every session of the user, so enabling later revives none of them, and a
    staff login's calendar feed: enabling does not revive it either (the owner makes a new one)."""
    listed = accounts.users_of_salon(me.salon_id)
    user = _find_in(accounts, me, user_id, listed)
    if user.active == active:
        return user
    keep = _another_owner(listed, user) if not active and user.role == roles.OWNER else None
    if not _update(repo, me, user, active=active, end_sessions=not active, keep_owner=keep):
        raise NotFound(N_("There is no such user."), "user_not_found")
    if not active and user.role == roles.STAFF and user.staff_id:
        # The calendar URL of their agenda is in their hands too: it stops with the login.
        owner_agenda_feed.end(repo, accounts, me.salon_id, user.staff_id, me.user_id, "user_disabled", now)
    accounts.record_audit(me.salon_id, me.user_id, "user_enabled" if active else "user_disabled",
                          f"user:{user.id}", {"email": user.email}, now)
    return accounts.get_user(user.email)


def reset_password(accounts, me, user_id: str, now: datetime) -> tuple[User, str]:
    """A new generated password (returned once); every session of the user ends."""
    user = find(accounts, me, user_id)
    password = passwords.generate()
    accounts.set_password_hash(user.email, passwords.hash_password(password), end_sessions=True)
    accounts.record_audit(me.salon_id, me.user_id, "user_password_reset", f"user:{user.id}",
                          {"email": user.email}, now)
    return user, password


def _update(repo, me, user: User, **fields) -> bool:
    try:
        return repo.update_user(me.salon_id, user.email, **fields)
    except OwnerChanged:  # the other owner stepped down or was disabled a moment ago
        raise IllegalTransition(LAST_OWNER, "last_owner") from None


def _staff_of(repo, me, form: Form, role: str) -> str | None:
    if role != roles.STAFF:
        return None
    staff_id = form.raw("staff_id")
    _, catalog = load_salon(repo, me.salon_id)
    if catalog.staff_member(staff_id) is None:
        form.fail("staff_id", N_("Choose the staff member this login belongs to."))
    return staff_id


def _another_owner(listed: list[User], user: User) -> str:
    """The email of an active owner other than `user`, which the change then requires to still be
    one when it commits (the list is read from an index and may be a moment old)."""
    others = [u for u in listed if u.role == roles.OWNER and u.active and u.id != user.id]
    if not others:
        raise IllegalTransition(LAST_OWNER, "last_owner")
    return others[0].email


def _role_values(role: str, staff_id: str | None) -> dict[str, str]:
    return {"role": role, "staff_id": staff_id or ""}


# --- the audit log --------------------------------------------------------------------------------

@frozen
class AuditPage:
    entries: list[AuditEntry]
    next_cursor: str | None  # the `before` of the next (older) page
    people: dict[str, User]  # user id -> user, to name actors and targets


def audit_page(accounts, me, before: str | None, limit: int = AUDIT_PAGE) -> AuditPage:
    """Newest first. `before`: a cursor from the previous page (InvalidRequest when it is not one)."""
    cursor = None
    if before:
        match = _CURSOR.match(before)
        if not match:
            raise InvalidRequest(N_("before: not a cursor from the previous page."))
        cursor = AuditEntry(match.group(2), me.salon_id, parse_iso_utc(match.group(1)), "", "", "", {})
    entries = accounts.audit_entries(me.salon_id, limit=limit + 1, before=cursor)
    more = len(entries) > limit
    entries = entries[:limit]
    next_cursor = f"{iso_utc(entries[-1].at)}_{entries[-1].id}" if more and entries else None
    return AuditPage(entries, next_cursor, {u.id: u for u in accounts.users_of_salon(me.salon_id)})
