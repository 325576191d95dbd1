"""Renders each Lambda function's IAM policy: `.chalice/policy-<stage>-<function>.json`.

    .venv/bin/python -m infra.policies            # write the files
    .venv/bin/python -m infra.policies --check    # exit 1 when a committed file is stale

Every function has a role of its own (`autogen_policy: false` and, per function in
.chalice/config.json, `iam_policy_file`), holding only what that function calls. GRANTS below says
what each one gets; tests/infra reads the code to find what each function can call
(tests/infra/aws_calls.py) and fails when a grant is missing or more than it needs.

The files are static JSON because `chalice deploy` reads them too: a table, parameter or queue is
named by the stage's name, the region and account are `*` (the template's Rules refuse a deploy
whose names are not the stage's).
"""
import argparse
import json
import sys

from . import template

ROOT = template.ROOT
CHALICE = ROOT / ".chalice"

# Item actions; TransactWriteItems is not an IAM action: each part of a transaction needs its own
# (a Put, an Update, a Delete, a ConditionCheck).
TABLE_ACTIONS = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:PutItem",
                 "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem"]
# The jobs run on the public repository (storage/repository.py), whose transactions check no item
# without writing it: only the owner side's stores use a ConditionCheck.
JOB_TABLE_ACTIONS = [action for action in TABLE_ACTIONS if action != "dynamodb:ConditionCheckItem"]
# What End User Messaging checks a SendTextMessage against: the origination identity (phone
# number, pool or sender id), the configuration set and the opt-out list. All are resources of
# the sms-voice service, so sending is limited to them (not to any resource of any service).
SMS_VOICE_SEND_RESOURCES = ["phone-number/*", "pool/*", "sender-id/*", "configuration-set/*", "opt-out-list/*"]

# chalice's function name -> the statements it gets besides writing its own logs.
GRANTS = {
    # The API sends one text itself: the client's sign-in code, asked for a second ago (see
    # docs/decisions.md); every other text leaves through the dispatcher.
    # Record photos (owner side): upload forms, view links, listing and erasure, all on the API.
    "api_handler": ("table", "session_secret", "sms", "stripe_secrets", "photos"),
    "dispatch_outbox": ("job_table", "sms", "email", "whatsapp", "dead_letters"),
    "sweep_appointments": ("job_table", "dead_letters"),
    "sweep_waitlist_offers": ("job_table", "stripe_secrets", "dead_letters"),
    "inbound_sms": ("job_table", "dead_letters"),
    # The inbound side's handlers of SES and WhatsApp events (app.py, when they are declared).
    "email_events": ("job_table", "dead_letters"),
    "whatsapp_events": ("job_table", "dead_letters"),
}


def file_name(stage: str, function: str) -> str:
    return f"policy-{stage}-{function}.json"


def _statements(kind: str, app_name: str, env: dict) -> list[dict]:
    table = f"arn:aws:dynamodb:*:*:table/{env['TABLE_NAME']}"
    if kind in ("table", "job_table"):
        actions = TABLE_ACTIONS if kind == "table" else JOB_TABLE_ACTIONS
        return [{"Sid": "TableItems", "Effect": "Allow", "Action": actions,
                 "Resource": [table, f"{table}/index/*"]}]
    if kind == "session_secret":
        return [{"Sid": "SessionSecret", "Effect": "Allow", "Action": "ssm:GetParameter",
                 "Resource": f"arn:aws:ssm:*:*:parameter/{env['SESSION_SECRET_PARAMETER'].lstrip('/')}"}]
    if kind == "stripe_secrets":  # the payment provider's keys (chalicelib/payments/factory.py)
        return [{"Sid": "StripeSecrets", "Effect": "Allow", "Action": "ssm:GetParameter",
                 "Resource": [f"arn:aws:ssm:*:*:parameter/{env[name].lstrip('/')}"
                              for name in ("STRIPE_SECRET_KEY_PARAMETER", "STRIPE_WEBHOOK_SECRET_PARAMETER")]}]
    if kind == "sms":
        return [
            # Publish with PhoneNumber has no resource (a phone number is not an ARN): SNS wants "*".
            {"Sid": "SmsViaSns", "Effect": "Allow",
             "Action": ["sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut"], "Resource": "*"},
            {"Sid": "SmsViaEndUserMessaging", "Effect": "Allow", "Action": "sms-voice:SendTextMessage",
             "Resource": [f"arn:aws:sms-voice:*:*:{resource}" for resource in SMS_VOICE_SEND_RESOURCES]},
            {"Sid": "CarrierOptOutList", "Effect": "Allow", "Action": "sms-voice:DescribeOptedOutNumbers",
             "Resource": "arn:aws:sms-voice:*:*:opt-out-list/*"},
        ]
    if kind == "email":
        # SES v2 SendEmail is authorized on the sending identity and on the configuration set it names.
        return [{"Sid": "EmailViaSes", "Effect": "Allow", "Action": "ses:SendEmail",
                 "Resource": ["arn:aws:ses:*:*:identity/*",
                              f"arn:aws:ses:*:*:configuration-set/{env['SES_CONFIGURATION_SET']}"]}]
    if kind == "whatsapp":
        return [{"Sid": "WhatsAppViaEndUserMessagingSocial", "Effect": "Allow",
                 "Action": "social-messaging:SendWhatsAppMessage",
                 "Resource": "arn:aws:social-messaging:*:*:phone-number-id/*"}]
    if kind == "photos":
        # The stage's photo bucket (infra/template.py names it `<app>-<stage>-photos-<account>-<region>`),
        # and in it only the records' prefix.
        bucket = f"arn:aws:s3:::{app_name}-{env['STAGE']}-photos-*"
        return [
            {"Sid": "RecordPhotos", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"],
             "Resource": f"{bucket}/records/*"},
            {"Sid": "RecordPhotoListing", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket,
             "Condition": {"StringLike": {"s3:prefix": "records/*"}}},
        ]
    if kind == "dead_letters":
        return [{"Sid": "DeadLetters", "Effect": "Allow", "Action": "sqs:SendMessage",
                 "Resource": f"arn:aws:sqs:*:*:{app_name}-{env['STAGE']}-dead-letters"}]
    raise ValueError(f"unknown grant {kind!r}")


def log_groups(app_name: str, stage: str, function: str) -> list[str]:
    """The function's own log group: /aws/lambda/<app>-<stage>-<function> (the template's
    LoggingConfig); `chalice deploy` names the API's function <app>-<stage>."""
    names = [f"{app_name}-{stage}-{function}"]
    if function == "api_handler":
        names.insert(0, f"{app_name}-{stage}")
    return [f"arn:aws:logs:*:*:log-group:/aws/lambda/{name}:*" for name in names]


def policy(config: dict, stage: str, function: str) -> dict:
    if function not in GRANTS:
        raise ValueError(f"{function} has no entry in infra/policies.py GRANTS: say what it may call")
    app_name, env = config["app_name"], template.stage_environment(config, stage)
    statements = [s for kind in GRANTS[function] for s in _statements(kind, app_name, env)]
    statements.append({"Sid": "Logs", "Effect": "Allow",
                       "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                       "Resource": log_groups(app_name, stage, function)})
    return {"Version": "2012-10-17", "Statement": statements}


def render() -> dict[str, str]:
    """file name -> its text, for every stage and every function chalice packages."""
    config = template.chalice_config()
    files = {}
    for stage in sorted(config["stages"]):
        for function in template.app_functions():
            files[file_name(stage, function.name)] = json.dumps(policy(config, stage, function.name), indent=2) + "\n"
    return files


def stale() -> list[str]:
    return [name for name, text in render().items()
            if not (CHALICE / name).exists() or (CHALICE / name).read_text() != text]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when a policy file is stale")
    args = parser.parse_args(argv)
    if args.check:
        if names := stale():
            print(f"stale: {', '.join(names)}: run .venv/bin/python -m infra.policies", file=sys.stderr)
            return 1
        return 0
    for name, text in render().items():
        (CHALICE / name).write_text(text)
        print(f"wrote .chalice/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
