"""Builds the collaborators once per Lambda container: config, repository, clock."""
from functools import lru_cache

from .config import Config


def config() -> Config:
    """The configuration read from the environment once; tests may set their own (set_config)."""
    return _config_override if _config_override is not None else _config_from_env()


@lru_cache(maxsize=1)
def _config_from_env() -> Config:
    return Config.from_env()


def set_config(value: Config | None) -> None:
    global _config_override
    _config_override = value


_config_override = None


@lru_cache(maxsize=1)
def _connection():
    """The models bound to the configured table, once: both repositories share the connection."""
    from .storage import models

    cfg = config()
    return models.bind(cfg.table_name, cfg.region, cfg.dynamodb_endpoint)


@lru_cache(maxsize=1)
def repository():
    """The owner side's repository: every access pattern."""
    from .storage.owner_repository import Repository

    return Repository(_connection())


@lru_cache(maxsize=1)
def public_repository():
    """The public side's and the jobs': without the owner stores, which a client's first request
    would otherwise import (docs/decisions.md, cold start)."""
    from .storage.repository import PublicRepository

    return PublicRepository(_connection())


@lru_cache(maxsize=1)
def sender():
    """The SMS provider chosen by config (local, sns or eum)."""
    from .messaging.providers import sender_from_config

    return sender_from_config(config())


def set_sender(value) -> None:
    """Tests and the local stack choose the provider instance."""
    sender.cache_clear()
    globals()["_sender_override"] = value


_sender_override = None
_payments_override = None
_clock = None


@lru_cache(maxsize=1)
def _configured_payments():
    from .payments.factory import provider_from_config

    return provider_from_config(config())


def payments():
    """The payment provider chosen by config (local or stripe); tests may set their own."""
    return _payments_override if _payments_override is not None else _configured_payments()


def set_payments(value) -> None:
    global _payments_override
    _payments_override = value


def now():
    """The current instant (UTC). Tests and `make sweep` pin it with set_clock."""
    from .domain.clock import utc_now

    return _clock() if _clock is not None else utc_now()


def set_clock(clock) -> None:
    global _clock
    _clock = clock


def current_sender():
    return _sender_override if _sender_override is not None else sender()


@lru_cache(maxsize=1)
def _channel_senders():
    """The e-mail and WhatsApp providers chosen by config (the SMS one is `current_sender`)."""
    from .messaging.providers import email_sender_from_config, whatsapp_sender_from_config

    return email_sender_from_config(config()), whatsapp_sender_from_config(config())


def current_senders():
    """Every channel's provider, the SMS one as tests and the local stack set it."""
    from .messaging.providers import Senders

    return Senders(current_sender(), *_channel_senders())


def sms_ceilings():
    """The platform's ceiling on the salons' daily SMS caps (config)."""
    from .domain.policy import SmsCeilings

    cfg = config()
    return SmsCeilings(cfg.sms_phone_daily_ceiling, cfg.sms_salon_daily_ceiling)


def base_url() -> str:
    """Where links in messages point when no request is at hand (sweeps, replies)."""
    return config().public_base_url or "http://127.0.0.1:8000"


def reset() -> None:
    """Forget the cached collaborators (tests that change the environment)."""
    global _sender_override, _payments_override
    _config_from_env.cache_clear()
    _connection.cache_clear()
    repository.cache_clear()
    public_repository.cache_clear()
    sender.cache_clear()
    _configured_payments.cache_clear()
    _sender_override = None
    _payments_override = None
