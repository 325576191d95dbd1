"""What a salon sells (services) and who does it (staff)."""
from dataclasses import field
from datetime import datetime
from decimal import Decimal

from .money import DepositRule
from .salon import TimeRange
from .values import frozen

MAX_SPAN_MINUTES = 8 * 60  # duration + buffer; keeps a reschedule inside one transaction


@frozen
class Service:
    id: str
    name: str
    duration_minutes: int
    buffer_minutes: int = 0
    price: Decimal = Decimal("0")
    active: bool = True
    recall_days: int | None = None  # a nudge this many days after a completed appointment
    deposit: DepositRule = DepositRule()  # asked when a client books online (none by default)
    record_fields: tuple = ()  # RecordField (domain/records.py): what its treatment records ask for

    @property
    def span_minutes(self) -> int:
        """How long the chair is taken: the service plus its cleanup buffer."""
        return self.duration_minutes + self.buffer_minutes


@frozen
class TimeOff:
    """A local wall-clock period when a staff member is away (holiday, appointment)."""

    start: datetime  # naive, salon-local
    end: datetime


@frozen
class Staff:
    id: str
    name: str
    service_ids: tuple[str, ...] = ()
    # None: the salon's own hours. A staff member's hours are clipped to the salon's.
    hours: dict[int, tuple[TimeRange, ...]] | None = None
    time_off: tuple[TimeOff, ...] = ()
    active: bool = True

    def performs(self, service_id: str) -> bool:
        return self.active and service_id in self.service_ids


@frozen
class Catalog:
    services: tuple[Service, ...] = ()
    staff: tuple[Staff, ...] = field(default_factory=tuple)

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id and s.active), None)

    def staff_member(self, staff_id: str) -> Staff | None:
        return next((s for s in self.staff if s.id == staff_id and s.active), None)

    def staff_for(self, service_id: str) -> tuple[Staff, ...]:
        return tuple(s for s in self.staff if s.performs(service_id))

    def staff_ids_for(self, service_id: str) -> list[str]:
        return [s.id for s in self.staff_for(service_id)]
