"""The deployment, proven offline: the template `make package` produces, without the wheels.

Once per session each stage is packaged the way `make package` does it (infra/package.py: the
staged project, `chalice package --merge-template infra/resources.json`) but without vendor/, so
no pip and no network: a few seconds. The merged SAM template is what these tests read.
"""
import json
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.storage import table
from infra import package, policies, template

ROOT = template.ROOT
CONFIG = template.chalice_config()
STAGES = sorted(CONFIG["stages"])
LINT_REGIONS = ["eu-west-1", "eu-south-1"]  # docs/deploy.md: Ireland, or Milan for data kept in Italy

# Variables chalicelib/config.py reads that a deployed stage must NOT set, and why.
NOT_SET_ON_AWS = {
    "AWS_REGION": "Lambda sets it (a reserved name)",
    "AWS_DEFAULT_REGION": "Lambda sets it (a reserved name)",
    "DYNAMODB_ENDPOINT": "DynamoDB Local only: on AWS it would point the app at nothing",
    "SESSION_SECRET": "local stack and tests only: AWS reads SESSION_SECRET_PARAMETER from SSM",
    "STRIPE_SECRET_KEY": "tests only: AWS reads STRIPE_SECRET_KEY_PARAMETER from SSM",
    "STRIPE_WEBHOOK_SECRET": "tests only: AWS reads STRIPE_WEBHOOK_SECRET_PARAMETER from SSM",
    "STRIPE_API_BASE": "tests only: a localstripe server",
    "LOCAL_PAYMENT_SECRET": "local stack and tests only: the local payment provider's signing secret",
    "PHOTO_DIR": "local stack only: on AWS record photos go to PHOTO_BUCKET",
}
# Actions that have no resource to name (a phone number is not an ARN; an origination identity
# may be shared from another account), so `"Resource": "*"` is the only way to grant them.
RESOURCELESS_ACTIONS = {"sns:Publish", "sns:CheckIfPhoneNumberIsOptedOut", "sms-voice:SendTextMessage"}


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> dict[str, dict]:
    """stage -> the merged template (sam.json), packaged without dependencies."""
    templates = {}
    for stage in STAGES:
        base = tmp_path_factory.mktemp(f"package-{stage}")
        package.stage_project(stage, base / "build", with_dependencies=False, log=lambda *_: None)
        sam = package.chalice_package(base / "build", stage, base / "out", region="eu-west-1")
        templates[stage] = json.loads(sam.read_text())
    return templates


def resources_of(sam: dict, kind: str) -> dict:
    return {name: r for name, r in sam["Resources"].items() if r.get("Type") == kind}


def functions(sam: dict) -> dict:
    return resources_of(sam, "AWS::Serverless::Function")


def stage_env(stage: str) -> dict:
    return template.stage_environment(CONFIG, stage)


# --- the rendered file and the template as a whole ---------------------------------------------

def test_resources_json_is_what_template_py_renders():
    assert template.OUTPUT.read_text() == template.dumps(template.render()), (
        "infra/resources.json is stale: run .venv/bin/python -m infra.template")


@pytest.mark.parametrize("stage", STAGES)
def test_the_merged_template_passes_cfn_lint(packaged, stage):
    from cfnlint.api import ManualArgs, lint

    matches = lint(json.dumps(packaged[stage]), config=ManualArgs(regions=LINT_REGIONS, include_checks=["I"]))
    assert [f"{m.rule.id} {m.message} ({'/'.join(map(str, m.path))})" for m in matches] == []


@pytest.mark.parametrize("stage", STAGES)
def test_every_merged_resource_is_complete(packaged, stage):
    """A merge entry whose name chalice does not generate would be a resource without a Type."""
    assert [name for name, r in packaged[stage]["Resources"].items() if "Type" not in r] == []


# --- the table ----------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", STAGES)
def test_the_table_is_table_definition(packaged, stage):
    resource = packaged[stage]["Resources"]["Table"]
    props = resource["Properties"]
    expected = table.table_definition(stage_env(stage)["TABLE_NAME"])
    assert resource["Type"] == "AWS::DynamoDB::Table"
    assert props["KeySchema"] == expected["KeySchema"]
    assert props["AttributeDefinitions"] == expected["AttributeDefinitions"]
    assert props["GlobalSecondaryIndexes"] == expected["GlobalSecondaryIndexes"]
    assert [g["IndexName"] for g in props["GlobalSecondaryIndexes"]] == list(table.INDEXES)
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["TimeToLiveSpecification"] == {"AttributeName": table.TTL_ATTRIBUTE, "Enabled": True}
    assert props["TableName"] == {"Ref": "TableName"}


@pytest.mark.parametrize("stage", STAGES)
def test_the_table_is_protected(packaged, stage):
    resource = packaged[stage]["Resources"]["Table"]
    props = resource["Properties"]
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["DeletionProtectionEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"


# --- least privilege ----------------------------------------------------------------------------

def function_config(stage: str, function: str) -> dict:
    return CONFIG["stages"][stage]["lambda_functions"][function]


def policy_file(stage: str, function: str) -> dict:
    return json.loads((ROOT / ".chalice" / function_config(stage, function)["iam_policy_file"]).read_text())


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def granted(stage: str, function: str) -> set[str]:
    return {a for s in policy_file(stage, function)["Statement"] for a in as_list(s["Action"])}


FUNCTION_NAMES = [f.name for f in template.app_functions()]
# What AWS itself needs of a function's role, which the code does not call: its logs, and the
# dead-letter queue Lambda sends a failed asynchronous event to.
PLATFORM_ACTIONS = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage"}


def test_the_policy_files_are_what_infra_policies_renders():
    assert policies.stale() == [], "run .venv/bin/python -m infra.policies"


@pytest.mark.parametrize("stage", STAGES)
def test_every_function_runs_with_a_role_and_a_policy_file_of_its_own(packaged, stage):
    """autogen_policy is off: each role chalice generates carries its function's file, nothing else."""
    assert CONFIG["stages"][stage]["autogen_policy"] is False
    assert "iam_policy_file" not in CONFIG["stages"][stage], "a stage-wide file would be every function's"
    roles = resources_of(packaged[stage], "AWS::IAM::Role")
    by_function = {template.Function(f.name, f.trigger).logical_id: f.name for f in template.app_functions()}
    used = []
    for name, function in functions(packaged[stage]).items():
        role = function["Properties"]["Role"]["Fn::GetAtt"][0]
        policies_of_role = roles[role]["Properties"]["Policies"]
        chalice_name = by_function[name]
        assert function_config(stage, chalice_name)["iam_policy_file"] == policies.file_name(stage, chalice_name)
        assert [p["PolicyDocument"] for p in policies_of_role] == [policy_file(stage, chalice_name)], name
        assert "ManagedPolicyArns" not in roles[role]["Properties"], name
        used.append(role)
    assert len(set(used)) == len(used) == len(FUNCTION_NAMES), "one role per function"


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_the_policy_has_no_wildcard_action_and_touches_only_the_stage_resources(stage, function):
    env = stage_env(stage)
    table_arn = f"arn:aws:dynamodb:*:*:table/{env['TABLE_NAME']}"
    secret_arn = f"arn:aws:ssm:*:*:parameter/{env['SESSION_SECRET_PARAMETER'].lstrip('/')}"
    stripe_arns = sorted(f"arn:aws:ssm:*:*:parameter/{env[name].lstrip('/')}"
                         for name in ("STRIPE_SECRET_KEY_PARAMETER", "STRIPE_WEBHOOK_SECRET_PARAMETER"))
    for statement in policy_file(stage, function)["Statement"]:
        assert statement["Effect"] == "Allow"
        assert "NotAction" not in statement and "NotResource" not in statement
        actions, resources = as_list(statement["Action"]), as_list(statement["Resource"])
        assert all("*" not in action for action in actions), statement
        if "*" in resources:
            assert set(actions) <= RESOURCELESS_ACTIONS, statement
        if any(a.startswith("dynamodb:") for a in actions):
            assert all(a.startswith("dynamodb:") for a in actions)
            assert sorted(resources) == sorted([table_arn, f"{table_arn}/index/*"])
        if any(a.startswith("ssm:") for a in actions):
            assert actions == ["ssm:GetParameter"] and sorted(resources) in ([secret_arn], stripe_arns)
        if any(a.startswith("sms-voice:") for a in actions):
            assert all(r.startswith("arn:aws:sms-voice:") for r in resources), statement
        if any(a.startswith("sqs:") for a in actions):
            assert actions == ["sqs:SendMessage"]
            assert resources == [f"arn:aws:sqs:*:*:{CONFIG['app_name']}-{stage}-dead-letters"]
        if any(a.startswith("logs:") for a in actions):
            assert all(f":log-group:/aws/lambda/{CONFIG['app_name']}-{stage}" in r for r in resources)
            assert any(r.endswith(f"-{function}:*") for r in resources)


def test_the_code_reading_finds_the_calls_that_matter():
    """The reading itself (tests/infra/aws_calls.py), on call sites that are known to exist: a
    transaction's condition check (settings store), texts sent by the dispatcher and, in the API,
    only by the two routes that send a client's sign-in code, the session secret read only by the
    API, and a route area the API loads by name."""
    from tests.infra.aws_calls import program

    code = program()
    needs = code.needs()
    assert set(needs) == set(FUNCTION_NAMES)
    assert code.transaction_methods["check"] == "condition_check"
    assert "dynamodb:ConditionCheckItem" in needs["api_handler"]
    sending = ("sns:", "sms-voice:")
    for function in ("dispatch_outbox", "api_handler"):
        assert {"sns:Publish", "sms-voice:SendTextMessage"} <= needs[function], function
    for function in set(FUNCTION_NAMES) - {"dispatch_outbox", "api_handler"}:
        assert not {a for a in needs[function] if a.startswith(sending)}, function
    # the session secret (API) and the payment provider's keys (API, and the offers sweep that expires checkouts)
    assert {f for f, actions in needs.items() if "ssm:GetParameter" in actions} == {"api_handler",
                                                                                   "sweep_waitlist_offers"}
    entries = code.lambda_entries()["api_handler"]
    reached = code.reachable(entries)
    assert ("chalicelib.storage.settings_store", "SettingsStore") in reached
    # The API reaches a sender only through the sign-in code routes: without them, no text.
    sender = ("chalicelib.wiring", "current_sender")
    sign_in_routes = {("chalicelib.api.client_area.pages", "my_send_code"),
                      ("chalicelib.api.client_area.api", "request_sign_in_code")}
    assert {key for key in reached if sender in code.nodes[key].refs} == sign_in_routes
    without, todo = set(), list(entries)
    while todo:
        key = todo.pop()
        if key not in without and key in code.nodes and key not in sign_in_routes:
            without.add(key)
            todo.extend(code.nodes[key].refs)
    assert ("chalicelib.messaging.sns", "SnsSender") in reached
    assert ("chalicelib.messaging.sns", "SnsSender") not in without
    assert not {a for a in code.actions(without) if a.startswith(sending)}


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("function", FUNCTION_NAMES)
def test_each_function_is_granted_what_its_code_can_call_and_nothing_else(stage, function):
    from tests.infra.aws_calls import program

    needed = program().needs()[function]
    assert needed - granted(stage, function) == set(), f"{function} calls what its policy does not grant"
    assert granted(stage, function) - needed - PLATFORM_ACTIONS == set(), f"{function} is granted what it never calls"


@pytest.mark.parametrize("stage", STAGES)
def test_only_the_asynchronous_functions_may_write_to_the_dead_letter_queue(stage):
    for function in template.app_functions():
        assert ("sqs:SendMessage" in granted(stage, function.name)) == function.invoked_asynchronously, function


# --- configuration --------------------------------------------------------------------------------

def variables_config_py_reads() -> set[str]:
    source = (ROOT / "chalicelib" / "config.py").read_text()
    return set(re.findall(r"""env\.get\(\s*["']([A-Z0-9_]+)["']""", source))


def test_config_py_is_read_the_way_this_test_expects():
    assert {"TABLE_NAME", "SMS_PROVIDER", "SESSION_SECRET_PARAMETER"} <= variables_config_py_reads()


@pytest.mark.parametrize("stage", STAGES)
def test_every_variable_config_py_reads_is_set_per_stage(packaged, stage):
    env = stage_env(stage)
    for name in sorted(variables_config_py_reads()):
        if name in NOT_SET_ON_AWS:
            assert name not in env, f"{name} must not be set on AWS: {NOT_SET_ON_AWS[name]}"
        else:
            assert name in env, f"{name} is not set for stage {stage} in .chalice/config.json"
    assert env["STAGE"] == stage
    for name in ("POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"):
        assert env[name]
    for function_name, function in functions(packaged[stage]).items():
        variables = function["Properties"]["Environment"]["Variables"]
        missing = {n for n in env if n not in variables}
        assert missing == set(), f"{function_name} lacks {missing}"
        for value in variables.values():
            if isinstance(value, dict):  # a parameter or the table: it must exist in the template
                target = value["Ref"]
                assert target in packaged[stage]["Parameters"] or target in packaged[stage]["Resources"]


@pytest.mark.parametrize("stage", STAGES)
def test_the_parameter_file_carries_the_stage_config_and_satisfies_the_rules(packaged, stage):
    values = template.stage_parameters(stage)
    env = stage_env(stage)
    for variable, (parameter, _) in template.ENVIRONMENT.items():
        assert values[parameter] == env[variable]
    sam = packaged[stage]
    required = {name for name, p in sam["Parameters"].items() if "Default" not in p}
    assert required <= values.keys(), "a deploy with the file alone must not miss a parameter"
    given = {name: p.get("Default") for name, p in sam["Parameters"].items()} | values
    names_rule = sam["Rules"]["NamesMatchTheStage"]["Assertions"][0]["Assert"]
    assert evaluate(names_rule, given)
    other = next((s for s in STAGES if s != stage), None)
    if other:  # the other stage's table under this stage's policy is refused
        assert not evaluate(names_rule, given | {"TableName": stage_env(other)["TABLE_NAME"]})


def evaluate(expression, parameters: dict):
    """The few intrinsic functions CloudFormation Rules use here."""
    if not isinstance(expression, dict):
        return expression
    (function, argument), = expression.items()
    if function == "Ref":
        return parameters[argument]
    if function == "Fn::Equals":
        return evaluate(argument[0], parameters) == evaluate(argument[1], parameters)
    if function == "Fn::And":
        return all(evaluate(a, parameters) for a in argument)
    if function == "Fn::Or":
        return any(evaluate(a, parameters) for a in argument)
    if function == "Fn::Not":
        return not evaluate(argument[0], parameters)
    raise AssertionError(f"unexpected {function}")


def test_sending_texts_without_a_public_base_url_is_refused(packaged):
    rule = packaged[STAGES[0]]["Rules"]["TextsNeedAPublicBaseUrl"]
    applies, holds = rule["RuleCondition"], rule["Assertions"][0]["Assert"]
    assert evaluate(applies, {"SmsProvider": "eum"}) and not evaluate(holds, {"PublicBaseUrl": ""})
    assert not evaluate(applies, {"SmsProvider": "local"})


def test_sending_with_end_user_messaging_needs_an_origination_identity(packaged):
    rule = packaged[STAGES[0]]["Rules"]["EndUserMessagingNeedsAnOriginationIdentity"]
    applies, holds = rule["RuleCondition"], rule["Assertions"][0]["Assert"]
    assert evaluate(applies, {"SmsProvider": "eum"}) and not evaluate(holds, {"SmsOriginationIdentity": ""})
    assert evaluate(holds, {"SmsOriginationIdentity": "pool-0123456789abcdef"})
    assert not evaluate(applies, {"SmsProvider": "sns"}) and not evaluate(applies, {"SmsProvider": "local"})


@pytest.mark.parametrize("stage", STAGES)
def test_memory_timeouts_and_runtime(packaged, stage):
    from chalicelib.domain.outbox import LEASE

    fns = functions(packaged[stage])
    api = fns["APIHandler"]["Properties"]
    assert api["MemorySize"] == 512  # Argon2 hashing wants memory (and the CPU that comes with it)
    assert api["Timeout"] <= 30  # API Gateway gives up after 29 s
    for name, function in fns.items():
        props = function["Properties"]
        assert props["Runtime"] == template.LAMBDA_RUNTIME, name
        if name != "APIHandler":
            assert props["MemorySize"] < api["MemorySize"], name
    assert fns["DispatchOutbox"]["Properties"]["Timeout"] < LEASE / timedelta(seconds=1), (
        "a dispatcher must end before the lease of the message it claimed")


@pytest.mark.parametrize("stage", STAGES)
def test_the_api_stage_is_throttled(packaged, stage):
    from chalicelib.domain import rate_limits

    sam = packaged[stage]
    api = sam["Resources"]["RestAPI"]["Properties"]
    assert api["StageName"] and api["DefinitionBody"]["paths"]  # chalice's own properties survive the merge
    assert api["MethodSettings"] == [{
        "ResourcePath": "/*", "HttpMethod": "*",
        "ThrottlingRateLimit": {"Ref": "ApiThrottleRate"}, "ThrottlingBurstLimit": {"Ref": "ApiThrottleBurst"}}]
    rate, burst = (sam["Parameters"][name]["Default"] for name in ("ApiThrottleRate", "ApiThrottleBurst"))
    assert burst >= 30  # thirty clients racing for one slot pass the gateway and get the app's answer
    per_address_minute = next(limit.max for limit in rate_limits.PUBLIC_WRITE.limits
                              if limit.scope == rate_limits.ADDRESS and limit.window == rate_limits.MINUTE)
    assert rate * 60 > per_address_minute  # the gateway stops floods, not what one address may do
    assert rate <= 1000 and burst <= 2000  # well under the account's 10,000/s, shared by every API in it


def test_the_wheelhouse_targets_the_runtime():
    assert package.PYTHON_VERSION == template.LAMBDA_RUNTIME.removeprefix("python")
    assert "boto3" not in package.requirement_names() and "botocore" not in package.requirement_names()


# --- triggers, queue, alarms ----------------------------------------------------------------------

@pytest.mark.parametrize("stage", STAGES)
def test_the_schedules_and_the_sns_subscription_are_in_the_template(packaged, stage):
    from app import app

    fns = functions(packaged[stage])
    resources = packaged[stage]["Resources"]
    for source in app.event_sources:
        logical = template.Function(source.name, "schedule").logical_id
        events = fns[logical]["Properties"]["Events"]
        if hasattr(source, "schedule_expression"):
            (event,) = events.values()
            assert event["Type"] == "Schedule"
            assert event["Properties"]["Schedule"] == source.schedule_expression.to_string()
        else:  # on_sns_message: the topic of that name is created here, and subscribed to
            event = events[template.Function(source.name, "sns", source.topic).subscription_event]
            assert event == {"Type": "SNS", "Properties": {"Topic": {"Fn::Sub": f"${{{logical}Topic}}"}}}
            topic = resources[f"{logical}Topic"]
            assert topic["Type"] == "AWS::SNS::Topic" and topic["Properties"]["TopicName"] == source.topic
            statement = resources[f"{logical}TopicPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
            assert statement["Principal"] == {"Service": template.PUBLISHERS[source.name][0]}
            assert statement["Action"] == "sns:Publish"
        assert fns[logical]["Properties"]["DeadLetterQueue"]["TargetArn"] == {
            "Fn::GetAtt": ["DeadLetterQueue", "Arn"]}
    assert len(app.event_sources) == len(fns) - 1  # and the API


@pytest.mark.parametrize("stage", STAGES)
def test_the_inbound_topics_are_encrypted_with_a_key_only_their_publishers_may_use(packaged, stage):
    """SMS replies, e-mail and WhatsApp events carry phone numbers, addresses and what clients
    wrote. The AWS managed SNS key cannot be used (its policy cannot admit the publishing
    services), so the topics share one customer managed key (one key: $1 a month)."""
    from app import app

    resources = packaged[stage]["Resources"]
    topics = [name for name, r in resources_of(packaged[stage], "AWS::SNS::Topic").items() if name != "AlarmTopic"]
    assert topics
    publishers = {template.PUBLISHERS[s.name] for s in app.event_sources if hasattr(s, "topic")}
    assert {resources[t]["Properties"]["KmsMasterKeyId"]["Ref"] for t in topics} == {template.TOPIC_KEY}
    key = resources[template.TOPIC_KEY]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    statements = {s["Sid"]: s for s in key["Properties"]["KeyPolicy"]["Statement"]}
    for service, source, _, sid in publishers:
        publishes = statements[sid]
        assert publishes["Principal"] == {"Service": service}
        assert sorted(publishes["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
        assert publishes["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
        assert publishes["Condition"]["ArnLike"]["aws:SourceArn"] == {"Fn::Sub": f"arn:${{AWS::Partition}}:{source}"}
    admin = statements["AccountAdministers"]
    assert admin["Principal"] == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}
    # no other principal may use the key
    assert {json.dumps(s["Principal"], sort_keys=True) for s in statements.values()} == {
        json.dumps(admin["Principal"], sort_keys=True),
        *(json.dumps({"Service": service}, sort_keys=True) for service, *_ in publishers)}


@pytest.mark.parametrize("stage", STAGES)
def test_every_email_names_the_stacks_configuration_set_and_its_events_reach_the_email_handler(packaged, stage):
    resources = packaged[stage]["Resources"]
    config_set = resources["EmailConfigurationSet"]
    assert config_set["Type"] == "AWS::SES::ConfigurationSet"
    assert config_set["Properties"]["Name"] == {"Ref": "SesConfigurationSetName"}
    assert config_set["Properties"]["ReputationOptions"] == {"ReputationMetricsEnabled": True}
    assert template.stage_parameters(stage)["SesConfigurationSetName"] == stage_env(stage)["SES_CONFIGURATION_SET"]
    for function in functions(packaged[stage]).values():
        assert function["Properties"]["Environment"]["Variables"]["SES_CONFIGURATION_SET"] == {
            "Ref": "EmailConfigurationSet"}
    handles_events = any(f.name == "email_events" for f in template.app_functions())
    assert ("EmailEventDestination" in resources) == handles_events
    if handles_events:
        destination = resources["EmailEventDestination"]["Properties"]["EventDestination"]
        assert {"BOUNCE", "COMPLAINT"} <= set(destination["MatchingEventTypes"])
        assert destination["SnsDestination"]["TopicARN"] == {"Ref": "EmailEventsTopic"}


def test_the_email_and_whatsapp_event_handlers_get_their_topics_when_app_py_declares_them():
    source = ("from chalice import Chalice\napp = Chalice('x')\n"
              "@app.on_sns_message(topic='chairtime-email-events')\ndef email_events(e): pass\n"
              "@app.on_sns_message(topic='chairtime-whatsapp-events')\ndef whatsapp_events(e): pass\n")
    declared = template.app_functions(source)
    resources = {}
    for function in declared:
        resources.update(template.inbound_topic("chairtime", function))
    resources.update(template.topic_key("chairtime", [template.publisher(f) for f in declared]))
    resources.update(template.email_configuration_set("chairtime", declared))
    principals = {r["Properties"]["PolicyDocument"]["Statement"][0]["Principal"]["Service"]
                  for name, r in resources.items() if name.endswith("TopicPolicy")}
    assert principals == {"ses.amazonaws.com", "social-messaging.amazonaws.com"}
    assert resources["EmailEventDestination"]["Properties"]["EventDestination"]["SnsDestination"] == {
        "TopicARN": {"Ref": "EmailEventsTopic"}}
    with pytest.raises(ValueError, match="PUBLISHERS"):
        template.publisher(template.Function("other_events", "sns", "chairtime-other"))


@pytest.mark.parametrize("stage", STAGES)
def test_api_gateways_own_answers_carry_hsts_too(packaged, stage):
    """A 403 for an unknown path or a throttled 429 never reaches the function's middleware."""
    from chalicelib.api.transport import HEADER, VALUE

    api = packaged[stage]["Resources"]["RestAPI"]
    assert api["Type"] == "AWS::Serverless::Api"
    responses = api["Properties"]["GatewayResponses"]
    assert set(responses) == {"DEFAULT_4XX", "DEFAULT_5XX"}
    for response in responses.values():
        assert response["ResponseParameters"]["Headers"] == {HEADER: f"'{VALUE}'"}


def test_the_sms_alarm_watches_the_metric_the_code_writes():
    observability = pytest.importorskip("chalicelib.observability")
    env = CONFIG["environment_variables"]
    assert getattr(observability, "NAMESPACE", env["POWERTOOLS_METRICS_NAMESPACE"]) == env[
        "POWERTOOLS_METRICS_NAMESPACE"]
    assert getattr(observability, "SERVICE", env["POWERTOOLS_SERVICE_NAME"]) == env["POWERTOOLS_SERVICE_NAME"]
    dispatch = (ROOT / "chalicelib" / "services" / "dispatch.py").read_text()
    assert '"SmsFailed"' in dispatch and '"MessagesFailed"' in dispatch


def test_a_trigger_the_generator_cannot_wire_stops_it():
    source = "from chalice import Chalice\napp = Chalice('x')\n@app.on_sqs_message(queue='q')\ndef f(e): pass\n"
    with pytest.raises(ValueError, match="on_sqs_message"):
        template.app_functions(source)


def test_app_py_is_read_like_chalice_reads_it():
    from app import app

    parsed = {(f.name, f.trigger, f.topic) for f in template.app_functions() if f.trigger != "api"}
    actual = {(s.name, "sns" if hasattr(s, "topic") else "schedule", getattr(s, "topic", None))
              for s in app.event_sources}
    assert parsed == actual


@pytest.mark.parametrize("stage", STAGES)
def test_the_alarms(packaged, stage):
    resources = packaged[stage]["Resources"]
    alarms = resources_of(packaged[stage], "AWS::CloudWatch::Alarm")
    dispatcher = alarms["DispatchOutboxErrorsAlarm"]["Properties"]
    assert (dispatcher["Namespace"], dispatcher["MetricName"]) == ("AWS/Lambda", "Errors")
    assert dispatcher["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "DispatchOutbox"}}]
    sms = alarms["SmsFailedAlarm"]["Properties"]
    env = stage_env(stage)
    assert (sms["Namespace"], sms["MetricName"]) == (env["POWERTOOLS_METRICS_NAMESPACE"], "SmsFailed")
    assert sms["Dimensions"] == [{"Name": "service", "Value": env["POWERTOOLS_SERVICE_NAME"]}]
    watched = [q["MetricStat"]["Metric"] for q in alarms["TableThrottlesAlarm"]["Properties"]["Metrics"]
               if "MetricStat" in q]
    indexes = {d["Value"] for m in watched for d in m["Dimensions"] if d["Name"] == "GlobalSecondaryIndexName"}
    assert indexes == set(table.INDEXES)
    assert alarms["SmsSpendAlarm"]["Condition"] == "SendsWithSns"
    failed = alarms["MessagesFailedAlarm"]["Properties"]
    assert (failed["Namespace"], failed["MetricName"]) == (env["POWERTOOLS_METRICS_NAMESPACE"], "MessagesFailed")
    bounces = alarms["EmailBounceRateAlarm"]["Properties"]
    assert (bounces["Namespace"], bounces["MetricName"], bounces["Threshold"]) == (
        "AWS/SES", "Reputation.BounceRate", 0.05)
    for name, alarm in alarms.items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
    assert resources["AlarmEmailSubscription"]["Condition"] == "HasAlarmEmail"


# --- packaging --------------------------------------------------------------------------------------

def write_dist(vendor: Path, name: str, requires: list[str], files: list[str]) -> None:
    info = vendor / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    lines = [f"Name: {name}", "Version: 1.0"] + [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(lines) + "\n")
    for relative in files:
        (vendor / relative).parent.mkdir(parents=True, exist_ok=True)
        (vendor / relative).write_text("x")
    (info / "RECORD").write_text("".join(f"{f},," + "\n" for f in files + [f"{info.name}/METADATA"]))


def test_what_the_lambda_runtime_provides_is_not_bundled(tmp_path):
    vendor = tmp_path / "vendor"
    write_dist(vendor, "pynamodb", ["botocore>=1.12", "typing-extensions"], ["pynamodb/__init__.py"])
    write_dist(vendor, "botocore", ["urllib3<3", "python-dateutil", "jmespath"], ["botocore/__init__.py"])
    write_dist(vendor, "urllib3", [], ["urllib3/__init__.py"])
    write_dist(vendor, "python-dateutil", ["six"], ["dateutil/__init__.py"])
    write_dist(vendor, "six", [], ["six.py"])
    write_dist(vendor, "jmespath", [], ["jmespath/__init__.py"])  # powertools needs it too: kept
    write_dist(vendor, "aws-lambda-powertools", ["jmespath", 'boto3; extra == "aws-sdk"'],
               ["aws_lambda_powertools/__init__.py"])
    write_dist(vendor, "typing_extensions", [], ["typing_extensions.py"])
    dropped = package.drop_runtime_provided(vendor, ["pynamodb", "aws-lambda-powertools"])
    assert dropped == ["botocore 1.0", "python-dateutil 1.0", "six 1.0", "urllib3 1.0"]
    left = sorted(p.relative_to(vendor).as_posix() for p in vendor.rglob("*.py"))
    assert left == ["aws_lambda_powertools/__init__.py", "jmespath/__init__.py", "pynamodb/__init__.py",
                    "typing_extensions.py"]
    with pytest.raises(SystemExit, match="babel"):
        package.drop_runtime_provided(vendor, ["pynamodb", "babel"])


def test_packaging_keeps_only_the_supported_babel_locales(tmp_path):
    from chalicelib.domain.salon import SUPPORTED_LOCALES
    from infra.package import prune_babel_locales

    data = tmp_path / "babel" / "locale-data"
    data.mkdir(parents=True)
    names = ["root", *SUPPORTED_LOCALES, "de", "fr", "it_CH", "pt_PT", "en_GB", "zh_Hant"]
    for name in names:
        (data / f"{name}.dat").write_bytes(b"x")
    (data / "LICENSE.unicode").write_text("kept")
    assert prune_babel_locales(tmp_path) == 6
    assert sorted(p.stem for p in data.glob("*.dat")) == sorted(["root", *SUPPORTED_LOCALES])
    assert (data / "LICENSE.unicode").exists()


def test_packaging_drops_the_phone_lookups_the_code_never_uses(tmp_path):
    from infra.package import prune_phone_lookups

    root = tmp_path / "phonenumbers"
    for folder in ("data", "shortdata", "geodata", "carrierdata", "tzdata"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    for module in ("__init__", "phonenumberutil", "geocoder", "carrier", "timezone"):
        (root / f"{module}.py").write_text("")
    assert prune_phone_lookups(tmp_path) == ["geocoder", "carrier", "timezone"]
    assert sorted(p.name for p in root.iterdir()) == ["__init__.py", "data", "phonenumberutil.py", "shortdata"]


def test_the_code_uses_no_phone_lookup_the_package_drops():
    from infra.package import PHONE_LOOKUPS

    sources = [p for folder in ("chalicelib", "app.py") for p in
               ((ROOT / folder).rglob("*.py") if (ROOT / folder).is_dir() else [ROOT / folder])]
    uses = [(p.name, name) for p in sources for name in PHONE_LOOKUPS
            if f"phonenumbers.{name}" in p.read_text() or f"phonenumbers import {name}" in p.read_text()]
    assert sources and uses == []


def test_the_stripe_sdk_without_its_typing_packages_still_does_what_the_provider_asks(tmp_path):
    """The pinned SDK, pruned as the package prunes it, in a fresh interpreter: it imports, a v1
    webhook event is verified and parsed, and a request is built; what went fails only if used."""
    import subprocess
    import sys

    import stripe

    from infra.package import prune_stripe_typing

    shutil.copytree(Path(stripe.__file__).parent, tmp_path / "stripe", ignore=shutil.ignore_patterns("__pycache__"))
    assert prune_stripe_typing(tmp_path) == ["params", "events"]
    assert sorted(p.name for p in (tmp_path / "stripe" / "params").iterdir()) == ["__init__.py"]
    script = """
import hashlib, hmac, json, time
import stripe
assert stripe.__file__.startswith(%r), stripe.__file__
payload = json.dumps({"id": "evt_1", "object": "event", "type": "checkout.session.completed",
                      "data": {"object": {"id": "cs_1", "object": "checkout.session", "metadata": {"a": "b"}}}})
stamp = int(time.time())
signature = hmac.new(b"whsec_x", f"{stamp}.{payload}".encode(), hashlib.sha256).hexdigest()
event = stripe.Webhook.construct_event(payload, f"t={stamp},v1={signature}", "whsec_x")
assert type(event.data.object).__name__ == "Session" and event.data.object.metadata["a"] == "b"
client = stripe.StripeClient("sk_test_x", base_addresses={"api": "http://127.0.0.1:9"})
assert client.v1.checkout.sessions and client.v1.payment_intents and client.v1.refunds
try:
    from stripe.params._refund_create_params import RefundCreateParams  # noqa: F401
except ImportError:
    print("typing gone")
"""
    ran = subprocess.run([sys.executable, "-c", script % str(tmp_path)], env={"PYTHONPATH": str(tmp_path)},
                         capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "typing gone"


def test_vendored_modules_ship_as_bytecode_alone_and_chalice_keeps_its_sources(tmp_path):
    from infra.package import vendor_without_sources

    for folder in ("jinja2", "chalice"):
        (tmp_path / folder / "__pycache__").mkdir(parents=True)
        (tmp_path / folder / "__init__.py").write_text("")
        (tmp_path / folder / "__pycache__" / "__init__.cpython-313.pyc").write_bytes(b"code")
    (tmp_path / "jinja2" / "notes.txt").write_text("data stays")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "app.cpython-313.pyc").write_bytes(b"code")  # app.py itself is outside vendor/
    assert vendor_without_sources(tmp_path) == 1
    assert sorted(p.name for p in (tmp_path / "jinja2").iterdir()) == ["__init__.pyc", "notes.txt"]
    assert (tmp_path / "chalice" / "__init__.py").exists()
    assert (tmp_path / "chalice" / "__pycache__" / "__init__.cpython-313.pyc").exists()
    assert (tmp_path / "__pycache__" / "app.cpython-313.pyc").exists()
