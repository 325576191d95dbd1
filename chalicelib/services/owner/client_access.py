"""The owner's decisions on online booking: restrict until a date, ban (with a courteous
notice), or lift. The ladder restricts on its own (services/attendance.py); a ban is only ever
the owner's."""
from datetime import date, datetime

from ...domain.client import Access
from ...domain.errors import InvalidRequest, NotFound
from ...domain.salon import Salon
from ...web.catalogs import N_  # marks the messages owner pages translate (make messages)
from .. import notify


def set_access(repo, salon: Salon, client_id: str, access: Access, now: datetime, until: date | None = None):
    client = repo.get_client(salon.id, client_id)
    if client is None:
        raise NotFound(N_("There is no such client."), "client_not_found")
    if access is Access.RESTRICTED and (until is None or until <= now.astimezone(salon.tz).date()):
        raise InvalidRequest(N_("A restriction needs an end date in the future."))
    messages = ()
    if access is Access.BANNED and client.access is not Access.BANNED:
        messages = (notify.message(salon, client, "ban_notice", now, salon_phone=salon.phone),)
    elif access is Access.RESTRICTED:
        messages = (notify.message(salon, client, "booking_restricted", now, salon_phone=salon.phone, until=until),)
    repo.set_client_access(salon.id, client.id, access, until if access is Access.RESTRICTED else None, messages)
    return repo.get_client(salon.id, client.id)
