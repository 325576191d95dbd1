"""Reading a salon's public configuration."""
import re

from ..domain.catalog import Catalog, Service, Staff
from ..domain.errors import NotFound
from ..domain.salon import Salon

SALON_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def checked_salon_id(salon_id: str) -> str:
    """Ids that cannot exist answer 'not found' without a database read."""
    if not SALON_ID.match(salon_id):
        raise NotFound(f"There is no salon '{salon_id[:64]}'. Check the link.", "salon_not_found")
    return salon_id


def load_salon(repo, salon_id: str) -> tuple[Salon, Catalog]:
    loaded = repo.load_salon(salon_id)
    if loaded is None:
        raise NotFound(f"There is no salon '{salon_id}'. Check the link.", "salon_not_found")
    return loaded


def require_service(catalog: Catalog, service_id: str) -> Service:
    service = catalog.service(service_id)
    if service is None:
        raise NotFound(f"This salon has no service '{service_id}'.", "service_not_found")
    return service


def require_staff_for(catalog: Catalog, staff_id: str, service: Service) -> Staff:
    staff = catalog.staff_member(staff_id)
    if staff is None:
        raise NotFound(f"This salon has no specialist '{staff_id}'.", "staff_not_found")
    if not staff.performs(service.id):
        raise NotFound(f"{staff.name} does not perform {service.name}.", "staff_not_found")
    return staff
