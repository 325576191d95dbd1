"""The salon's profile, one page at a time: salon, opening hours, booking rules, policies.

Each section reads its fields from a form (`owner_settings_fields.Form`), writes only its own
profile attributes, and records what changed (before → after) in the audit log. Availability and
booking load the profile on every request, so a saved change is live at once.
"""
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, time
from functools import cache

from ...domain.catalog import Catalog
from ...domain.client import normalize_phone
from ...domain.errors import InvalidPhone, InvalidRequest, NotFound
from ...domain.money import CardOnFile
from ...domain.policy import DEFAULT_CEILINGS, Ladder, Policy, SmsCeilings, above_ceilings
from ...domain.salon import SUPPORTED_LOCALES, WEEKDAYS, Salon, TimeRange
from ...domain.text import N_, ngettext
from ...domain.values import frozen
from ..salons import SALON_ID, load_salon
from .settings_fields import Form, changes, from_json

_RANGE = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$")
MAX_INTERVALS_A_DAY = 6
FLAGS = ("confirmations", "text_receipts", "staff_see_notes")  # checkboxes: audited as yes / no


@cache
def time_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones()) - {"localtime", "posixrules", "Factory"}


@cache
def currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def countries() -> frozenset[str]:
    import phonenumbers

    return frozenset(phonenumbers.SUPPORTED_REGIONS)


# --- opening hours, shared with the staff's own hours ---------------------------------------------

def hours_values(hours: dict[int, tuple[TimeRange, ...]] | None) -> dict[str, str]:
    return {f"hours_{day}": ", ".join(str(r) for r in (hours or {}).get(i, ())) for i, day in enumerate(WEEKDAYS)}


def read_hours(form: Form) -> dict[int, tuple[TimeRange, ...]]:
    """hours_mon ... hours_sun, each '09:00-13:00, 14:00-19:00' (empty: closed)."""
    hours = {}
    for index, day in enumerate(WEEKDAYS):
        name = f"hours_{day}"
        ranges = []
        for part in (p.strip() for p in re.split(r"[,;]", form.raw(name)) if p.strip()):
            parsed = _time_range(part)
            if parsed is None:
                form.fail(name, N_("'%(part)s' is not an interval like 09:00-13:00 that ends after it starts.",
                                      part=part[:30]))
            else:
                ranges.append(parsed)
        ranges.sort(key=lambda r: r.start)
        for earlier, later in zip(ranges, ranges[1:]):
            if later.start < earlier.end:
                form.fail(name, N_("%(earlier)s and %(later)s overlap.", earlier=str(earlier), later=str(later)))
        if len(ranges) > MAX_INTERVALS_A_DAY:
            form.fail(name, ngettext("Use at most %(num)s interval a day.", "Use at most %(num)s intervals a day.",
                                    MAX_INTERVALS_A_DAY))
        if ranges:
            hours[index] = tuple(ranges)
    return hours


def _time_range(text: str) -> TimeRange | None:
    match = _RANGE.match(text)
    if not match:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h1, m1) >= (h2, m2):
        return None
    return TimeRange(time(h1, m1), time(h2, m2))


def hours_from_json(body: dict, days_key: str = "hours") -> dict[str, str]:
    """{"hours": {"tue": ["09:00-13:00"]}} -> hours_* fields; days left out are closed."""
    week = body.get(days_key)
    if not isinstance(week, dict) or set(week) - set(WEEKDAYS):
        raise InvalidRequest(N_("%(name)s must be an object with the keys %(keys)s.", name=days_key,
                                keys=", ".join(WEEKDAYS)))
    values = {}
    for day in WEEKDAYS:
        values.update(from_json({f"hours_{day}": week.get(day) or []}, {f"hours_{day}"}))
    return values


# --- the sections ---------------------------------------------------------------------------------

@frozen
class Section:
    title: str
    attributes: tuple[str, ...]  # profile attributes this page writes
    values: Callable[[Salon], dict[str, str]]  # the form, filled from the profile
    apply: Callable[[Salon, Form], Salon]


ADDRESS_MAX = 200


def _salon_values(s: Salon) -> dict[str, str]:
    return {"name": s.name, "phone": s.phone, "address": s.address, "timezone": s.timezone, "locale": s.locale,
            "currency": s.currency, "country": s.country}


def _salon_apply(s: Salon, f: Form) -> Salon:
    name, phone, timezone = f.text("name"), f.text("phone", 32, code=InvalidPhone.code), f.text("timezone", 64)
    address = " ".join(f.text("address", ADDRESS_MAX, required=False).split())  # one line, single spaces
    if timezone and timezone not in time_zones():
        f.fail("timezone", N_("Unknown time zone: use an IANA name like Europe/Rome or America/Sao_Paulo."))
    locale = f.choice("locale", SUPPORTED_LOCALES)
    currency, country = f.raw("currency").upper(), f.raw("country").upper()
    if currency not in currencies():
        f.fail("currency", N_("Use a three-letter ISO 4217 code, like EUR, PLN or BRL."))
    if country not in countries():
        f.fail("country", N_("Use a two-letter ISO country code, like IT, PL or BR."))
    elif phone:
        try:
            normalize_phone(phone, country)
        except InvalidPhone as error:
            f.fail("phone", error.message, error.code)
    return replace(s, name=name, phone=phone, address=address, timezone=timezone, locale=locale, currency=currency,
                   country=country)


def _hours_values(s: Salon) -> dict[str, str]:
    return {**hours_values(s.hours), "closed_dates": ", ".join(d.isoformat() for d in sorted(s.closed_dates))}


def _hours_apply(s: Salon, f: Form) -> Salon:
    return replace(s, hours=read_hours(f), closed_dates=frozenset(f.dates("closed_dates")))


def _booking_values(s: Salon) -> dict[str, str]:
    return {"slot_minutes": str(s.slot_minutes), "min_notice_minutes": str(s.min_notice_minutes),
            "horizon_days": str(s.horizon_days), "cancellation_cutoff_hours": str(s.cancellation_cutoff_hours)}


def _booking_apply(s: Salon, f: Form) -> Salon:
    return replace(s, slot_minutes=f.integer("slot_minutes", 5, 120, step=5),
                   min_notice_minutes=f.integer("min_notice_minutes", 0, 7 * 24 * 60),
                   horizon_days=f.integer("horizon_days", 1, 365),
                   cancellation_cutoff_hours=f.integer("cancellation_cutoff_hours", 0, 14 * 24))


def policy_values(p: Policy) -> dict[str, str]:
    money = {name: "" if value is None else str(value)
             for name, value in (("late_cancel_fee", p.late_cancel_fee), ("no_show_fee", p.no_show_fee))}
    return {"send_from": f"{p.send_from:%H:%M}", "send_until": f"{p.send_until:%H:%M}",
            "reminder_time": f"{p.reminder_time:%H:%M}", "grace_minutes": str(p.grace_minutes),
            "confirmations": "1" if p.confirmations else "", "text_receipts": "1" if p.text_receipts else "",
            "warn_at": str(p.ladder.warn_at),
            "restrict_at": str(p.ladder.restrict_at), "window_days": str(p.ladder.window_days),
            "restrict_days": str(p.ladder.restrict_days), **money,
            "allowed_countries": ", ".join(p.allowed_countries), "phone_daily_cap": str(p.phone_daily_cap),
            "salon_daily_cap": str(p.salon_daily_cap), "waitlist_hold_minutes": str(p.waitlist_hold_minutes),
            "staff_see_notes": "1" if p.staff_see_notes else "",
            "deposit_expiry_minutes": str(p.deposit_expiry_minutes), "card_on_file": p.card_on_file.value}


def _policies_apply(s: Salon, f: Form) -> Salon:
    send_from, send_until = f.wall("send_from"), f.wall("send_until")
    if send_from and send_until and send_from >= send_until:
        f.fail("send_until", N_("The sending window must end after it starts."))
    warn_at, restrict_at = f.integer("warn_at", 1, 20), f.integer("restrict_at", 1, 20)
    if warn_at and restrict_at and restrict_at < warn_at:
        f.fail("restrict_at", N_("Restrict at the warning's no-show or later."))
    allowed = list(dict.fromkeys(w.upper() for w in f.words("allowed_countries")))
    unknown = [code for code in allowed if code not in countries()]
    if unknown:
        f.fail("allowed_countries", N_("Unknown country code %(code)s: use ISO codes like IT, PL, PT.",
                                       code=unknown[0][:8]))
    ladder = Ladder(warn_at=warn_at, restrict_at=restrict_at, window_days=f.integer("window_days", 1, 3 * 365),
                    restrict_days=f.integer("restrict_days", 1, 10 * 365))
    return replace(s, policy=Policy(
        send_from=send_from, send_until=send_until, reminder_time=f.wall("reminder_time"),
        grace_minutes=f.integer("grace_minutes", 0, 240), confirmations=f.flag("confirmations"),
        text_receipts=f.flag("text_receipts"), ladder=ladder,
        late_cancel_fee=f.money("late_cancel_fee"), no_show_fee=f.money("no_show_fee"),
        allowed_countries=tuple(allowed), phone_daily_cap=f.integer("phone_daily_cap", 1, 100),
        salon_daily_cap=f.integer("salon_daily_cap", 1, 100_000),
        waitlist_hold_minutes=f.integer("waitlist_hold_minutes", 5, 24 * 60),
        staff_see_notes=f.flag("staff_see_notes"),
        # Forms from before the money settings existed keep the stored values.
        deposit_expiry_minutes=f.integer("deposit_expiry_minutes", 5, 24 * 60) if f.raw("deposit_expiry_minutes")
        else s.policy.deposit_expiry_minutes,
        card_on_file=CardOnFile(f.choice("card_on_file", [c.value for c in CardOnFile]) or "never")
        if f.raw("card_on_file") else s.policy.card_on_file))


SECTIONS: dict[str, Section] = {
    "salon": Section(N_("Salon"), ("name", "phone", "address", "timezone", "locale", "currency", "country"),
                     _salon_values, _salon_apply),
    "hours": Section(N_("Opening hours"), ("hours", "closed_dates"), _hours_values, _hours_apply),
    "booking": Section(N_("Booking rules"), ("slot_minutes", "min_notice_minutes", "horizon_days",
                                         "cancellation_cutoff_hours"), _booking_values, _booking_apply),
    "policies": Section(N_("Messages and policies"), ("policy",), lambda s: policy_values(s.policy), _policies_apply),
}


def section(name: str) -> Section:
    if name not in SECTIONS:
        raise NotFound(N_("There is no such settings page."), "not_found")
    return SECTIONS[name]


def json_values(name: str, body) -> dict[str, str]:
    """A section's JSON body as form values (only the fields given: the rest keep their value)."""
    if name == "hours":
        if not isinstance(body, dict):
            return from_json(body, ())
        values = hours_from_json(body) if "hours" in body else {}
        rest = {k: v for k, v in body.items() if k != "hours"}
        return {**values, **from_json(rest, {"closed_dates"})}
    fields = set(policy_values(Policy())) if name == "policies" else set(SECTIONS[name].values(_EMPTY))
    return from_json(body, fields)


_EMPTY = Salon(id="", name="", phone="", timezone="UTC")


# --- use cases ------------------------------------------------------------------------------------

def load(repo, salon_id: str) -> tuple[Salon, Catalog]:
    return load_salon(repo, salon_id)


def new_salon(repo, salon_id: str, values: dict[str, str]) -> Salon:
    """Create a salon from the "salon" section's fields plus hours_mon ... hours_sun (left out: closed;
    the owner sets them, the services and the staff in the owner pages). Raises FieldErrors, or
    InvalidRequest when the id is taken."""
    form = Form(values)
    if not SALON_ID.match(salon_id):
        form.fail("salon", N_("Use 1-63 lowercase letters, digits and dashes, starting with a letter or digit "
                              "(it is in the booking link: /book/<id>)."))
    salon = _hours_apply(_salon_apply(Salon(id=salon_id, name="", phone="", timezone="UTC"), form), form)
    form.done()
    if not repo.create_salon(salon):
        raise InvalidRequest(N_("There is already a salon '%(salon)s': pick another id.", salon=salon_id),
                             "salon_exists")
    return salon


def save_section(repo, accounts, me, name: str, values: dict[str, str], now: datetime,
                 partial: bool = False, ceilings: SmsCeilings = DEFAULT_CEILINGS) -> tuple[Salon, dict[str, str]]:
    """Validate and save one section; returns the new profile and what changed ({} : nothing).
    `partial`: fields left out keep their value (JSON); a form sends them all (an unticked box is absent).
    `ceilings`: the platform's ceiling on the SMS caps (config). Raises FieldErrors."""
    spec = section(name)
    salon, catalog = load_salon(repo, me.salon_id)
    before = spec.values(salon)
    form = Form({**before, **values} if partial else values)
    updated = spec.apply(salon, form)
    if not form.errors and updated.policy != salon.policy:  # a policy set before a lower ceiling stays
        for field, problem in above_ceilings(updated.policy, ceilings).items():
            form.fail(field, problem)
    form.done()
    changed = changes(before, spec.values(updated), flags=FLAGS)
    if changed:
        if name == "hours":  # past months keep the hours they were open with (the reports' utilisation)
            from ..reports import freeze_open_minutes

            freeze_open_minutes(repo, salon, catalog, now)
        repo.update_salon_fields(updated, spec.attributes)
        accounts.record_audit(me.salon_id, me.user_id, "settings_changed", f"settings:{name}",
                              {"section": name, "changes": changed}, now)
    return updated, changed
