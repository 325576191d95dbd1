"""Storage for the owner's settings: profile sections, services, staff, users, the waitlist (a Repository mixin).

Profile pages write only their own attributes (an UpdateItem), so two people saving different
pages at the same moment never undo each other's change.
"""
from datetime import date, timedelta

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from ..domain.catalog import Service, Staff
from ..domain.client import Client
from ..domain.salon import Salon
from ..domain.values import frozen
from . import keys, mapping
from .accounts import UserItem, normalize_email
from .errors import OwnerChanged
from .models import ClientItem, SalonItem, ServiceItem, StaffItem, WaitlistItem

PROFILE_ATTRIBUTES = frozenset({
    "name", "phone", "timezone", "locale", "currency", "country", "hours", "closed_dates", "slot_minutes",
    "min_notice_minutes", "horizon_days", "cancellation_cutoff_hours", "policy", "staff_rights", "address",
    "channels",
})


@frozen
class WaitlistListing:
    """A waitlist entry as the owner sees it (with its status, which the public side never shows)."""

    id: str
    service_id: str
    staff_id: str | None
    client_id: str
    first_day: date
    last_day: date
    status: str  # waiting | offered | booked | closed
    offers: int
    created_at: str


def _conditional(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class SettingsStore:
    # --- the salon profile ------------------------------------------------------------------
    def create_salon(self, salon: Salon) -> bool:
        """A new salon's profile; False when the id is taken (an existing salon is never overwritten)."""
        return _create(mapping.salon_to_item(salon), SalonItem)

    def update_salon_fields(self, salon: Salon, names: tuple[str, ...]) -> None:
        """Write these profile attributes of `salon` and nothing else (the profile must exist)."""
        unknown = set(names) - PROFILE_ATTRIBUTES
        if unknown or not names:
            raise ValueError(f"not profile attributes: {sorted(unknown) or names}")
        item = mapping.salon_to_item(salon)
        actions = [getattr(SalonItem, name).set(getattr(item, name)) for name in names]
        SalonItem(keys.salon_pk(salon.id), keys.PROFILE_SK).update(actions=actions, condition=SalonItem.pk.exists())

    # --- services and staff -----------------------------------------------------------------
    def create_service(self, salon_id: str, service: Service) -> bool:
        """False when the id is taken (the caller picks another)."""
        return _create(mapping.service_to_item(salon_id, service), ServiceItem)

    def create_staff(self, salon_id: str, staff: Staff) -> bool:
        return _create(mapping.staff_to_item(salon_id, staff), StaffItem)

    # --- users (the accounts' own item; the rules live in services/owner/users.py) ----------
    def update_user(self, salon_id: str, email: str, *, role: str | None = None, staff_id: str | None = None,
                    active: bool | None = None, end_sessions: bool = False, keep_owner: str | None = None) -> bool:
        """Change a user of `salon_id`; False when there is no such user there. `role` given: `staff_id`
        is set with it (None removes it). `end_sessions`: every session issued so far stops working.
        `keep_owner`: the email of another user who must still be an active owner of the salon when
        this change commits (checked in the same transaction, so two owners demoting each other at
        the same moment cannot both succeed); else OwnerChanged, and nothing is written."""
        actions = []
        if role is not None:
            actions.append(UserItem.role.set(role))
            actions.append(UserItem.staff_id.set(staff_id) if staff_id else UserItem.staff_id.remove())
        if active is not None:
            actions.append(UserItem.active.set(active))
        if end_sessions:
            actions.append(UserItem.session_generation.add(1))
        if not actions:
            return True
        user = UserItem(keys.user_pk(normalize_email(email)), keys.USER_SK)
        mine = UserItem.pk.exists() & (UserItem.salon_id == salon_id)
        if keep_owner is None:
            try:
                user.update(actions=actions, condition=mine)
                return True
            except UpdateError as error:
                if _conditional(error):
                    return False
                raise
        tx = self._transaction()
        tx.update(user, actions=actions, condition=mine, on_fail=lambda _: _NoSuchUser(), priority=1)
        tx.check(UserItem, keys.user_pk(normalize_email(keep_owner)), keys.USER_SK,
                 (UserItem.salon_id == salon_id) & (UserItem.role == OWNER_ROLE) & (UserItem.active == True),  # noqa: E712
                 on_fail=lambda _: OwnerChanged())
        try:
            tx.commit()
            return True
        except _NoSuchUser:
            return False

    # --- clients, as names on the owner's lists ---------------------------------------------
    def clients_by_id(self, salon_id: str, client_ids) -> dict[str, Client]:
        """The files of these clients in one BatchGetItem (missing ones are absent)."""
        wanted = sorted(set(client_ids))
        if not wanted:
            return {}
        found = ClientItem.batch_get([(keys.salon_pk(salon_id), keys.client_sk(cid)) for cid in wanted])
        return {item.client_id: mapping.client_from_item(item) for item in found}

    # --- the waitlist -----------------------------------------------------------------------
    def waitlist_covering(self, salon_id: str, day: date, lookback_days: int) -> list[WaitlistListing]:
        """Entries of any status whose days include `day` (they start at most `lookback_days` before it)."""
        query = WaitlistItem.query(
            keys.salon_pk(salon_id),
            WaitlistItem.sk.between(keys.waitlist_bound(day - timedelta(days=lookback_days)),
                                    keys.waitlist_bound(day) + "~"))
        return [_listing(item) for item in query if date.fromisoformat(item.last_day) >= day]

    def remove_waitlist_entry(self, salon_id: str, first_day: date, entry_id: str) -> bool:
        """False when there is no such entry in this salon. The sweeps tolerate a removed entry."""
        try:
            WaitlistItem(keys.salon_pk(salon_id), keys.waitlist_sk(first_day, entry_id)).delete(
                condition=WaitlistItem.pk.exists())
            return True
        except DeleteError as error:
            if _conditional(error):
                return False
            raise


OWNER_ROLE = "owner"  # auth/roles.py OWNER (a test keeps them equal); storage does not import auth


class _NoSuchUser(Exception):
    pass


def _create(item, model) -> bool:
    try:
        item.save(condition=model.pk.does_not_exist())
        return True
    except PutError as error:
        if _conditional(error):
            return False
        raise


def _listing(item: WaitlistItem) -> WaitlistListing:
    return WaitlistListing(id=item.entry_id, service_id=item.service_id, staff_id=item.staff_id,
                           client_id=item.client_id, first_day=date.fromisoformat(item.first_day),
                           last_day=date.fromisoformat(item.last_day), status=item.status or "waiting",
                           offers=int(item.offers or 0), created_at=item.created_at)

