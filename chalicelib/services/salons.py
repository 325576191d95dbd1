"""Reading a salon's public configuration."""
import re

from ..domain.catalog import Catalog, Service, Staff
from ..domain.errors import NotFound
from ..domain.salon import Salon
from ..domain.text import N_

SALON_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def checked_salon_id(salon_id: str) -> str:
    """Ids that cannot exist answer 'not found' without a database read."""
    if not SALON_ID.match(salon_id):
        raise NotFound(N_("There is no salon '%(salon)s'. Check the link.", salon=salon_id[:64]), "salon_not_found")
    return salon_id


def load_salon(repo, salon_id: str) -> tuple[Salon, Catalog]:
    loaded = repo.load_salon(salon_id)
    if loaded is None:
        raise NotFound(N_("There is no salon '%(salon)s'. Check the link.", salon=salon_id), "salon_not_found")
    return loaded


def require_service(catalog: Catalog, service_id: str) -> Service:
    service = catalog.service(service_id)
    if service is None:
        raise NotFound(N_("This salon has no service '%(service)s'.", service=service_id), "service_not_found")
    return service


def require_staff_for(catalog: Catalog, staff_id: str, service: Service) -> Staff:
    staff = catalog.staff_member(staff_id)
    if staff is None:
        raise NotFound(N_("This salon has no specialist '%(staff)s'.", staff=staff_id), "staff_not_found")
    if not staff.performs(service.id):
        raise NotFound(N_("%(staff)s does not perform %(service)s.", staff=staff.name, service=service.name),
                       "staff_not_found")
    return staff
