"""Configuration, read once from the environment (set per stage in .chalice/config.json)."""
import os

from .domain.values import frozen


@frozen
class Config:
    table_name: str
    region: str
    dynamodb_endpoint: str | None  # DynamoDB Local in `make run` and tests; None on AWS
    public_base_url: str | None  # e.g. https://book.example.com; None: taken from the request
    stage: str
    sms_provider: str = "local"  # local | sns | eum (AWS End User Messaging SMS)
    sms_sender_id: str | None = None  # SNS alphanumeric sender id, where the country allows it
    sms_origination_identity: str | None = None  # EUM: phone number, pool or sender id (ARN or id)
    sms_configuration_set: str | None = None  # EUM configuration set (event destinations)
    sms_opt_out_list: str | None = None  # EUM opt-out list name ("Default" when unset)
    session_secret_parameter: str | None = None  # SSM parameter holding the session signing key
    session_secret: str | None = None  # local stack and tests only
    payment_provider: str = "local"  # local | stripe (chalicelib/payments)
    stripe_secret_key_parameter: str | None = None  # SSM SecureString names (AWS)
    stripe_webhook_secret_parameter: str | None = None
    stripe_secret_key: str | None = None  # the values themselves: tests and a developer's stack only
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None  # tests: a localstripe server
    local_payment_secret: str | None = None  # local provider's signing secret; random per process if unset
    photo_bucket: str | None = None  # record photos' private S3 bucket; unset: files under photo_dir
    photo_dir: str = ".data/photos"  # the local twin of the bucket (`make run`)
    sms_phone_daily_ceiling: int = 20  # the most texts to one phone a day any salon may set
    sms_salon_daily_ceiling: int = 2000  # the most texts a day any salon may set
    email_provider: str = "local"  # local | ses (Amazon SES v2)
    ses_configuration_set: str | None = None  # SES configuration set: bounces and complaints to SNS
    whatsapp_provider: str = "local"  # local | eum (AWS End User Messaging Social)

    @classmethod
    def from_env(cls, env=None) -> "Config":
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("TABLE_NAME", "chairtime"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "eu-south-1",
            dynamodb_endpoint=env.get("DYNAMODB_ENDPOINT") or None,
            public_base_url=(env.get("PUBLIC_BASE_URL") or "").rstrip("/") or None,
            stage=env.get("STAGE", "dev"),
            sms_provider=env.get("SMS_PROVIDER", "local"),
            sms_sender_id=env.get("SMS_SENDER_ID") or None,
            sms_origination_identity=env.get("SMS_ORIGINATION_IDENTITY") or None,
            sms_configuration_set=env.get("SMS_CONFIGURATION_SET") or None,
            sms_opt_out_list=env.get("SMS_OPT_OUT_LIST") or None,
            session_secret_parameter=env.get("SESSION_SECRET_PARAMETER") or None,
            session_secret=env.get("SESSION_SECRET") or None,
            payment_provider=env.get("PAYMENT_PROVIDER", "local"),
            stripe_secret_key_parameter=env.get("STRIPE_SECRET_KEY_PARAMETER") or None,
            stripe_webhook_secret_parameter=env.get("STRIPE_WEBHOOK_SECRET_PARAMETER") or None,
            stripe_secret_key=env.get("STRIPE_SECRET_KEY") or None,
            stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET") or None,
            stripe_api_base=env.get("STRIPE_API_BASE") or None,
            local_payment_secret=env.get("LOCAL_PAYMENT_SECRET") or None,
            photo_bucket=env.get("PHOTO_BUCKET") or None,
            photo_dir=env.get("PHOTO_DIR") or ".data/photos",
            sms_phone_daily_ceiling=int(env.get("SMS_PHONE_DAILY_CEILING") or 20),
            sms_salon_daily_ceiling=int(env.get("SMS_SALON_DAILY_CEILING") or 2000),
            email_provider=env.get("EMAIL_PROVIDER", "local"),
            ses_configuration_set=env.get("SES_CONFIGURATION_SET") or None,
            whatsapp_provider=env.get("WHATSAPP_PROVIDER", "local"),
        )
