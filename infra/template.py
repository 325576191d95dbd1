"""Renders infra/resources.json: what `chalice package` does not create, merged into its SAM
template with `chalice package --merge-template infra/resources.json` (`make package`).

    .venv/bin/python -m infra.template                   # write infra/resources.json
    .venv/bin/python -m infra.template --check           # exit 1 when the committed file is stale
    .venv/bin/python -m infra.template parameters prod   # the stage's CloudFormation parameters

Nothing here is copied by hand from the code:
  chalicelib/storage/table.py   keys, indexes and TTL attribute (`table_definition`, TTL_ATTRIBUTE)
  app.py                        the Lambda functions chalice makes: the API, every @app.schedule,
                                every @app.on_sns_message topic (read with `ast`: no import)
  .chalice/config.json          app name, stages, each stage's table and secret names, the
                                metrics namespace and service the SMS alarm watches

The merge is a deep merge where this file wins, so besides new resources it also sets, on the
functions chalice generates: the runtime (LAMBDA_RUNTIME); the environment variables that come
from CloudFormation parameters (one package deploys with other values); the log group; the
dead-letter queue of the asynchronous functions; and the SNS subscription's topic as a `Fn::Sub`
of the topic created here (the same ARN as chalice's name-based `Fn::Sub`, plus the dependency
that creates the topic before the subscription). On chalice's RestAPI it sets the stage's
throttling (rate and burst, CloudFormation parameters).
"""
import argparse
import ast
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "infra" / "resources.json"
APP = ROOT / "app.py"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"

# Chalice picks the runtime of the Python it runs on (3.11 here), whose Lambda runtime can no
# longer be created (deprecated 2026-06-30, creation blocked 2026-07-31). infra/package.py builds
# the dependencies for this runtime; the merge sets it on every function.
LAMBDA_RUNTIME = "python3.13"

DESCRIPTION = ("Chairtime: the API, scheduled jobs and inbound SMS handler (chalice package) with the table, "
               "topics, dead-letter queue and alarms (infra/resources.json).")

# Environment variable -> (CloudFormation parameter, the value every function gets).
# TABLE_NAME is the table resource's own name (Ref), which the TableName parameter sets.
ENVIRONMENT = {
    "STAGE": ("Stage", {"Ref": "Stage"}),
    "TABLE_NAME": ("TableName", {"Ref": "Table"}),
    "SESSION_SECRET_PARAMETER": ("SessionSecretParameterName", {"Ref": "SessionSecretParameterName"}),
    "PUBLIC_BASE_URL": ("PublicBaseUrl", {"Ref": "PublicBaseUrl"}),
    "SMS_PROVIDER": ("SmsProvider", {"Ref": "SmsProvider"}),
    "SMS_SENDER_ID": ("SmsSenderId", {"Ref": "SmsSenderId"}),
    "SMS_ORIGINATION_IDENTITY": ("SmsOriginationIdentity", {"Ref": "SmsOriginationIdentity"}),
    "SMS_CONFIGURATION_SET": ("SmsConfigurationSet", {"Ref": "SmsConfigurationSet"}),
    "SMS_OPT_OUT_LIST": ("SmsOptOutList", {"Ref": "SmsOptOutList"}),
    "EMAIL_PROVIDER": ("EmailProvider", {"Ref": "EmailProvider"}),
    "SES_CONFIGURATION_SET": ("SesConfigurationSetName", {"Ref": "EmailConfigurationSet"}),
    "WHATSAPP_PROVIDER": ("WhatsAppProvider", {"Ref": "WhatsAppProvider"}),
    "PAYMENT_PROVIDER": ("PaymentProvider", {"Ref": "PaymentProvider"}),
    "STRIPE_SECRET_KEY_PARAMETER": ("StripeSecretKeyParameterName", {"Ref": "StripeSecretKeyParameterName"}),
    "STRIPE_WEBHOOK_SECRET_PARAMETER": ("StripeWebhookSecretParameterName",
                                        {"Ref": "StripeWebhookSecretParameterName"}),
}

# Environment variables set from this template's own resources (no parameter of their own).
RESOURCE_ENVIRONMENT = {
    "PHOTO_BUCKET": {"Ref": "PhotoBucket"},
}
# API Gateway stage throttling (parameters' defaults): far above a few salons' busiest minute, and
# above a burst of 30 clients at once (a race for one slot), far below the account's 10,000/s.
API_THROTTLE_RATE = 50
API_THROTTLE_BURST = 100

# CreateTable arguments whose shape CloudFormation's AWS::DynamoDB::Table shares.
SAME_IN_CLOUDFORMATION = {
    "AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "LocalSecondaryIndexes", "BillingMode",
    "ProvisionedThroughput", "TableClass", "DeletionProtectionEnabled",
}
# Decorators that make a Lambda function this generator does not know how to wire yet.
UNHANDLED_TRIGGERS = {"lambda_function", "on_s3_event", "on_sqs_message", "on_cw_event", "on_kinesis_record",
                      "on_dynamodb_record", "on_ws_connect", "on_ws_message", "on_ws_disconnect", "authorizer"}
LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
                      2922, 3288, 3653]
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600  # SQS's maximum
DELETE = {"DeletionPolicy": "Delete", "UpdateReplacePolicy": "Delete"}
# Who publishes to each @app.on_sns_message function's topic (by the function's name): the service
# principal, the service's ARN prefix for aws:SourceArn, and the Sids of its topic and key statements.
PUBLISHERS = {
    "inbound_sms": ("sms-voice.amazonaws.com", "sms-voice:${AWS::Region}:${AWS::AccountId}:*",
                    "EndUserMessagingTwoWaySms", "EndUserMessagingPublishes"),
    "email_events": ("ses.amazonaws.com", "ses:${AWS::Region}:${AWS::AccountId}:configuration-set/*",
                     "SesEventDestination", "SesPublishes"),
    "whatsapp_events": ("social-messaging.amazonaws.com", "social-messaging:${AWS::Region}:${AWS::AccountId}:*",
                        "EndUserMessagingSocialEvents", "EndUserMessagingSocialPublishes"),
}
SES_BOUNCE_RATE_ALARM = 0.05  # SES reviews an account at 5% bounces and may pause sending at 10%


@dataclass(frozen=True)
class Function:
    """A Lambda function `chalice package` generates."""
    name: str  # chalice's name: the Python function's, or api_handler
    trigger: str  # api | schedule | sns
    topic: str | None = None  # sns: the topic name (or ARN) given to on_sns_message

    @property
    def logical_id(self) -> str:
        from chalice.utils import to_cfn_resource_name

        return "APIHandler" if self.trigger == "api" else to_cfn_resource_name(self.name)

    @property
    def invoked_asynchronously(self) -> bool:
        """EventBridge and SNS invoke Lambda asynchronously: retried twice, then the dead-letter queue."""
        return self.trigger in ("schedule", "sns")

    @property
    def creates_topic(self) -> bool:
        return self.trigger == "sns" and not self.topic.startswith("arn:")

    @property
    def subscription_event(self) -> str:
        """The SNS event's key in the function's Events, as chalice names it."""
        from chalice.utils import to_cfn_resource_name

        return to_cfn_resource_name(f"{self.name}-sns-subscription")


def app_functions(source: str | None = None) -> list[Function]:
    """The functions chalice will package, read from app.py's decorators (without importing it)."""
    tree = ast.parse(APP.read_text() if source is None else source)
    functions, has_api = [], False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (_app_method(node.func) in ("register_blueprint", "route")
                                           or _declares_areas(node)):
            has_api = True
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            method = _app_method(call.func if call else decorator)
            name = _keyword(call, "name") or node.name
            if method == "schedule":
                functions.append(Function(name, "schedule"))
            elif method == "on_sns_message":
                topic = _keyword(call, "topic") or _first_argument(call)
                if not topic:
                    raise ValueError(f"{node.name}: on_sns_message needs a literal topic name")
                functions.append(Function(name, "sns", topic))
            elif method in UNHANDLED_TRIGGERS:
                raise ValueError(f"{node.name}: @app.{method} is not wired by infra/template.py yet")
    if has_api:
        functions.insert(0, Function("api_handler", "api"))
    topics = [f.topic for f in functions if f.creates_topic]
    if len(topics) != len(set(topics)):
        raise ValueError(f"one topic per on_sns_message function, got {topics}")
    return functions


def _declares_areas(call: ast.Call) -> bool:
    """`LazyAreas(app, ...)` (chalicelib/api/lazy.py) registers the routes on the app."""
    return (isinstance(call.func, ast.Name) and call.func.id == "LazyAreas" and bool(call.args)
            and isinstance(call.args[0], ast.Name) and call.args[0].id == "app")


def _app_method(node) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "app":
        return node.attr
    return None


def _keyword(call, name: str) -> str | None:
    for keyword in getattr(call, "keywords", []):
        if keyword.arg == name and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, str):
            return keyword.value.value
    return None


def _first_argument(call) -> str | None:
    if call is not None and call.args and isinstance(call.args[0], ast.Constant):
        return call.args[0].value
    return None


def chalice_config() -> dict:
    return json.loads(CHALICE_CONFIG.read_text())


def stage_environment(config: dict, stage: str) -> dict:
    """The environment variables chalice gives a stage's functions (before this file's overrides)."""
    return {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}


def render() -> dict:
    config = chalice_config()
    functions = app_functions()
    app_name = config["app_name"]
    resources = {"Table": table_resource(app_name)}
    resources.update(photo_bucket(app_name))
    topics = [function for function in functions if function.creates_topic]
    for function in topics:
        resources.update(inbound_topic(app_name, function))
    if topics:
        resources.update(topic_key(app_name, [publisher(function) for function in topics]))
    resources.update(email_configuration_set(app_name, functions))
    resources.update(dead_letter_queue(app_name))
    resources.update(alarm_topic(app_name))
    for function in functions:
        resources.update(log_group(app_name, function))
        resources[function.logical_id] = function_overrides(function)
    if any(function.trigger == "api" for function in functions):
        resources.update(gateway_responses())
    resources.update(alarms(app_name, config, functions))
    # Both merge into chalice's RestAPI: its gateway responses (above) and the stage throttling.
    resources.setdefault("RestAPI", {"Properties": {}})["Properties"].update(api_throttling()["Properties"])
    return {
        "Description": DESCRIPTION,
        "Parameters": parameters(config),
        "Rules": rules(config),
        "Conditions": {
            "HasAlarmEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]},
            "SendsWithSns": {"Fn::Equals": [{"Ref": "SmsProvider"}, "sns"]},
        },
        "Resources": resources,
        "Outputs": outputs(functions),
    }


def parameters(config: dict) -> dict:
    return {
        "Stage": {"Type": "String", "AllowedValues": sorted(config["stages"]),
                  "Description": "The chalice stage this package was built for (make package STAGE=...)."},
        "TableName": {"Type": "String", "AllowedPattern": "[a-zA-Z0-9_.-]{3,255}",
                      "Description": "The stage's table; must be the TABLE_NAME its IAM policy file names."},
        "SessionSecretParameterName": {
            "Type": "String", "AllowedPattern": "/[a-zA-Z0-9_.\\-/]+",
            "Description": "SSM SecureString holding the owner-session signing key. CloudFormation cannot "
                           "create a SecureString: create it with `aws ssm put-parameter --type SecureString` "
                           "(docs/deploy.md)."},
        "PublicBaseUrl": {"Type": "String", "Default": "", "AllowedPattern": "(https://[^\\s]+)?",
                          "Description": "Base of the links in texts and pages, e.g. https://book.example.com. "
                                         "Required when texts are really sent."},
        "PaymentProvider": {"Type": "String", "Default": "local", "AllowedValues": ["local", "stripe"],
                            "Description": "stripe (deposits and fees through the salon's Stripe account), or local "
                                           "(the app's own test checkout page)."},
        "StripeSecretKeyParameterName": {
            "Type": "String", "AllowedPattern": "/[a-zA-Z0-9_.\\-/]+",
            "Description": "SSM SecureString with the Stripe secret (or restricted) key (docs/deploy.md)."},
        "StripeWebhookSecretParameterName": {
            "Type": "String", "AllowedPattern": "/[a-zA-Z0-9_.\\-/]+",
            "Description": "SSM SecureString with the signing secret of the Stripe webhook endpoint."},
        "EmailProvider": {"Type": "String", "Default": "local", "AllowedValues": ["local", "ses"],
                          "Description": "local (e-mails only logged) or ses (Amazon SES v2)."},
        "SesConfigurationSetName": {"Type": "String", "AllowedPattern": "[a-zA-Z0-9_-]{1,64}",
                                    "Description": "The SES configuration set this stack creates; must be the "
                                                   "stage's SES_CONFIGURATION_SET, which its IAM policy names."},
        "WhatsAppProvider": {"Type": "String", "Default": "local", "AllowedValues": ["local", "eum"],
                             "Description": "local (WhatsApp messages only logged) or eum (AWS End User "
                                            "Messaging Social)."},
        "SmsProvider": {"Type": "String", "Default": "local", "AllowedValues": ["local", "sns", "eum"],
                        "Description": "local (texts only logged), sns, or eum (AWS End User Messaging SMS)."},
        "SmsSenderId": {"Type": "String", "Default": "", "AllowedPattern": "[a-zA-Z0-9]{0,11}",
                        "Description": "SNS only: a registered alphanumeric sender ID, where the country allows."},
        "SmsOriginationIdentity": {"Type": "String", "Default": "", "AllowedPattern": "[^\\s]*",
                                   "Description": "eum: phone number, pool or sender ID (id or ARN)."},
        "SmsConfigurationSet": {"Type": "String", "Default": "", "AllowedPattern": "[^\\s]*",
                                "Description": "eum: configuration set name (event destinations), optional."},
        "SmsOptOutList": {"Type": "String", "Default": "Default", "AllowedPattern": "[^\\s]+",
                          "Description": "eum: the opt-out list checked before sending."},
        "SmsMonthlySpendLimit": {
            "Type": "Number", "Default": 10, "MinValue": 1,
            "Description": "USD. The account's SMS spend limit is set outside CloudFormation (aws sns "
                           "set-sms-attributes / aws pinpoint-sms-voice-v2 set-text-message-spend-limit-override, "
                           "docs/deploy.md); with SmsProvider=sns an alarm fires at 80% of this value."},
        "SmsFailedAlarmThreshold": {"Type": "Number", "Default": 3, "MinValue": 1,
                                    "Description": "Texts failed for good in one hour that raise the alarm."},
        "AlarmEmail": {"Type": "String", "Default": "", "AllowedPattern": "([^\\s@]+@[^\\s@]+)?",
                       "Description": "Optional: subscribe this address to the alarm topic (confirm the email)."},
        "LogRetentionDays": {"Type": "Number", "Default": 30, "AllowedValues": LOG_RETENTION_DAYS,
                             "Description": "How long the functions' logs are kept."},
        "ApiThrottleRate": {"Type": "Number", "Default": API_THROTTLE_RATE, "MinValue": 1, "MaxValue": 10000,
                            "Description": "Requests per second the API stage takes in all, steadily (API Gateway "
                                           "answers 429 above it, before any function runs)."},
        "ApiThrottleBurst": {"Type": "Number", "Default": API_THROTTLE_BURST, "MinValue": 1, "MaxValue": 5000,
                             "Description": "Requests the API stage takes at once above the steady rate."},
    }


def rules(config: dict) -> dict:
    """Refuse a deploy whose names do not match the stage: the IAM policy file is per stage."""
    per_stage = []
    for stage in sorted(config["stages"]):
        env = stage_environment(config, stage)
        per_stage.append({"Fn::And": [
            {"Fn::Equals": [{"Ref": "Stage"}, stage]},
            {"Fn::Equals": [{"Ref": "TableName"}, env["TABLE_NAME"]]},
            {"Fn::Equals": [{"Ref": "SessionSecretParameterName"}, env["SESSION_SECRET_PARAMETER"]]},
            {"Fn::Equals": [{"Ref": "SesConfigurationSetName"}, env["SES_CONFIGURATION_SET"]]},
        ]})
    assertion = per_stage[0] if len(per_stage) == 1 else {"Fn::Or": per_stage}
    return {
        "NamesMatchTheStage": {"Assertions": [{
            "Assert": assertion,
            "AssertDescription": "TableName, SessionSecretParameterName and SesConfigurationSetName must be "
                                 "the stage's (.chalice/config.json), which its IAM policy file grants.",
        }]},
        "TextsNeedAPublicBaseUrl": {
            "RuleCondition": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SmsProvider"}, "local"]}]},
            "Assertions": [{
                "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "PublicBaseUrl"}, ""]}]},
                "AssertDescription": "Texts carry manage links: set PublicBaseUrl when SmsProvider is sns or eum.",
            }],
        },
        # The dispatcher may send only from End User Messaging's phone numbers, pools and sender IDs
        # (infra/policies.py): a send that names none would rest on the service's choice.
        "EndUserMessagingNeedsAnOriginationIdentity": {
            "RuleCondition": {"Fn::Equals": [{"Ref": "SmsProvider"}, "eum"]},
            "Assertions": [{
                "Assert": {"Fn::Not": [{"Fn::Equals": [{"Ref": "SmsOriginationIdentity"}, ""]}]},
                "AssertDescription": "With SmsProvider eum, set SmsOriginationIdentity (phone number, pool or "
                                     "sender ID: docs/deploy.md section 4).",
            }],
        },
    }


def _tags(app_name: str) -> list:
    return [{"Key": "app", "Value": app_name}, {"Key": "stage", "Value": {"Ref": "Stage"}}]


def table_resource(app_name: str) -> dict:
    from chalicelib.storage import table

    properties = {}
    for key, value in table.table_definition("unused").items():
        if key == "TableName":
            properties[key] = {"Ref": "TableName"}
        elif key in SAME_IN_CLOUDFORMATION:
            properties[key] = value
        else:
            raise ValueError(f"table_definition's {key} has no CloudFormation translation in infra/template.py")
    properties.update({
        "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
        "DeletionProtectionEnabled": True,
        "SSESpecification": {"SSEEnabled": True, "SSEType": "KMS"},  # the AWS managed key aws/dynamodb
        "TimeToLiveSpecification": {"AttributeName": table.TTL_ATTRIBUTE, "Enabled": True},
        "Tags": _tags(app_name),
    })
    return {"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
            "Properties": properties}


def photo_bucket(app_name: str) -> dict:
    """Treatment-record photos: private (every public access blocked, objects owned by the bucket),
    encrypted at rest, reached only over TLS, through presigned POSTs and GETs. No versioning: an
    erased client's photos must really go. CORS lets a page post a photo with script as well as
    with a plain form; the signed policy, not the origin, is what admits an upload. The name
    matches the stage's IAM policy file (`<app>-<stage>-photos-*`)."""
    bucket = {"Fn::Sub": f"{app_name}-${{Stage}}-photos-${{AWS::AccountId}}-${{AWS::Region}}"}
    arn = {"Fn::GetAtt": ["PhotoBucket", "Arn"]}
    return {
        "PhotoBucket": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                        "Properties": {
            "BucketName": bucket,
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                "ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": True}]},
            "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                               "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "CorsConfiguration": {"CorsRules": [{"AllowedMethods": ["POST"], "AllowedOrigins": ["*"],
                                                 "AllowedHeaders": ["*"], "MaxAge": 3000}]},
            "Tags": _tags(app_name),
        }},
        "PhotoBucketPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
            "Bucket": {"Ref": "PhotoBucket"},
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [arn, {"Fn::Sub": "${PhotoBucket.Arn}/*"}],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }]},
        }},
    }


def publisher(function: Function) -> tuple[str, str, str, str]:
    if function.name not in PUBLISHERS:
        raise ValueError(f"{function.name}: say in infra/template.py PUBLISHERS which service publishes to its topic")
    return PUBLISHERS[function.name]


def inbound_topic(app_name: str, function: Function) -> dict:
    """The topic a messaging service publishes to (SMS replies, SES bounces and complaints, WhatsApp
    messages and statuses), named as app.py says, encrypted with the stack's key for inbound
    topics (they carry phone numbers, addresses and what clients wrote)."""
    topic = f"{function.logical_id}Topic"
    service, source, sid, _ = publisher(function)
    return {
        topic: {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": function.topic, "KmsMasterKeyId": {"Ref": TOPIC_KEY}, "Tags": _tags(app_name)}},
        f"{topic}Policy": {"Type": "AWS::SNS::TopicPolicy", "Properties": {
            "Topics": [{"Ref": topic}],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Sid": sid,
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sns:Publish",
                "Resource": {"Ref": topic},
                "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
            }]},
        }},
    }


TOPIC_KEY = "InboundSmsTopicKey"  # the first inbound topic's key, now every inbound topic's


def topic_key(app_name: str, publishers: list[tuple[str, str, str, str]]) -> dict:
    """One customer managed key for the inbound topics (a key costs $1 a month: one, not three).
    The AWS managed key (alias/aws/sns) cannot be used: its key policy cannot be changed to let
    the publishing services (End User Messaging SMS and Social, SES) encrypt, so their publish
    would fail. This key lets the account administer it and each publishing service of this
    account use it; SNS delivers to the subscribed functions without them needing the key."""
    account = {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
    statements = [{"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": account},
                   "Action": "kms:*", "Resource": "*"}]
    for service, source, _, sid in dict.fromkeys(publishers):
        statements.append({
            "Sid": sid, "Effect": "Allow", "Principal": {"Service": service},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                "ArnLike": {"aws:SourceArn": {"Fn::Sub": f"arn:${{AWS::Partition}}:{source}"}}}})
    return {
        TOPIC_KEY: {"Type": "AWS::KMS::Key", **DELETE, "Properties": {
            "Description": {"Fn::Sub": f"{app_name}-${{Stage}}: the inbound topics (SMS replies, e-mail and "
                                       f"WhatsApp events)"},
            "EnableKeyRotation": True,
            "PendingWindowInDays": 7,  # events are transient: nothing stays encrypted under it
            "KeyPolicy": {"Version": "2012-10-17", "Statement": statements},
            "Tags": _tags(app_name),
        }},
        f"{TOPIC_KEY}Alias": {"Type": "AWS::KMS::Alias", **DELETE, "Properties": {
            "AliasName": {"Fn::Sub": f"alias/{app_name}-${{Stage}}-inbound-sms"}, "TargetKeyId": {"Ref": TOPIC_KEY}}},
    }


def email_configuration_set(app_name: str, functions: list[Function]) -> dict:
    """The SES configuration set every e-mail names: reputation metrics (the bounce-rate alarm
    reads them) and, where app.py handles them (`email_events`), bounces, complaints and
    deliveries published to that function's topic."""
    result = {"EmailConfigurationSet": {"Type": "AWS::SES::ConfigurationSet", "Properties": {
        "Name": {"Ref": "SesConfigurationSetName"},
        "ReputationOptions": {"ReputationMetricsEnabled": True},
        "SendingOptions": {"SendingEnabled": True},
        "DeliveryOptions": {"TlsPolicy": "REQUIRE"},
    }}}
    events = next((f for f in functions if f.name == "email_events" and f.creates_topic), None)
    if events:
        result["EmailEventDestination"] = {"Type": "AWS::SES::ConfigurationSetEventDestination", "Properties": {
            "ConfigurationSetName": {"Ref": "EmailConfigurationSet"},
            "EventDestination": {
                "Name": "sns", "Enabled": True,
                "MatchingEventTypes": ["BOUNCE", "COMPLAINT", "DELIVERY", "REJECT"],
                "SnsDestination": {"TopicARN": {"Ref": f"{events.logical_id}Topic"}}},
        }}
    return result


def dead_letter_queue(app_name: str) -> dict:
    # Deleted with the stack (explicitly): retained, its fixed name would block the next create.
    return {"DeadLetterQueue": {"Type": "AWS::SQS::Queue", **DELETE, "Properties": {
        "QueueName": {"Fn::Sub": f"{app_name}-${{Stage}}-dead-letters"},
        "MessageRetentionPeriod": DEAD_LETTER_RETENTION_SECONDS,
        "SqsManagedSseEnabled": True,
        "Tags": _tags(app_name),
    }}}


def alarm_topic(app_name: str) -> dict:
    return {
        "AlarmTopic": {"Type": "AWS::SNS::Topic", "Properties": {
            "TopicName": {"Fn::Sub": f"{app_name}-${{Stage}}-alarms"}, "Tags": _tags(app_name)}},
        "AlarmEmailSubscription": {"Type": "AWS::SNS::Subscription", "Condition": "HasAlarmEmail", "Properties": {
            "TopicArn": {"Ref": "AlarmTopic"}, "Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}},
    }


def api_throttling() -> dict:
    """Merged into chalice's RestAPI: stage throttling on every method. It caps what the whole
    stage costs (functions, DynamoDB, texts) under a flood from anywhere; who may do how much is
    the application's rate limits' job (domain/rate_limits.py), per address, phone and salon."""
    return {"Properties": {"MethodSettings": [{
        "ResourcePath": "/*", "HttpMethod": "*",
        "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"}, "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"},
    }]}}


def log_group(app_name: str, function: Function) -> dict:
    return {f"{function.logical_id}LogGroup": {"Type": "AWS::Logs::LogGroup", **DELETE, "Properties": {
        "LogGroupName": {"Fn::Sub": f"/aws/lambda/{app_name}-${{Stage}}-{function.name}"},
        "RetentionInDays": {"Ref": "LogRetentionDays"},
    }}}


def function_overrides(function: Function) -> dict:
    """Merged into the function chalice generates (the merge template's values win)."""
    properties = {
        "Runtime": LAMBDA_RUNTIME,
        "Environment": {"Variables": {**{name: value for name, (_, value) in ENVIRONMENT.items()},
                                      **RESOURCE_ENVIRONMENT}},
        "LoggingConfig": {"LogGroup": {"Ref": f"{function.logical_id}LogGroup"}},
    }
    if function.invoked_asynchronously:
        properties["DeadLetterQueue"] = {"Type": "SQS", "TargetArn": {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}}
    if function.creates_topic:
        # A Fn::Sub, like chalice's own value: the deep merge replaces its string (a Ref would be
        # merged next to it), and SAM wants the Topic to be a string or a Sub.
        properties["Events"] = {function.subscription_event: {"Properties": {
            "Topic": {"Fn::Sub": f"${{{function.logical_id}Topic}}"}}}}
    return {"Properties": properties}


def gateway_responses() -> dict:
    """API Gateway's own answers (an unknown path, a throttled request, an error before the function
    runs) carry HSTS like every answer of the function (chalicelib/api/transport.py). Set on chalice's
    RestAPI (SAM's GatewayResponses), so they are part of the API's deployment."""
    from chalicelib.api.transport import HEADER, VALUE

    headers = {"Headers": {HEADER: f"'{VALUE}'"}}  # a static value: quoted, as API Gateway wants
    return {"RestAPI": {"Properties": {"GatewayResponses": {
        kind: {"ResponseParameters": headers} for kind in ("DEFAULT_4XX", "DEFAULT_5XX")}}}}


def _alarm(app_name: str, name: str, description: str, **properties) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": {"Fn::Sub": f"{app_name}-${{Stage}}-{name}"},
        "AlarmDescription": description,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "TreatMissingData": "notBreaching",
        "AlarmActions": [{"Ref": "AlarmTopic"}],
        "OKActions": [{"Ref": "AlarmTopic"}],
        **properties,
    }}


def alarms(app_name: str, config: dict, functions: list[Function]) -> dict:
    from chalicelib.storage import table

    result = {}
    for function in functions:
        if function.invoked_asynchronously:
            result[f"{function.logical_id}ErrorsAlarm"] = _alarm(
                app_name, f"{function.name}-errors",
                f"{function.name} failed (or timed out) in 2 of the last 3 five-minute periods.",
                Namespace="AWS/Lambda", MetricName="Errors",
                Dimensions=[{"Name": "FunctionName", "Value": {"Ref": function.logical_id}}],
                Statistic="Sum", Period=300, EvaluationPeriods=3, DatapointsToAlarm=2, Threshold=1)
    environment = config.get("environment_variables", {})

    def failures_in_the_hour(name: str, metric: str, description: str) -> dict:
        """An alarm on one of the dispatcher's EMF failure counters, summed over the last hour."""
        return _alarm(app_name, name, description, Namespace=environment["POWERTOOLS_METRICS_NAMESPACE"],
                      MetricName=metric, Dimensions=[{"Name": "service",
                                                      "Value": environment["POWERTOOLS_SERVICE_NAME"]}],
                      Statistic="Sum", Period=3600, EvaluationPeriods=1, Threshold={"Ref": "SmsFailedAlarmThreshold"})

    result["SmsFailedAlarm"] = failures_in_the_hour(
        "sms-failed", "SmsFailed", "Texts failed for good (provider refusal, attempts used up, daily caps) in the "
        "last hour: the SmsFailed EMF metric the dispatcher writes.")
    result["MessagesFailedAlarm"] = failures_in_the_hour(
        "messages-failed", "MessagesFailed", "E-mails and WhatsApp messages failed for good on every channel "
        "tried in the last hour: the MessagesFailed EMF metric the dispatcher writes.")
    result["EmailBounceRateAlarm"] = _alarm(
        app_name, "email-bounce-rate",
        "The account's SES bounce rate reached 5% (SES reviews the account there and may pause sending at "
        "10%): check the addresses clients typed and the suppression of bounced ones.",
        Namespace="AWS/SES", MetricName="Reputation.BounceRate", Statistic="Maximum", Period=3600,
        EvaluationPeriods=1, Threshold=SES_BOUNCE_RATE_ALARM)
    metrics, index = [], 0
    for gsi in [None] + list(table.INDEXES):
        dimensions = [{"Name": "TableName", "Value": {"Ref": "Table"}}]
        if gsi:
            dimensions.append({"Name": "GlobalSecondaryIndexName", "Value": gsi})
        for metric in ("ReadThrottleEvents", "WriteThrottleEvents"):
            metrics.append({"Id": f"m{index}", "ReturnData": False, "MetricStat": {
                "Metric": {"Namespace": "AWS/DynamoDB", "MetricName": metric, "Dimensions": dimensions},
                "Period": 300, "Stat": "Sum"}})
            index += 1
    if len(metrics) > 9:
        raise ValueError("a CloudWatch alarm takes at most 10 metrics: split the throttle alarm")
    metrics.append({"Id": "throttles", "Expression": "SUM(METRICS())", "Label": "throttled events",
                    "ReturnData": True})
    result["TableThrottlesAlarm"] = _alarm(
        app_name, "table-throttles", "DynamoDB throttled reads or writes on the table or an index.",
        Metrics=metrics, EvaluationPeriods=1, Threshold=1)
    result["DeadLetterQueueAlarm"] = _alarm(
        app_name, "dead-letters",
        "An asynchronous invocation (schedule or inbound SMS) failed 3 times and was parked in the queue.",
        Namespace="AWS/SQS", MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": {"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}}],
        Statistic="Maximum", Period=300, EvaluationPeriods=1, Threshold=1)
    spend = _alarm(
        app_name, "sms-spend",
        "SNS SMS spending this month passed 80% of SmsMonthlySpendLimit.",
        Metrics=[
            {"Id": "spent", "ReturnData": False, "MetricStat": {
                "Metric": {"Namespace": "AWS/SNS", "MetricName": "SMSMonthToDateSpentUSD"},
                "Period": 3600, "Stat": "Maximum"}},
            {"Id": "percent", "ReturnData": True, "Label": "percent of SmsMonthlySpendLimit",
             "Expression": {"Fn::Sub": "100 * spent / ${SmsMonthlySpendLimit}"}},
        ],
        EvaluationPeriods=1, Threshold=80)
    spend["Condition"] = "SendsWithSns"
    result["SmsSpendAlarm"] = spend
    return result


def outputs(functions: list[Function]) -> dict:
    result = {
        "TableName": {"Value": {"Ref": "Table"}},
        "TableArn": {"Value": {"Fn::GetAtt": ["Table", "Arn"]}},
        "PhotoBucketName": {"Value": {"Ref": "PhotoBucket"}},
        "AlarmTopicArn": {"Value": {"Ref": "AlarmTopic"}},
        "DeadLetterQueueUrl": {"Value": {"Ref": "DeadLetterQueue"}},
        "SessionSecretParameterName": {"Value": {"Ref": "SessionSecretParameterName"}},
    }
    for function in functions:
        if function.creates_topic:
            result[f"{function.logical_id}TopicArn"] = {"Value": {"Ref": f"{function.logical_id}Topic"}}
    return result


def dumps(template: dict) -> str:
    return json.dumps(template, indent=2) + "\n"


def stage_parameters(stage: str) -> dict:
    """The CloudFormation parameters of a stage, from its environment in .chalice/config.json."""
    config = chalice_config()
    if stage not in config["stages"]:
        raise SystemExit(f"No stage {stage!r} in .chalice/config.json")
    env = stage_environment(config, stage)
    values = {parameter: env.get(variable, "") for variable, (parameter, _) in ENVIRONMENT.items()}
    for key, value in values.items():
        if any(c.isspace() for c in value):
            raise SystemExit(f"{key} of stage {stage} contains whitespace")
    return values


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when infra/resources.json is stale")
    parser.add_argument("command", nargs="?", choices=["render", "parameters"], default="render")
    parser.add_argument("stage", nargs="?")
    args = parser.parse_args(argv)
    if args.command == "parameters":
        if not args.stage:
            parser.error("parameters needs a stage")
        for key, value in stage_parameters(args.stage).items():
            print(f"{key}={value}")
        return 0
    text = dumps(render())
    if args.check:
        if not OUTPUT.exists() or OUTPUT.read_text() != text:
            print("infra/resources.json is stale: run .venv/bin/python -m infra.template", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
