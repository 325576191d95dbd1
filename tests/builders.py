"""Small builders for domain objects used across tests."""
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from chalicelib.domain.catalog import Catalog, Service, Staff
from chalicelib.domain.salon import Salon, parse_weekly_hours

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def salon(timezone_name="Europe/Rome", hours=None, **overrides) -> Salon:
    hours = hours or {day: ["09:00-13:00", "14:00-19:00"] for day in ("tue", "wed", "thu", "fri", "sat")}
    values = dict(id="s", name="Salon", phone="+390612345678", timezone=timezone_name, locale="it",
                  hours=parse_weekly_hours(hours), min_notice_minutes=60, horizon_days=60)
    values.update(overrides)
    return Salon(**values)


def every_day(*ranges: str) -> dict:
    return {day: list(ranges) for day in WEEK}


COLOR = Service("color", "Colore", 60, 15, Decimal("55"))
HAIRCUT = Service("haircut", "Taglio", 30, 0, Decimal("28"))
GIULIA = Staff("giulia", "Giulia", ("color", "haircut"))
MARCO = Staff("marco", "Marco", ("color", "haircut"))
CATALOG = Catalog((COLOR, HAIRCUT), (GIULIA, MARCO))


def at(day: date, hh_mm: str, tz: str = "Europe/Rome") -> datetime:
    """A local wall time as a UTC instant."""
    local = datetime.combine(day, time.fromisoformat(hh_mm), ZoneInfo(tz))
    return local.astimezone(UTC)


def local_times(slots, tz: str = "Europe/Rome") -> list[str]:
    return [s.start.astimezone(ZoneInfo(tz)).strftime("%H:%M") for s in slots]


def text_receipts(repo, salon_id: str) -> None:
    """The salon texts the confirmation of what clients do online themselves too (Policy.text_receipts):
    for tests about the link such a text carries."""
    loaded, _ = repo.load_salon(salon_id)
    repo.save_salon(replace(loaded, policy=replace(loaded.policy, text_receipts=True)))
