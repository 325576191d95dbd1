"""The owner's money settings: a service's deposit (none / fixed / percent) and the salon's
deposit expiry and card-on-file rule, by form and by JSON."""
import pytest

from tests.owner.test_settings import field_error, form_of, own_address, pinned_clock, signed  # noqa: F401

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def deposit_of(api, salon_id, service_id):
    services = api.http.get(f"/v1/salons/{salon_id}/services").json_body["services"]
    return next(s for s in services if s.get("id") == service_id).get("deposit")


def test_a_service_asks_a_fixed_or_a_percent_deposit_or_none(api, owner, repo, salon_id):
    page = owner.get("/owner/settings/services/color")
    values = {**form_of(page), "deposit_kind": "fixed", "deposit_value": "15.50"}
    assert owner.submit("/owner/settings/services/color", **values).status_code == 303
    assert deposit_of(api, salon_id, "color") == {"amount": "15.50", "currency": "EUR"}
    values = {**values, "deposit_kind": "percent", "deposit_value": "30"}
    assert owner.submit("/owner/settings/services/color", **values).status_code == 303
    assert deposit_of(api, salon_id, "color") == {"amount": "16.50", "currency": "EUR"}  # 30% of 55.00
    assert form_of(owner.get("/owner/settings/services/color"))["deposit_kind"] == "percent"
    values = {**values, "deposit_kind": "none"}
    assert owner.submit("/owner/settings/services/color", **values).status_code == 303
    assert deposit_of(api, salon_id, "color") is None


@pytest.mark.parametrize(("kind", "value", "problem"), [("percent", "150", "from 1 to 100"),
                                                       ("fixed", "", "Enter the deposit"),
                                                       ("fixed", "-3", "negative")])
def test_impossible_deposits_are_refused(owner, kind, value, problem):
    values = {**form_of(owner.get("/owner/settings/services/color")), "deposit_kind": kind, "deposit_value": value}
    response = owner.submit("/owner/settings/services/color", **values)
    assert response.status_code == 400 and problem in field_error(response, "deposit_value")


def test_the_salon_sets_the_deposit_expiry_and_the_card_rule(owner, repo, salon_id):
    values = {**form_of(owner.get("/owner/settings/policies")), "deposit_expiry_minutes": "30",
              "card_on_file": "after_warning"}
    assert owner.submit("/owner/settings/policies", **values).status_code == 303
    policy = repo.load_salon(salon_id)[0].policy
    assert policy.deposit_expiry_minutes == 30 and policy.card_on_file.value == "after_warning"
    as_json = owner.json("GET", "/v1/admin/settings").json_body
    assert as_json["policies"]["deposit_expiry_minutes"] == 30
    assert as_json["policies"]["card_on_file"] == "after_warning"
    facial = next(s for s in as_json["services"] if s["id"] == "facial")
    assert (facial["deposit_kind"], facial["deposit_value"]) == ("fixed", "20.00")
