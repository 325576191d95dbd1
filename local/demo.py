"""The demo salon of the design: Studio Demo in Rome. Seeding is idempotent (PutItem of fixed ids)."""
from decimal import Decimal

from chalicelib.domain.catalog import Service, Staff
from chalicelib.domain.money import DepositKind, DepositRule
from chalicelib.domain.salon import Salon, parse_weekly_hours

DEMO_HOURS = {day: ["09:00-13:00", "14:00-19:00"] for day in ("tue", "wed", "thu", "fri", "sat")}


def demo_salon(salon_id: str = "demo") -> tuple[Salon, list[Service], list[Staff]]:
    salon = Salon(
        id=salon_id, name="Studio Demo", phone="+39 06 1234 5678", address="Via dei Coronari 12, 00186 Roma",
        timezone="Europe/Rome", locale="it",
        currency="EUR", country="IT", hours=parse_weekly_hours(DEMO_HOURS), slot_minutes=15,
        min_notice_minutes=60, horizon_days=60, cancellation_cutoff_hours=24,
    )
    services = [
        Service("haircut", "Taglio donna", 30, 0, Decimal("28.00")),
        Service("manicure", "Manicure", 45, 15, Decimal("25.00")),
        Service("color", "Colore", 60, 15, Decimal("55.00")),
        # Booked online only with a 20 EUR deposit, paid on the provider's checkout.
        Service("facial", "Trattamento viso", 60, 0, Decimal("70.00"), deposit=DepositRule(DepositKind.FIXED, 2000)),
    ]
    staff = [
        Staff("giulia", "Giulia", ("haircut", "color", "facial")),
        Staff("marco", "Marco", ("haircut", "manicure", "color")),
    ]
    return salon, services, staff


def seed(repo, salon_id: str = "demo") -> None:
    salon, services, staff = demo_salon(salon_id)
    repo.save_salon(salon)
    for service in services:
        repo.save_service(salon.id, service)
    for member in staff:
        repo.save_staff(salon.id, member)
