"""Staff who manage their own day: the owner's switches (one per capability, domain/staff_rights.py)
and a staff member's own hours (within the salon's) and time off. Moving, cancelling, booking by
phone and the calendar link use the agenda's own services; the routes check the switches."""
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from ..auth import roles
from ..domain.catalog import Catalog, Staff, TimeOff
from ..domain.errors import InvalidRequest, NotFound
from ..domain.salon import WEEKDAYS, Salon, parse_weekly_hours
from ..domain.staff_rights import CAPABILITIES, OWN_HOURS
from ..domain.text import Text, ngettext
from ..web.catalogs import N_  # marks the messages owner pages translate (make messages)
from .owner.clients import NotAllowed
from .salons import load_salon

MAX_TIME_OFF = 30  # periods kept on a staff member


def save_rights(repo, audit, who, chosen, now: datetime) -> Salon:
    """The owner's switches: exactly the capabilities in `chosen` are on."""
    if not who.can(roles.SETTINGS):
        raise NotAllowed(N_("Only the owner chooses what staff may do."))
    unknown = set(chosen) - set(CAPABILITIES)
    if unknown:
        raise InvalidRequest(N_("Unknown capability '%(capability)s': use %(known)s.",
                                capability=sorted(unknown)[0][:40], known=", ".join(CAPABILITIES)))
    salon, _ = load_salon(repo, who.salon_id)
    after = replace(salon, staff_rights=frozenset(chosen))
    if after.staff_rights != salon.staff_rights:
        repo.update_salon_fields(after, ("staff_rights",))
        audit.record_audit(salon.id, who.user_id, "staff_rights_changed", "salon",
                           {"on": sorted(after.staff_rights)}, now)
    return after


def own_schedule(repo, who) -> tuple[Salon, Staff]:
    """The signed-in staff member, where the salon lets staff set their own hours."""
    salon, _, staff = _own_schedule(repo, who)
    return salon, staff


def _own_schedule(repo, who) -> tuple[Salon, Catalog, Staff]:
    salon, catalog = load_salon(repo, who.salon_id)
    staff = catalog.staff_member(who.staff_id or "")
    if staff is None:
        raise NotFound(N_("Your login is not linked to an active specialist."), "staff_not_found")
    if OWN_HOURS not in salon.staff_rights:
        raise NotAllowed(N_("The salon does not let staff set their own hours."))
    return salon, catalog, staff


def save_own_schedule(repo, audit, who, hours: dict[str, str], time_off: str, now: datetime) -> Staff:
    """`hours`: weekday -> '09:00-13:00, 14:00-18:00' (empty: not working that day); `time_off`:
    one period a line, `2026-04-01` or `2026-04-01 to 2026-04-03` (whole days)."""
    salon, catalog, staff = _own_schedule(repo, who)
    weekly = parse_weekly_hours({day: [r for r in (hours.get(day) or "").replace(";", ",").split(",") if r.strip()]
                                 for day in WEEKDAYS})
    for day, ranges in weekly.items():
        for wanted in ranges:
            if not any(open_.start <= wanted.start and wanted.end <= open_.end for open_ in salon.hours.get(day, ())):
                opening = ", ".join(str(r) for r in salon.hours.get(day, ())) or Text(N_("closed"), {})
                raise InvalidRequest(N_("%(day)s %(wanted)s: your hours must be within the salon's (%(opening)s).",
                                        day=WEEKDAYS[day], wanted=str(wanted), opening=opening))
    after = replace(staff, hours=weekly, time_off=parse_time_off(time_off))
    if (staff.hours, staff.time_off) != (after.hours, after.time_off):
        from .reports import freeze_open_minutes

        freeze_open_minutes(repo, salon, catalog, now)  # past months keep the hours they were open with
    repo.save_staff(salon.id, after)
    audit.record_audit(salon.id, who.user_id, "own_schedule_changed", f"staff:{staff.id}",
                       {"days": sorted(WEEKDAYS[d] for d in weekly), "time_off": len(after.time_off)}, now)
    return after


def parse_time_off(text: str) -> tuple[TimeOff, ...]:
    periods = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        first, _, last = (part.strip() for part in line.partition(" to "))
        try:
            begin, end = date.fromisoformat(first), date.fromisoformat(last or first)
        except ValueError:
            raise InvalidRequest(N_("Line %(number)s: write a day like 2026-04-01, or 2026-04-01 to 2026-04-03.",
                                    number=number)) from None
        if end < begin:
            raise InvalidRequest(N_("Line %(number)s: the last day comes before the first.", number=number))
        periods.append(TimeOff(datetime.combine(begin, time.min), datetime.combine(end + timedelta(days=1), time.min)))
    if len(periods) > MAX_TIME_OFF:
        raise InvalidRequest(ngettext("At most %(num)s period of time off.", "At most %(num)s periods of time off.",
                                      MAX_TIME_OFF))
    return tuple(sorted(periods, key=lambda p: p.start))


def format_hours(staff: Staff, salon: Salon) -> dict[str, str]:
    hours = staff.hours if staff.hours is not None else salon.hours
    return {day: ", ".join(str(r) for r in hours.get(i, ())) for i, day in enumerate(WEEKDAYS)}


def format_time_off(staff: Staff) -> str:
    lines = []
    for off in staff.time_off:
        first, last = off.start.date(), (off.end - timedelta(minutes=1)).date()
        lines.append(first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}")
    return "\n".join(lines)
