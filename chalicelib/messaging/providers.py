"""The SMS providers behind one interface, and the one the configuration asks for."""
from chalicelib.config import Config

from .base import SendError, SmsSender
from .eum import EumSender
from .local import LocalSender
from .sns import SnsSender

__all__ = ["EumSender", "LocalSender", "SendError", "SmsSender", "SnsSender", "sender_from_config"]


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
