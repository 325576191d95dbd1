"""An owner's SMS caps stay under the platform's ceiling (config)."""
import pytest

from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    field_error,
    form_of,
    own_address,
    pinned_clock,
    signed,
)

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


@pytest.fixture
def ceilings(config_with):
    """The platform's config with a ceiling of 8 texts per phone and 400 per salon a day."""
    config_with(sms_phone_daily_ceiling=8, sms_salon_daily_ceiling=400)


def test_the_ceilings_are_read_from_the_environment():
    from chalicelib.config import Config

    cfg = Config.from_env({"SMS_PHONE_DAILY_CEILING": "8", "SMS_SALON_DAILY_CEILING": "400"})
    assert (cfg.sms_phone_daily_ceiling, cfg.sms_salon_daily_ceiling) == (8, 400)
    assert (Config.from_env({}).sms_phone_daily_ceiling, Config.from_env({}).sms_salon_daily_ceiling) == (20, 2000)


@pytest.mark.parametrize("field, value, problem", [
    ("phone_daily_cap", "9", "At most 8 texts to one phone a day"),
    ("salon_daily_cap", "401", "At most 400 texts a day per salon"),
])
def test_a_cap_above_the_platform_ceiling_is_refused_beside_the_field(owner, repo, salon_id, ceilings, field,
                                                                      value, problem):
    values = {**form_of(owner.get("/owner/settings/policies")), field: value}
    response = owner.submit("/owner/settings/policies", **values)
    assert response.status_code == 400 and problem in field_error(response, field)
    policy = repo.load_salon(salon_id)[0].policy
    assert (policy.phone_daily_cap, policy.salon_daily_cap) == (6, 300)


def test_caps_up_to_the_ceiling_are_saved_through_the_json_twin(owner, repo, salon_id, ceilings):
    answer = owner.json("PATCH", "/v1/admin/settings/policies", {"phone_daily_cap": 8, "salon_daily_cap": 400})
    assert answer.status_code == 200, answer.json_body
    policy = repo.load_salon(salon_id)[0].policy
    assert (policy.phone_daily_cap, policy.salon_daily_cap) == (8, 400)
    refused = owner.json("PATCH", "/v1/admin/settings/policies", {"salon_daily_cap": 401})
    assert refused.status_code == 400
    assert repo.load_salon(salon_id)[0].policy.salon_daily_cap == 400
