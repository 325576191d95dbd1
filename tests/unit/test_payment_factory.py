"""The local payment provider (a checkout that pays at a button's press) never runs on prod."""
import pytest

from chalicelib.config import Config
from chalicelib.domain.errors import PaymentUnavailable
from chalicelib.payments.factory import provider_from_config
from chalicelib.payments.local import LocalProvider


def _config(stage: str, provider: str) -> Config:
    return Config.from_env({"STAGE": stage, "PAYMENT_PROVIDER": provider, "TABLE_NAME": "t"})


def test_the_local_provider_serves_make_run_and_dev():
    assert isinstance(provider_from_config(_config("dev", "local")), LocalProvider)


def test_the_local_provider_is_refused_on_prod():
    with pytest.raises(PaymentUnavailable):
        provider_from_config(_config("prod", "local"))
