"""Services and staff: create, edit, deactivate (never delete: appointments and history name them).

A deactivated service or staff member leaves the public lists and availability at once, while
their past and booked appointments stay as they are.
"""
import re
import unicodedata
from dataclasses import replace
from datetime import datetime, time, timedelta

from ...domain.catalog import MAX_SPAN_MINUTES, Catalog, Service, Staff, TimeOff
from ...domain.errors import InvalidRequest, NotFound
from ...domain.ids import new_id
from ...domain.money import DepositKind, DepositRule, format_amount, to_minor
from ...domain.salon import WEEKDAYS, Salon, TimeRange
from ...domain.text import N_, ngettext
from ..salons import load_salon
from . import agenda_feed as owner_agenda_feed
from .settings import hours_from_json, hours_values, read_hours
from .settings_fields import Form, changes, from_json, local_datetime

MAX_TIME_OFF = 50
_UNTIL = re.compile(r"\s+(?:to|–|—|-)\s+")


def find_service(catalog: Catalog, service_id: str) -> Service:
    found = next((s for s in catalog.services if s.id == service_id), None)
    if found is None:
        raise NotFound(N_("This salon has no such service."), "service_not_found")
    return found


def find_staff(catalog: Catalog, staff_id: str) -> Staff:
    found = next((s for s in catalog.staff if s.id == staff_id), None)
    if found is None:
        raise NotFound(N_("This salon has no such staff member."), "staff_not_found")
    return found


# --- services -------------------------------------------------------------------------------------

SERVICE_FIELDS = ("name", "duration_minutes", "buffer_minutes", "price", "recall_days", "deposit_kind",
                  "deposit_value")


def service_values(service: Service | None) -> dict[str, str]:
    if service is None:
        return {"name": "", "duration_minutes": "30", "buffer_minutes": "0", "price": "", "recall_days": "",
                "deposit_kind": "none", "deposit_value": ""}
    return {"name": service.name, "duration_minutes": str(service.duration_minutes),
            "buffer_minutes": str(service.buffer_minutes), "price": str(service.price),
            "recall_days": "" if service.recall_days is None else str(service.recall_days),
            **deposit_values(service.deposit)}


# The salons' currencies (EUR, PLN, BRL, RUB...) all have 2 decimals; a fixed deposit is kept in
# those minor units, like the prices the form already takes with 2 decimals.
CENTS = "EUR"


def deposit_values(rule: DepositRule) -> dict[str, str]:
    """A fixed deposit reads as an amount ("20.00"), a percent as a whole number ("30")."""
    if rule.kind is DepositKind.FIXED:
        return {"deposit_kind": "fixed", "deposit_value": format_amount(rule.value, CENTS)}
    if rule.kind is DepositKind.PERCENT:
        return {"deposit_kind": "percent", "deposit_value": str(rule.value)}
    return {"deposit_kind": "none", "deposit_value": ""}


def _read_deposit(form: Form) -> DepositRule:
    kind = form.choice("deposit_kind", [k.value for k in DepositKind]) if form.raw("deposit_kind") else "none"
    if kind == "fixed":
        amount = form.money("deposit_value")
        if amount is None or amount <= 0:
            form.fail("deposit_value", N_("Enter the deposit, e.g. 20.00."))
            return DepositRule()
        return DepositRule(DepositKind.FIXED, to_minor(amount, CENTS))
    if kind == "percent":
        percent = form.integer("deposit_value", 1, 100)
        return DepositRule(DepositKind.PERCENT, percent) if percent and 1 <= percent <= 100 else DepositRule()
    return DepositRule()


def _read_service(base: Service, form: Form) -> Service:
    duration, buffer = form.integer("duration_minutes", 5, MAX_SPAN_MINUTES), form.integer("buffer_minutes", 0, 240)
    if duration and buffer is not None and duration + buffer > MAX_SPAN_MINUTES:
        form.fail("buffer_minutes", ngettext("Duration and buffer together must be at most %(num)s hour "
                                             "(%(minutes)s minutes).",
                                             "Duration and buffer together must be at most %(num)s hours "
                                             "(%(minutes)s minutes).", MAX_SPAN_MINUTES // 60,
                                             minutes=MAX_SPAN_MINUTES))
    if not form.raw("price"):
        form.fail("price", N_("Fill this in (0 for free)."))
    service = replace(base, name=form.text("name"), duration_minutes=duration, buffer_minutes=buffer,
                      price=form.money("price"), recall_days=form.integer("recall_days", 1, 3 * 365, optional=True),
                      deposit=_read_deposit(form))
    form.done()
    return service


def create_service(repo, accounts, me, values: dict[str, str], now: datetime) -> Service:
    """Raises FieldErrors."""
    service = _read_service(Service(id="", name="", duration_minutes=0), Form(values))
    service = replace(service, id=_create(lambda candidate: repo.create_service(
        me.salon_id, replace(service, id=candidate)), service.name, "service"))
    accounts.record_audit(me.salon_id, me.user_id, "service_created", f"service:{service.id}",
                          {"values": service_values(service)}, now)
    return service


def update_service(repo, accounts, me, service_id: str, values: dict[str, str], now: datetime,
                   partial: bool = False, active: bool | None = None) -> tuple[Service, dict[str, str]]:
    """Edit the fields (`values`, may be empty) and/or the active flag. Raises FieldErrors, NotFound."""
    _, catalog = load_salon(repo, me.salon_id)
    before = find_service(catalog, service_id)
    after = before
    if values or not partial:
        after = _read_service(before, Form({**service_values(before), **values} if partial else values))
    if active is not None:
        after = replace(after, active=active)
    changed = changes({**service_values(before), "active": _yes(before.active)},
                      {**service_values(after), "active": _yes(after.active)}, flags=("active",))
    if changed:
        repo.save_service(me.salon_id, after)
        accounts.record_audit(me.salon_id, me.user_id, _action("service", before.active, after.active),
                              f"service:{service_id}", {"name": after.name, "changes": changed}, now)
    return after, changed


# --- staff ----------------------------------------------------------------------------------------

def staff_values(member: Staff | None, salon: Salon, catalog: Catalog) -> dict[str, str]:
    member = member or Staff(id="", name="")
    values = {"name": member.name, "own_hours": _yes(member.hours is not None),
              **hours_values(member.hours if member.hours is not None else salon.hours),
              "time_off": "\n".join(_period_text(p) for p in member.time_off)}
    values.update({f"svc_{s.id}": _yes(s.id in member.service_ids) for s in catalog.services})
    return values


def staff_json_values(body) -> dict[str, str]:
    """A staff JSON body as form values: service_ids, hours (null: the salon's), time_off [{start, end}]."""
    if not isinstance(body, dict):
        return from_json(body, ())
    values = from_json({k: v for k, v in body.items() if k in ("name",)}, {"name"})
    unknown = sorted(set(body) - {"name", "service_ids", "hours", "time_off"})
    if unknown:
        raise InvalidRequest(N_("Unknown field %(field)s. Allowed: %(allowed)s.", field=repr(unknown[0][:40]),
                                allowed="name, service_ids, hours, time_off"))
    if "service_ids" in body:
        ids = body["service_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise InvalidRequest(N_("service_ids must be a list of service ids."))
        values["service_ids"] = ", ".join(ids)
    if "hours" in body:
        values.update(hours_from_json(body) if body["hours"] is not None else {})
        values["own_hours"] = _yes(body["hours"] is not None)
    if "time_off" in body:
        periods = body["time_off"]
        if not isinstance(periods, list) or not all(
                isinstance(p, dict) and set(p) == {"start", "end"} and all(isinstance(v, str) for v in p.values())
                for p in periods):
            raise InvalidRequest(N_('time_off must be a list of {"start": "2026-08-10T09:00", "end": ...}.'))
        values["time_off"] = "\n".join(f"{p['start'][:16]} to {p['end'][:16]}" for p in periods)
    return values


def _read_staff(base: Staff, form: Form, salon: Salon, catalog: Catalog) -> tuple[Staff, bool]:
    """(staff, whether own hours were cut to the salon's)."""
    known = [s.id for s in catalog.services]
    if "service_ids" in form.values:  # JSON
        service_ids = list(dict.fromkeys(form.words("service_ids")))
        strangers = [i for i in service_ids if i not in known]
        if strangers:
            form.fail("service_ids", N_("This salon has no service %(service)s.", service=repr(strangers[0][:40])))
    else:
        service_ids = [i for i in known if form.flag(f"svc_{i}")]
    hours, clipped = None, False
    if form.flag("own_hours"):
        entered = read_hours(form)
        hours = clip(entered, salon.hours)
        clipped = hours != entered
    member = replace(base, name=form.text("name"), service_ids=tuple(service_ids), hours=hours,
                     time_off=_read_time_off(form))
    form.done()
    return member, clipped


def clip(hours: dict[int, tuple[TimeRange, ...]], salon_hours: dict[int, tuple[TimeRange, ...]]):
    """A staff member works only while the salon is open: keep the overlap of each day's intervals."""
    clipped = {}
    for day, ranges in hours.items():
        kept = [TimeRange(max(a.start, b.start), min(a.end, b.end))
                for a in ranges for b in salon_hours.get(day, ()) if max(a.start, b.start) < min(a.end, b.end)]
        if kept:
            clipped[day] = tuple(sorted(kept, key=lambda r: r.start))
    return clipped


def _read_time_off(form: Form) -> tuple[TimeOff, ...]:
    periods = []
    lines = [line.strip() for line in form.raw("time_off").splitlines() if line.strip()]
    if len(lines) > MAX_TIME_OFF:
        form.fail("time_off", ngettext("Give at most %(num)s period.", "Give at most %(num)s periods.", MAX_TIME_OFF))
    for line in lines[:MAX_TIME_OFF]:
        parts = _UNTIL.split(line)
        start, end = _moment(parts[0], False), _moment(parts[-1], True)
        if len(parts) > 2 or start is None or end is None or end <= start:
            form.fail("time_off", N_("'%(line)s' is not a period like 2026-08-10 to 2026-08-20, "
                                     "or 2026-08-10 14:00 to 2026-08-10 18:00.", line=line[:40]))
        else:
            periods.append(TimeOff(start, end))
    return tuple(sorted(periods, key=lambda p: p.start))


def _moment(text: str, is_end: bool) -> datetime | None:
    """A date alone is a whole day: its start, or (as an end) the start of the next day."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        moment = local_datetime(text.strip() + " 00:00")
        return moment + timedelta(days=1) if moment and is_end else moment
    return local_datetime(text)


def _period_text(period: TimeOff) -> str:
    if period.start.time() == time.min and period.end.time() == time.min:
        last = (period.end - timedelta(days=1)).date()
        first = period.start.date()
        return first.isoformat() if last == first else f"{first.isoformat()} to {last.isoformat()}"
    return f"{period.start:%Y-%m-%d %H:%M} to {period.end:%Y-%m-%d %H:%M}"


def create_staff(repo, accounts, me, values: dict[str, str], now: datetime) -> tuple[Staff, bool]:
    salon, catalog = load_salon(repo, me.salon_id)
    member, clipped = _read_staff(Staff(id="", name=""), Form(values), salon, catalog)
    _freeze_open_minutes(repo, salon, catalog, now)  # the salon's open minutes grow from today on, not before
    staff_id = _create(lambda candidate: repo.create_staff(me.salon_id, replace(member, id=candidate)),
                       member.name, "staff")
    member = replace(member, id=staff_id)
    accounts.record_audit(me.salon_id, me.user_id, "staff_created", f"staff:{staff_id}",
                          {"values": _audit_view(member, catalog)}, now)
    return member, clipped


def update_staff(repo, accounts, me, staff_id: str, values: dict[str, str], now: datetime, partial: bool = False,
                 active: bool | None = None) -> tuple[Staff, dict[str, str], bool]:
    salon, catalog = load_salon(repo, me.salon_id)
    before = find_staff(catalog, staff_id)
    after, clipped = before, False
    if values or not partial:
        current = staff_values(before, salon, catalog)
        after, clipped = _read_staff(before, Form({**current, **values} if partial else values), salon, catalog)
    if active is not None:
        after = replace(after, active=active)
    changed = changes(_audit_view(before, catalog), _audit_view(after, catalog), flags=("active",))
    if changed:
        if before.active != after.active:
            # Either way no old calendar URL works again: ended before the save, so a failed save
            # leaves a feed ended rather than an inactive member's feed running (owner_agenda_feed).
            reason = "staff_activated" if after.active else "staff_deactivated"
            owner_agenda_feed.end(repo, accounts, me.salon_id, staff_id, me.user_id, reason, now)
        if (before.hours, before.time_off, before.active) != (after.hours, after.time_off, after.active):
            _freeze_open_minutes(repo, salon, catalog, now)  # past months keep the hours they were open with
        repo.save_staff(me.salon_id, after)
        accounts.record_audit(me.salon_id, me.user_id, _action("staff", before.active, after.active),
                              f"staff:{staff_id}", {"name": after.name, "changes": changed}, now)
    return after, changed, clipped


def _freeze_open_minutes(repo, salon: Salon, catalog: Catalog, now: datetime) -> None:
    from ..reports import freeze_open_minutes  # the reports' code only when staff hours change

    freeze_open_minutes(repo, salon, catalog, now)


def _audit_view(member: Staff, catalog: Catalog) -> dict[str, str]:
    """A staff member as the audit log names it: service names, hours per day, periods off."""
    names = {s.id: s.name for s in catalog.services}
    hours = "the salon's" if member.hours is None else "; ".join(
        f"{WEEKDAYS[day]} {', '.join(str(r) for r in ranges)}" for day, ranges in sorted(member.hours.items()))
    return {"name": member.name, "services": ", ".join(names.get(i, i) for i in member.service_ids),
            "hours": hours or "none", "time_off": "; ".join(_period_text(p) for p in member.time_off),
            "active": _yes(member.active)}


# --- helpers --------------------------------------------------------------------------------------

def _create(attempt, name: str, fallback: str) -> str:
    """Save under a readable id made from the name ('Taglio donna' -> 'taglio-donna', then
    'taglio-donna-2', ...): it appears in public URLs. Returns the id used."""
    base = slug(name) or fallback
    for candidate in [base] + [f"{base}-{n}" for n in range(2, 10)] + [new_id().lower()]:
        if attempt(candidate):
            return candidate
    raise RuntimeError("no free id")  # pragma: no cover - a fresh ULID is never taken


def slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40].strip("-")


def _yes(flag: bool) -> str:
    return "1" if flag else ""


def _action(kind: str, was_active: bool, is_active: bool) -> str:
    if was_active != is_active:
        return f"{kind}_{'activated' if is_active else 'deactivated'}"
    return f"{kind}_changed"
