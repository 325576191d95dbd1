"""The owner is told once a month when the salon's message budget is reached: the owner home
shows a banner (the marker item the dispatcher writes), and each active owner gets one e-mail from
the salon's sending address, when the salon sends e-mail."""
import logging

from ..domain.salon import Salon
from ..messaging.channel_texts import Email

log = logging.getLogger(__name__)


def owner_email(salon: Salon, month: str, base_url: str | None) -> Email:
    """The e-mail, in the salon's language (the owner domain's texts)."""
    import html

    from ..web.catalogs import Translator

    tr = Translator(salon.locale, "owner")
    subject = tr.gettext("%(salon)s: this month's message budget is reached", salon=salon.name)
    lines = [tr.gettext("The estimated cost of this month's messages (%(month)s) reached the budget of %(amount)s "
                        "USD.", month=month, amount=salon.monthly_budget_usd),
             tr.gettext("Until the month ends only reminders and sign-in codes are sent; other messages are "
                        "cancelled and listed with the reason \"budget reached\".")]
    if base_url:
        page = f"{base_url}/owner/settings/channels"
        lines.append(tr.gettext("Change the budget or the channels: %(url)s", url=page))
    text = "\n\n".join(lines)
    markup = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    return Email("budget_reached", subject, text,
                 f'<!DOCTYPE html><html lang="{salon.locale}"><body>{markup}</body></html>')


def tell_owners(owners, email_sender, salon: Salon, month: str, base_url: str | None) -> int:
    """E-mail every active owner of the salon (`owners`: its users); how many were sent. A salon
    without a sending address gets the banner only; a refused e-mail is logged, never retried
    (the banner stays)."""
    from ..messaging.base import SendError

    if not salon.email_from:
        return 0
    email, sent = owner_email(salon, month, base_url), 0
    for user in owners:
        if user.role != "owner" or not user.active:
            continue
        try:
            email_sender.send_email(salon.email_from, user.email, email)
            sent += 1
        except SendError as error:
            log.warning("salon %s: the budget e-mail to an owner was refused: %s", salon.id, error.reason)
    return sent
