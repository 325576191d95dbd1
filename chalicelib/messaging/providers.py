"""The providers of each channel behind one interface, and the ones the configuration asks for."""
from dataclasses import dataclass, field

from chalicelib.config import Config

from .base import SendError, SmsSender
from .eum import EumSender
from .local import LocalEmailSender, LocalSender, LocalWhatsAppSender
from .sns import SnsSender

__all__ = ["EumSender", "LocalSender", "SendError", "Senders", "SmsSender", "SnsSender", "sender_from_config",
           "senders_from_config"]


@dataclass
class Senders:
    """One provider per channel: `sms.send(phone, body)`, `email.send_email(sender, to, email)`,
    `whatsapp.send_template(phone_number_id, to, template)`; each raises SendError."""
    sms: SmsSender
    email: object = field(default_factory=LocalEmailSender)
    whatsapp: object = field(default_factory=LocalWhatsAppSender)


def senders_from_config(cfg: Config, sms: SmsSender | None = None) -> Senders:
    """Every channel's provider; `sms`: an SMS provider chosen elsewhere (tests, the local stack)."""
    return Senders(sms or sender_from_config(cfg), email_sender_from_config(cfg), whatsapp_sender_from_config(cfg))


def email_sender_from_config(cfg: Config):
    """`cfg.email_provider`: "local" (memory and logs) or "ses" (Amazon SES v2)."""
    if cfg.email_provider == "ses":
        from .email import SesEmailSender

        return SesEmailSender(configuration_set=cfg.ses_configuration_set, region=cfg.region)
    if cfg.email_provider == "local":
        return LocalEmailSender()
    raise ValueError(f"unknown e-mail provider {cfg.email_provider!r}: use local or ses")


def whatsapp_sender_from_config(cfg: Config):
    """`cfg.whatsapp_provider`: "local" (memory and logs) or "eum" (AWS End User Messaging Social)."""
    if cfg.whatsapp_provider == "eum":
        from .whatsapp import WhatsAppSender

        return WhatsAppSender(region=cfg.region)
    if cfg.whatsapp_provider == "local":
        return LocalWhatsAppSender()
    raise ValueError(f"unknown WhatsApp provider {cfg.whatsapp_provider!r}: use local or eum")


def sender_from_config(cfg: Config) -> SmsSender:
    """`cfg.sms_provider`: "local" (memory and logs), "sns" or "eum" (AWS End User Messaging SMS)."""
    if cfg.sms_provider == "local":
        return LocalSender()
    if cfg.sms_provider == "sns":
        return SnsSender(sender_id=cfg.sms_sender_id, region=cfg.region)
    if cfg.sms_provider == "eum":
        return EumSender(
            origination_identity=cfg.sms_origination_identity,
            configuration_set=cfg.sms_configuration_set,
            opt_out_list=cfg.sms_opt_out_list,
            region=cfg.region,
        )
    raise ValueError(f"unknown SMS provider {cfg.sms_provider!r}: use local, sns or eum")
