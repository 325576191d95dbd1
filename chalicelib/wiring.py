"""Builds the collaborators once per Lambda container: config, repository, clock."""
from functools import lru_cache

from .config import Config


@lru_cache(maxsize=1)
def config() -> Config:
    return Config.from_env()


@lru_cache(maxsize=1)
def repository():
    from .storage import models
    from .storage.repository import Repository

    cfg = config()
    return Repository(models.bind(cfg.table_name, cfg.region, cfg.dynamodb_endpoint))


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
_clock = None


def now():
    """The current instant (UTC). Tests and `make sweep` pin it with set_clock."""
    from .domain.clock import utc_now

    return _clock() if _clock is not None else utc_now()


def set_clock(clock) -> None:
    global _clock
    _clock = clock


def current_sender():
    return _sender_override if _sender_override is not None else sender()


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
    global _sender_override
    config.cache_clear()
    repository.cache_clear()
    sender.cache_clear()
    _sender_override = None
