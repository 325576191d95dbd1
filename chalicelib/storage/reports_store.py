"""Report counters (a Repository mixin): one item per salon-month and one per specialist-month,
moved by atomic ADDs inside the very transactions that change appointments, so a year of
reports is one Query whatever the history.

    SALON#<salon>#REPORT / MONTH#<YYYY-MM>                  the salon's month
    SALON#<salon>#REPORT / MONTH#<YYYY-MM>#STAFF#<staff>    a specialist's month

`add_report_counters(tx, before, after)` is the one helper the appointment transactions call.
An appointment counts in the salon-local month of its start, so the helper needs the salon's
zone: `load_salon`, which every appointment change runs first, leaves it here; else one GetItem
of the profile finds it."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError

from ..domain import reports
from ..domain.appointment import Appointment
from . import keys, mapping
from .models import AppointmentItem, Item, SalonItem
from .transaction import Transaction


class _FrozenMeanwhile(Exception):
    pass


def _frozen(item) -> reports.FrozenOpenMinutes:
    values = item.open_minutes or {}
    return reports.FrozenOpenMinutes(date.fromisoformat(item.open_through), int(values.get("salon", 0)),
                                     {k: int(v) for k, v in (values.get("staff") or {}).items()})


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
    deposits_cents = NumberAttribute(null=True)  # money movements, in the month they moved
    fees_collected_cents = NumberAttribute(null=True)  # charged to the card on file or paid at the desk
    refunds_cents = NumberAttribute(null=True)
    # The salon's month only: its open minutes through a day, with the hours in force then (a change
    # of hours writes them first: domain/reports.py FrozenOpenMinutes).
    open_through = UnicodeAttribute(null=True)  # YYYY-MM-DD
    open_minutes = JSONAttribute(null=True)  # {"salon": minutes, "staff": {staff id: minutes}}
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
        return self.report_months(salon_id, first_month, last_month)[0]

    def report_months(self, salon_id: str, first_month: str, last_month: str
                      ) -> tuple[dict[reports.Key, dict[str, int]], dict[str, reports.FrozenOpenMinutes]]:
        """The months' counters (as report_counters) and the salon's frozen open minutes per month,
        from the same single Query."""
        counters, frozen = {}, {}
        query = ReportItem.query(keys.report_pk(salon_id), ReportItem.sk.between(
            keys.report_bound(first_month), keys.report_bound(last_month) + "~"))
        for item in query:
            counters[(item.month, item.staff_id)] = {name: int(getattr(item, name)) for name in reports.COUNTERS
                                                     if getattr(item, name, None)}
            if item.open_through and not item.staff_id:
                frozen[item.month] = _frozen(item)
        return counters, frozen

    def freeze_open_minutes(self, salon_id: str, months: dict[str, tuple[reports.FrozenOpenMinutes | None,
                                                                          reports.FrozenOpenMinutes]]) -> bool:
        """Write each month's open minutes (month -> (as read, extended)) in one transaction, each
        only while the month still holds what was read; False when another change of hours froze
        them first (nothing is written: read again)."""
        if not months:
            return True
        tx = self._transaction()
        for month, (before, after) in sorted(months.items()):
            item = ReportItem(keys.report_pk(salon_id), keys.report_sk(month, None))
            tx.update(item, actions=[
                ReportItem.kind.set(ReportItem), ReportItem.salon_id.set(salon_id), ReportItem.month.set(month),
                ReportItem.open_through.set(after.through.isoformat()),
                ReportItem.open_minutes.set({"salon": after.salon, "staff": dict(sorted(after.staff.items()))}),
            ], condition=ReportItem.open_through.does_not_exist() if before is None
                else ReportItem.open_through == before.through.isoformat(),
                on_fail=lambda reason: _FrozenMeanwhile())
        try:
            tx.commit()
        except _FrozenMeanwhile:
            return False
        return True

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

    def correct_report_counters(self, salon_id: str, month: str, staff_id: str | None, stored: dict[str, int],
                                recomputed: dict[str, int], names: tuple[str, ...]) -> bool:
        """The repair's write on a live table: SET the counters `names` of one item to the recomputed
        values, only while they still hold the `stored` values the repair read. False when a booking
        moved them meanwhile (nothing is written: the repair reads again). Other counters stay."""
        actions = [ReportItem.kind.set(ReportItem), ReportItem.salon_id.set(salon_id), ReportItem.month.set(month)]
        if staff_id:
            actions.append(ReportItem.staff_id.set(staff_id))
        condition = None
        for name in names:
            attribute, have, want = getattr(ReportItem, name), int(stored.get(name, 0)), int(recomputed.get(name, 0))
            actions.append(attribute.set(want) if want else attribute.remove())
            holds = (attribute.does_not_exist() | (attribute == 0)) if have == 0 else (attribute == have)
            condition = holds if condition is None else condition & holds
        try:
            ReportItem(keys.report_pk(salon_id), keys.report_sk(month, staff_id)).update(actions=actions,
                                                                                        condition=condition)
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                return False
            raise
        return True


def every_salon_id() -> list[str]:
    """Every salon of the table: a Scan for the profile items. The repair command's over a whole
    table only (a module function, not a repository method: no Lambda function reaches it, so none
    is granted Scan)."""
    return sorted(item.salon_id for item in SalonItem.scan(SalonItem.sk == keys.PROFILE_SK))
