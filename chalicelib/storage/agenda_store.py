"""Storage for the owner's agenda: the clients of a day's appointments, and the staff calendar
feeds (a Repository mixin).

A feed is two items: `ICAL#<sha256(token)>` finds the salon and staff member behind a feed URL
(one GetItem per calendar poll), and `SALON#<salon>#ICAL` / `STAFF#<staff>` remembers each staff
member's current digest, so a rotation deletes the old feed item in the same transaction.
"""
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from ..domain.client import Client
from ..domain.clock import iso_utc, parse_iso_utc
from ..domain.errors import IllegalTransition
from ..domain.text import N_
from ..domain.values import frozen
from . import keys, mapping
from .models import ClientItem, Item


class FeedItem(Item, discriminator="ical_feed"):
    salon_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class FeedPointerItem(Item, discriminator="ical_feed_pointer"):
    staff_id = UnicodeAttribute()
    digest = UnicodeAttribute()
    created_at = UnicodeAttribute()


@frozen
class Feed:
    salon_id: str
    staff_id: str
    created_at: datetime


def _rotated_meanwhile(reason) -> IllegalTransition:
    return IllegalTransition(N_("This calendar link was changed a moment ago. Reload the page and try again."),
                             "feed_changed")


class AgendaStore:
    def agenda_clients(self, salon_id: str, client_ids) -> dict[str, Client]:
        """The client files of an agenda's appointments, in one BatchGetItem (per 100)."""
        wanted = sorted(set(client_ids))
        if not wanted:
            return {}
        found = ClientItem.batch_get([(keys.salon_pk(salon_id), keys.client_sk(c)) for c in wanted])
        return {item.client_id: mapping.client_from_item(item) for item in found}

    # --- calendar feeds -----------------------------------------------------------------------
    def feed(self, token_digest: str) -> Feed | None:
        try:
            item = FeedItem.get(keys.feed_pk(token_digest), keys.FEED_SK)
        except DoesNotExist:
            return None
        return Feed(item.salon_id, item.staff_id, parse_iso_utc(item.created_at))

    def salon_feeds(self, salon_id: str) -> dict[str, datetime]:
        """staff id -> when their current feed URL was made."""
        query = FeedPointerItem.query(keys.salon_feeds_pk(salon_id))
        return {item.staff_id: parse_iso_utc(item.created_at) for item in query}

    def replace_feed(self, salon_id: str, staff_id: str, token_digest: str, now: datetime) -> None:
        """The staff member's feed is now `token_digest`; the previous one stops working in the
        same transaction. A concurrent rotation fails on the pointer's condition."""
        pointer_key = (keys.salon_feeds_pk(salon_id), keys.feed_staff_sk(staff_id))
        try:
            old = FeedPointerItem.get(*pointer_key, consistent_read=True).digest
        except DoesNotExist:
            old = None
        tx = self._transaction()
        unchanged = FeedPointerItem.digest == old if old else FeedPointerItem.pk.does_not_exist()
        tx.save(FeedPointerItem(*pointer_key, staff_id=staff_id, digest=token_digest, created_at=iso_utc(now)),
                condition=unchanged, on_fail=_rotated_meanwhile)
        if old:
            tx.delete(FeedItem(keys.feed_pk(old), keys.FEED_SK))
        tx.save(FeedItem(keys.feed_pk(token_digest), keys.FEED_SK, salon_id=salon_id, staff_id=staff_id,
                         created_at=iso_utc(now)), condition=FeedItem.pk.does_not_exist())
        tx.commit()

    def end_feed(self, salon_id: str, staff_id: str) -> bool:
        """The staff member's feed stops for good: its item and the pointer go in one transaction
        (only a new rotation makes a link again). False when there was no feed."""
        pointer_key = (keys.salon_feeds_pk(salon_id), keys.feed_staff_sk(staff_id))
        try:
            current = FeedPointerItem.get(*pointer_key, consistent_read=True).digest
        except DoesNotExist:
            return False
        tx = self._transaction()
        tx.delete(FeedPointerItem(*pointer_key), condition=FeedPointerItem.digest == current,
                  on_fail=_rotated_meanwhile)
        tx.delete(FeedItem(keys.feed_pk(current), keys.FEED_SK))
        tx.commit()
        return True
