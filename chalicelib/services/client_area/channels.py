"""How a client is reached, changed after booking: by the client in their area, or by the salon in
the client file. The same checks as at booking: a channel the salon enabled, an e-mail that can be
one, the e-mail channel only with an address, WhatsApp only with consent."""
from ...domain.client import Client, check_channel_choice, normalize_email
from ...domain.salon import Salon
from ...domain.values import frozen


@frozen
class Reach:
    """The choices a client makes about being written to (marketing: None leaves it as it is)."""
    channel: str | None
    email: str | None
    whatsapp_consent: bool
    marketing_consent: bool | None = None


def checked(salon: Salon, reach: Reach) -> Reach:
    """`reach` with its e-mail normalized; InvalidRequest (invalid_email, invalid_channel) otherwise."""
    email = normalize_email(reach.email)
    channel = check_channel_choice(reach.channel, salon.channels_enabled, email, reach.whatsapp_consent)
    return Reach(channel, email, reach.whatsapp_consent, reach.marketing_consent)


def set_reach(repo, salon: Salon, client: Client, reach: Reach) -> Reach:
    """Store the client's choices (checked first: nothing is written when one is wrong)."""
    reach = checked(salon, reach)
    marketing = client.marketing_consent if reach.marketing_consent is None else reach.marketing_consent
    repo.set_client_reach(salon.id, client.id, reach.channel, reach.email, reach.whatsapp_consent, marketing)
    return reach


def reach_view(client: Client) -> dict:
    """The client's choices as the JSON APIs show them."""
    return {"channel": client.preferred_channel, "email": client.email, "email_suppressed": client.email_suppressed,
            "whatsapp_consent": client.whatsapp_consent, "whatsapp_opt_out": client.whatsapp_opt_out,
            "sms_opt_out": client.sms_opt_out, "marketing_consent": client.marketing_consent}


def change_by_salon(repo, audit, who, client_id: str, reach: Reach, now) -> tuple:
    """The salon changes how a client is reached (the client asked at the desk): the roles that
    may change the file; audited with what changed, never the address itself."""
    from ...domain.errors import IllegalTransition
    from ..owner.clients import checked_client

    salon, catalog, rights, client = checked_client(repo, who, client_id, edit=True)
    if client.erased:
        raise IllegalTransition("This client's personal data was erased; the file can no longer be changed.",
                                "client_erased")
    stored = set_reach(repo, salon, client, reach)
    before = (client.preferred_channel, client.email, client.whatsapp_consent, client.marketing_consent)
    after = (stored.channel, stored.email, stored.whatsapp_consent, stored.marketing_consent)
    fields = [name for name, old, new in zip(("channel", "email", "whatsapp_consent", "marketing_consent"),
                                             before, after) if old != new]
    if fields:
        audit.record_audit(salon.id, who.user_id, "client_reach_changed", f"client:{client.id}",
                           {"fields": fields, "channel": stored.channel}, now)
    return salon, catalog, rights, repo.get_client(salon.id, client.id)
