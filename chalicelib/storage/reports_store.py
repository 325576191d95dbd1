"""Report counters (a Repository mixin): one item per salon-month and one per specialist-month,
moved by atomic ADDs inside the very transactions that change appointments, so a year of
reports is one Query whatever the history.

    SALON#<salon>#REPORT / MONTH#<YYYY-MM>                  the salon's month
    SALON#<salon>#REPORT / MONTH#<YYYY-MM>#STAFF#<staff>    a specialist's month

`add_report_counters(tx, before, after)` is the one helper the appointment transactions call.
An appointment counts in the salon-local month of its start, so the helper needs the salon's
zone: `load_salon`, which every appointment change runs first, leaves it here; else one GetItem
of the profile finds it."""
from datetime import datetime
from zoneinfo import ZoneInfo

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from ..domain import reports
from ..domain.appointment import Appointment
from . import keys, mapping
from .models import AppointmentItem, Item, SalonItem
from .transaction import Transaction


class ReportItem(Item, discriminator="report"):
    salon_id = UnicodeAttribute()
    month = UnicodeAttribute()  # salon-local YYYY-MM
    staff_id = UnicodeAttribute(null=True)  # absent on the salon's own item
    appointments = NumberAttribute(null=True)
    completed = NumberAttribute(null=True)
    no_shows = NumberAttribute(null=True)
    late_cancels = NumberAttribute(null=True)
    cancels = NumberAttribute(null=True)
    booked_minutes = NumberAttribute(null=True)
    revenue_booked_cents = NumberAttribute(null=True)
    revenue_lost_cents = NumberAttribute(null=True)
    new_clients = NumberAttribute(null=True)
    returning_clients = NumberAttribute(null=True)
    messages_sent = NumberAttribute(null=True)
    message_cost_cents = NumberAttribute(null=True)  # kept ready for the channels' prices
    # Messages sent and their estimated cost in millionths of a USD, per channel and in all (the
    # dispatcher's one ADD per message; budget and settings read them).
    message_cost_musd = NumberAttribute(null=True)
    messages_whatsapp = NumberAttribute(null=True)
    messages_email = NumberAttribute(null=True)
    messages_sms = NumberAttribute(null=True)
    message_cost_whatsapp_musd = NumberAttribute(null=True)
    message_cost_email_musd = NumberAttribute(null=True)
    message_cost_sms_musd = NumberAttribute(null=True)


def counter_update(tx: Transaction, salon_id: str, month: str, staff_id: str | None, added: dict[str, int]) -> None:
    """ADD each counter on its month's item (created by the first ADD)."""
    actions = [ReportItem.kind.set(ReportItem), ReportItem.salon_id.set(salon_id), ReportItem.month.set(month)]
    if staff_id:
        actions.append(ReportItem.staff_id.set(staff_id))
    actions += [getattr(ReportItem, name).add(value) for name, value in sorted(added.items())]
    tx.update(ReportItem(keys.report_pk(salon_id), keys.report_sk(month, staff_id)), actions=actions)


class ReportsStore:
    _report_zones: dict[str, ZoneInfo]

    def remember_zone(self, salon_id: str, zone: ZoneInfo) -> None:
        self.__dict__.setdefault("_report_zones", {})[salon_id] = zone

    def salon_zone(self, salon_id: str) -> ZoneInfo:
        zones = self.__dict__.setdefault("_report_zones", {})
        if salon_id not in zones:
            try:
                profile = SalonItem.get(keys.salon_pk(salon_id), keys.PROFILE_SK, attributes_to_get=["timezone"])
                zones[salon_id] = ZoneInfo(profile.timezone)
            except DoesNotExist:
                return ZoneInfo("UTC")
        return zones[salon_id]

    def add_report_counters(self, tx: Transaction, before: Appointment | None, after: Appointment | None) -> None:
        """The counter updates of one appointment change, into the change's own transaction."""
        if reports.unchanged(before, after):
            return  # a reminder's due time, a new link: no counter moves, no zone needed
        salon_id = (after or before).salon_id
        for (month, staff_id), added in reports.deltas(before, after, self.salon_zone(salon_id)).items():
            counter_update(tx, salon_id, month, staff_id, added)

    def report_counters(self, salon_id: str, first_month: str, last_month: str) -> dict[reports.Key, dict[str, int]]:
        """Every counter item of the months (salon and specialists): one Query."""
        query = ReportItem.query(keys.report_pk(salon_id), ReportItem.sk.between(
            keys.report_bound(first_month), keys.report_bound(last_month) + "~"))
        return {(item.month, item.staff_id): {name: int(getattr(item, name)) for name in reports.COUNTERS
                                              if getattr(item, name, None)} for item in query}

    def all_appointments(self, salon_id: str):
        """Every appointment of the salon, paged (the repair command only)."""
        query = AppointmentItem.query(keys.salon_pk(salon_id), AppointmentItem.sk.startswith(keys.APPOINTMENT_PREFIX))
        return (mapping.appointment_from_item(item) for item in query)

    def set_report_counters(self, salon_id: str, month: str, staff_id: str | None, counters: dict[str, int],
                            now: datetime) -> None:
        """The repair: overwrite one item's counters with the recomputed values."""
        item = ReportItem(keys.report_pk(salon_id), keys.report_sk(month, staff_id), salon_id=salon_id, month=month,
                          staff_id=staff_id, **{name: counters.get(name) or None for name in reports.COUNTERS})
        item.save()
