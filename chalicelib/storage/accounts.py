"""Accounts of the owner side: users, sessions, failed-login counters and the audit log.

Models stay private to this module; callers get the dataclasses below. Every method is a GetItem,
a Query, a BatchGetItem or a single write (docs/data-model.md, "Accounts").
"""
from dataclasses import field
from datetime import datetime, timedelta

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.ids import new_id
from ..domain.values import frozen
from . import keys, table
from .models import Item, SalonItem
from .transaction import Transaction

TTL_SLACK = timedelta(days=1)  # DynamoDB deletes expired items late; readers check the time themselves


class _Changed(Exception):
    """A condition of a password change failed: someone changed the account meanwhile."""


class EmailTaken(Exception):
    """An account with this email exists already (in this salon or another one)."""


@frozen
class User:
    id: str
    email: str  # lower-case: the login
    salon_id: str
    role: str  # auth/roles.py
    name: str = ""
    staff_id: str | None = None  # the specialist this login is, for "own agenda" and "own clients"
    password_hash: str = field(default="", repr=False)
    active: bool = True
    session_generation: int = 0  # bumped by "log out everywhere": older sessions stop working
    created_at: datetime | None = None  # required by create_user
    locale: str | None = None  # the language of the user's pages; None: the salon's


@frozen
class StoredSession:
    digest: str  # sha256 of the cookie's session id; the id itself is never stored
    email: str
    user_id: str
    salon_id: str
    generation: int
    issued_at: datetime
    expires_at: datetime


@frozen
class Counter:
    failures: int = 0
    last_failure: datetime | None = None
    locked_until: datetime | None = None


@frozen
class Reservation:
    """A sign-in attempt counted before its password is checked: `count` is its number within the
    window (None: refused, with `refused_until` the moment attempts are accepted again)."""

    count: int | None
    refused_until: datetime | None = None
    at: datetime | None = None  # when it was counted
    previous_at: datetime | None = None  # the counter's last attempt before this one (None: none)


@frozen
class AuditEntry:
    id: str
    salon_id: str
    at: datetime
    actor_user_id: str
    action: str
    target: str
    details: dict


class UserItem(Item, discriminator="user"):
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    role = UnicodeAttribute()
    name = UnicodeAttribute(default="")
    staff_id = UnicodeAttribute(null=True)
    password_hash = UnicodeAttribute()
    active = BooleanAttribute(default=True)
    session_generation = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    locale = UnicodeAttribute(null=True)  # absent: the salon's language


class SessionItem(Item, discriminator="session"):
    email = UnicodeAttribute()
    user_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    generation = NumberAttribute()
    issued_at = UnicodeAttribute()


class ThrottleItem(Item, discriminator="throttle"):
    failures = NumberAttribute(default=0)
    last_failure_at = UnicodeAttribute(null=True)
    locked_until = UnicodeAttribute(null=True)


class AuditItem(Item, discriminator="audit"):
    entry_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    at = UnicodeAttribute()
    actor_user_id = UnicodeAttribute()
    action = UnicodeAttribute()
    target = UnicodeAttribute()
    details = JSONAttribute()


MODELS = (UserItem, SessionItem, ThrottleItem, AuditItem)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _conditional(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


def _time(text: str | None) -> datetime | None:
    return parse_iso_utc(text) if text else None


class AccountsRepository:
    """Build it after `models.bind` (wiring.repository() does that): it shares the bound client."""

    def __init__(self, connection=None):
        shared = Item._connection if connection is None else connection
        for model in MODELS:
            model._connection = shared

    # --- users -----------------------------------------------------------------------------
    def create_user(self, user: User) -> None:
        """Raises EmailTaken: an email is one login across all salons."""
        item = UserItem(
            keys.user_pk(normalize_email(user.email)), keys.USER_SK,
            gsi1pk=keys.salon_users_pk(user.salon_id), gsi1sk=keys.salon_user_sk(user.id),
            user_id=user.id, email=normalize_email(user.email), salon_id=user.salon_id, role=user.role,
            name=user.name, staff_id=user.staff_id, password_hash=user.password_hash, active=user.active,
            session_generation=user.session_generation, created_at=iso_utc(user.created_at), locale=user.locale,
        )
        try:
            item.save(condition=UserItem.pk.does_not_exist())
        except PutError as error:
            if _conditional(error):
                raise EmailTaken(user.email) from None
            raise

    def get_user(self, email: str) -> User | None:
        try:
            item = UserItem.get(keys.user_pk(normalize_email(email)), keys.USER_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return _user(item)

    def users_of_salon(self, salon_id: str) -> list[User]:
        """GSI1 (eventually consistent), oldest account first."""
        return [_user(item) for item in UserItem.query(keys.salon_users_pk(salon_id), index_name=table.GSI1)]

    def set_user_locale(self, email: str, locale: str | None) -> None:
        """The language of the user's own pages; None: follow the salon's."""
        action = UserItem.locale.set(locale) if locale else UserItem.locale.remove()
        UserItem(keys.user_pk(normalize_email(email)), keys.USER_SK).update(
            actions=[action], condition=UserItem.pk.exists())

    def salon_locale(self, salon_id: str) -> str | None:
        """The salon's language (its profile's `locale` only): what a user without their own reads."""
        try:
            item = SalonItem.get(keys.salon_pk(salon_id), keys.PROFILE_SK, attributes_to_get=["kind", "locale"])
        except DoesNotExist:
            return None
        return item.locale

    def set_password_hash(self, email: str, password_hash: str, end_sessions: bool) -> None:
        actions = [UserItem.password_hash.set(password_hash)]
        if end_sessions:
            actions.append(UserItem.session_generation.add(1))
        UserItem(keys.user_pk(normalize_email(email)), keys.USER_SK).update(
            actions=actions, condition=UserItem.pk.exists())

    def end_all_sessions(self, email: str) -> None:
        """Every session issued so far stops working (they carry the old generation)."""
        UserItem(keys.user_pk(normalize_email(email)), keys.USER_SK).update(
            actions=[UserItem.session_generation.add(1)], condition=UserItem.pk.exists())

    def change_own_password(self, email: str, keep_session: str, old_hash: str, old_generation: int,
                            new_hash: str) -> bool:
        """Store `new_hash` and end every session of the user but `keep_session` (a session digest),
        which moves to the new generation in the same transaction. False, with nothing written,
        when the password, the sessions or the account changed since `old_hash` and
        `old_generation` were read, or the kept session is gone."""
        changed = _Changed()
        tx = Transaction(UserItem._get_connection().connection)
        tx.update(UserItem(keys.user_pk(normalize_email(email)), keys.USER_SK),
                  actions=[UserItem.password_hash.set(new_hash), UserItem.session_generation.set(old_generation + 1)],
                  condition=(UserItem.password_hash == old_hash) & (UserItem.session_generation == old_generation)
                  & (UserItem.active == True),  # noqa: E712 - a PynamoDB condition, not a comparison
                  on_fail=lambda _: changed)
        tx.update(SessionItem(keys.session_pk(keep_session), keys.SESSION_SK),
                  actions=[SessionItem.generation.set(old_generation + 1)],
                  condition=(SessionItem.email == normalize_email(email)) & (SessionItem.generation == old_generation),
                  on_fail=lambda _: changed)
        try:
            tx.commit()
        except _Changed:
            return False
        return True

    # --- sessions --------------------------------------------------------------------------
    def save_session(self, session: StoredSession) -> None:
        SessionItem(keys.session_pk(session.digest), keys.SESSION_SK, email=session.email,
                    user_id=session.user_id, salon_id=session.salon_id, generation=session.generation,
                    issued_at=iso_utc(session.issued_at), expires_at=session.expires_at,
                    ).save(condition=SessionItem.pk.does_not_exist())

    def get_session(self, digest: str) -> StoredSession | None:
        try:
            item = SessionItem.get(keys.session_pk(digest), keys.SESSION_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return StoredSession(digest=digest, email=item.email, user_id=item.user_id, salon_id=item.salon_id,
                             generation=int(item.generation), issued_at=parse_iso_utc(item.issued_at),
                             expires_at=item.expires_at)

    def delete_session(self, digest: str) -> None:
        SessionItem(keys.session_pk(digest), keys.SESSION_SK).delete()

    # --- failed-login counters -------------------------------------------------------------
    def reserve_attempt(self, scope: str, digest: str, now: datetime, limit: int, window: timedelta) -> Reservation:
        """Count one sign-in attempt BEFORE its password is checked, in one conditional UpdateItem,
        so parallel guesses cannot all read the same count: of N attempts at once, at most `limit`
        within a window are granted. The count starts over when the last attempt is older than
        `window`. Refused while a lock runs or once `limit` attempts are counted in the window."""
        key = keys.throttle_pk(scope, digest)
        fresh_after, instant = iso_utc(now - window), iso_utc(now)
        unlocked = ThrottleItem.locked_until.does_not_exist() | (ThrottleItem.locked_until <= instant)
        counted = [ThrottleItem.last_failure_at.set(instant), ThrottleItem.expires_at.set(now + window + TTL_SLACK)]
        for _ in range(4):  # each turn loses only to another attempt that changed the counter meanwhile
            try:
                old = _update_returning_old(key, [ThrottleItem.failures.add(1), *counted],
                                            (ThrottleItem.last_failure_at >= fresh_after)
                                            & (ThrottleItem.failures < limit) & unlocked)
                return Reservation(int(old.get("failures", {}).get("N", 0)) + 1, at=now,
                                   previous_at=_time(old.get("last_failure_at", {}).get("S")))
            except UpdateError as error:
                if not _conditional(error):
                    raise
            try:  # missing or stale: start over at one
                old = _update_returning_old(key, [ThrottleItem.failures.set(1), *counted],
                                            (ThrottleItem.last_failure_at.does_not_exist()
                                             | (ThrottleItem.last_failure_at < fresh_after)) & unlocked)
                return Reservation(1, at=now, previous_at=_time(old.get("last_failure_at", {}).get("S")))
            except UpdateError as error:
                if not _conditional(error):
                    raise
            counter = self._counter(scope, digest)
            if counter is None:
                continue  # cleared meanwhile
            if counter.locked_until is not None and counter.locked_until > now:
                return Reservation(None, counter.locked_until)
            if counter.last_failure is not None and counter.last_failure >= now - window and counter.failures >= limit:
                return Reservation(None, counter.last_failure + window)  # the limit's attempts are still out
        return Reservation(None, now + window)  # contended throughout: refuse rather than count nothing

    def release_attempt(self, scope: str, digest: str, reservation: Reservation) -> None:
        """Uncount a reserved attempt whose password was right, and put the window back where it
        was (unless a later attempt moved it), so right passwords never keep old failures alive."""
        item = ThrottleItem(keys.throttle_pk(scope, digest), keys.THROTTLE_SK)
        restore = (ThrottleItem.last_failure_at.set(iso_utc(reservation.previous_at)) if reservation.previous_at
                   else ThrottleItem.last_failure_at.remove())
        for actions, condition in (
                ([ThrottleItem.failures.add(-1), restore],
                 (ThrottleItem.failures > 0) & (ThrottleItem.last_failure_at == iso_utc(reservation.at))),
                ([ThrottleItem.failures.add(-1)], ThrottleItem.failures > 0)):
            try:
                item.update(actions=actions, condition=condition)
                return
            except UpdateError as error:
                if not _conditional(error):
                    raise

    def _counter(self, scope: str, digest: str) -> Counter | None:
        try:
            item = ThrottleItem.get(keys.throttle_pk(scope, digest), keys.THROTTLE_SK, consistent_read=True)
        except DoesNotExist:
            return None
        return Counter(int(item.failures), _time(item.last_failure_at), _time(item.locked_until))

    def lock(self, scope: str, digest: str, until: datetime, limit: int) -> bool:
        """Refuse this subject until `until` if it still counts `limit` attempts (attempts given
        back meanwhile may have brought it below); the count starts from zero afterwards."""
        try:
            ThrottleItem(keys.throttle_pk(scope, digest), keys.THROTTLE_SK).update(
                actions=[ThrottleItem.locked_until.set(iso_utc(until)), ThrottleItem.failures.set(0),
                         ThrottleItem.expires_at.set(until + TTL_SLACK)],
                condition=ThrottleItem.failures >= limit)
            return True
        except UpdateError as error:
            if not _conditional(error):
                raise
            return False

    def clear_counter(self, scope: str, digest: str) -> None:
        ThrottleItem(keys.throttle_pk(scope, digest), keys.THROTTLE_SK).delete()

    # --- audit log -------------------------------------------------------------------------
    def record_audit(self, salon_id: str, actor_user_id: str, action: str, target: str, details: dict,
                     now: datetime) -> AuditEntry:
        """Append one entry to the salon's log. `details` must hold no secrets (no passwords, no tokens)."""
        entry = AuditEntry(new_id(int(now.timestamp() * 1000)), salon_id, now, actor_user_id, action, target,
                           dict(details))
        AuditItem(keys.salon_pk(salon_id), keys.audit_sk(now, entry.id), entry_id=entry.id, salon_id=salon_id,
                  at=iso_utc(now), actor_user_id=actor_user_id, action=action, target=target,
                  details=entry.details).save(condition=AuditItem.pk.does_not_exist())
        return entry

    def audit_entries(self, salon_id: str, limit: int = 50, before: AuditEntry | None = None) -> list[AuditEntry]:
        """Newest first; pass the last entry of a page as `before` for the next page."""
        upper = keys.audit_sk(before.at, before.id) if before else keys.AUDIT_PREFIX + "~"
        query = AuditItem.query(keys.salon_pk(salon_id), AuditItem.sk.between(keys.AUDIT_PREFIX, upper),
                                scan_index_forward=False, limit=limit + 1)
        entries = []
        for item in query:
            if before and item.entry_id == before.id:
                continue  # BETWEEN includes its bound
            entries.append(AuditEntry(item.entry_id, item.salon_id, parse_iso_utc(item.at), item.actor_user_id,
                                      item.action, item.target, item.details))
            if len(entries) == limit:
                break
        return entries


def _update_returning_old(key: str, actions: list, condition) -> dict:
    """An UpdateItem of a throttle counter that answers the attributes as they were before it."""
    data = ThrottleItem._get_connection().update_item(key, range_key=keys.THROTTLE_SK, actions=actions,
                                                      condition=condition, return_values="ALL_OLD")
    return data.get("Attributes") or {}


def _user(item: UserItem) -> User:
    return User(id=item.user_id, email=item.email, salon_id=item.salon_id, role=item.role, name=item.name,
                staff_id=item.staff_id, password_hash=item.password_hash, active=bool(item.active),
                session_generation=int(item.session_generation), created_at=_time(item.created_at),
                locale=item.locale or None)
