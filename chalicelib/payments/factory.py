"""The payment provider chosen by config: `local` (make run, tests) or `stripe` (keys from SSM
SecureString parameters on AWS, read once per container through Powertools parameters)."""
import secrets

from ..config import Config
from ..domain.errors import PaymentUnavailable

_LOCAL_SECRET = secrets.token_hex(32)  # per process: the local checkout and its webhook live in it


def provider_from_config(cfg: Config):
    if cfg.payment_provider == "stripe":
        from .stripe_provider import StripeProvider

        return StripeProvider(_secret(cfg.stripe_secret_key_parameter, cfg.stripe_secret_key),
                              _secret(cfg.stripe_webhook_secret_parameter, cfg.stripe_webhook_secret),
                              api_base=cfg.stripe_api_base)
    if cfg.payment_provider == "local":
        if cfg.stage == "prod":
            # The local checkout pays at the press of a button: never where money is real.
            raise PaymentUnavailable("Payments are not set up: the local provider does not run in prod.")
        from .local import LocalProvider

        return LocalProvider(cfg.local_payment_secret or _LOCAL_SECRET)
    raise ValueError(f"unknown PAYMENT_PROVIDER {cfg.payment_provider!r} (local or stripe)")


def _secret(parameter: str | None, value: str | None) -> str:
    if parameter:
        from aws_lambda_powertools.utilities import parameters

        return parameters.get_parameter(parameter, decrypt=True, max_age=300)
    if value:
        return value
    raise ValueError("Stripe needs its secret key and webhook secret: set the *_PARAMETER variables (SSM)")
