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


_clock = None


def now():
    """The current instant (UTC). Tests and `make sweep` pin it with set_clock."""
    from .domain.clock import utc_now

    return _clock() if _clock is not None else utc_now()


def set_clock(clock) -> None:
    global _clock
    _clock = clock


def reset() -> None:
    """Forget the cached collaborators (tests that change the environment)."""
    config.cache_clear()
    repository.cache_clear()
