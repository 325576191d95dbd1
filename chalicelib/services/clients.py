"""Finding or creating the client behind a phone number."""
from datetime import datetime

from ..domain.client import Client, normalize_phone
from ..domain.ids import new_id
from ..domain.salon import Salon


def identify(repo, salon: Salon, name: str, raw_phone: str, email: str | None) -> tuple[Client, bool]:
    """(client, is_new). A new client is not saved here: the caller writes it atomically with
    whatever it creates for them. Existing files are never overwritten from the public side."""
    phone = normalize_phone(raw_phone, salon.country)
    found = repo.phone_owner(salon.id, phone)
    if found is None:
        return Client(id=new_id(), name=name.strip(), phone=phone, email=email, locale=salon.locale), True
    client_id, card = found  # the card on file: a deposit's checkout reuses its provider customer
    return Client(id=client_id, name=name.strip(), phone=phone, email=email, card=card), False


def restricted_message(salon: Salon) -> str:
    return (f"Online booking is not available for this phone number. "
            f"Please call {salon.name} on {salon.phone} to book.")


def create_or_find(repo, salon: Salon, name: str, raw_phone: str, email: str | None, now: datetime) -> Client:
    """The client's file, creating it if this phone is new (waitlist sign-ups)."""
    from ..storage.errors import PhoneTaken

    client, is_new = identify(repo, salon, name, raw_phone, email)
    if not is_new:
        return repo.get_client(salon.id, client.id) or client
    try:
        repo.create_client(salon.id, client, now)
        return client
    except PhoneTaken:
        return repo.get_client(salon.id, repo.client_id_for_phone(salon.id, client.phone))
