"""Request validation: every kind of bad input becomes InvalidRequest with a usable message."""
import json
from datetime import date, datetime

import pytest

from chalicelib.api.http import parse_json
from chalicelib.api.schema import AVAILABILITY_QUERY, BOOKING_REQUEST, validate
from chalicelib.domain.errors import InvalidPhone, InvalidRequest

GOOD = {"service_id": "color", "start": "2026-03-24T10:00:00+01:00", "client": {"name": "Anna", "phone": "3331234567"}}


def test_a_good_request_is_parsed():
    parsed = validate(GOOD, BOOKING_REQUEST)
    assert isinstance(parsed["start"], datetime) and parsed["start"].utcoffset().total_seconds() == 3600
    assert parsed["client"] == {"name": "Anna", "phone": "3331234567"}


@pytest.mark.parametrize(("body", "fragment"), [
    ([], "expected an object"),
    ({**GOOD, "price": 0}, "Unknown field price"),
    ({**GOOD, "client": {**GOOD["client"], "vip": True}}, "Unknown field client.vip"),
    ({k: v for k, v in GOOD.items() if k != "start"}, "start is required"),
    ({**GOOD, "client": {"name": "Anna"}}, "client.phone is required"),
    ({**GOOD, "service_id": 7}, "service_id: expected a string"),
    ({**GOOD, "service_id": True}, "service_id: expected a string"),
    ({**GOOD, "start": "2026-02-30T10:00:00+01:00"}, "not a date and time"),
    ({**GOOD, "start": "2026-03-24T10:00:00"}, "include the UTC offset"),
    ({**GOOD, "notes": "x" * 501}, "too long"),
    ({**GOOD, "client": {**GOOD["client"], "name": ""}}, "must not be empty"),
    ({**GOOD, "client": {**GOOD["client"], "email": "not-an-email"}}, "not an e-mail"),
    ({**GOOD, "service_id": "../../etc"}, "letters, digits"),
])
def test_bad_bodies_are_refused_with_a_message_naming_the_field(body, fragment):
    with pytest.raises(InvalidRequest) as error:
        validate(body, BOOKING_REQUEST)
    assert fragment in error.value.message


def test_dates_must_be_real_calendar_dates():
    query = {"service_id": "color", "date_from": "2026-03-24", "date_to": "2026-03-31"}
    assert validate(query, AVAILABILITY_QUERY)["date_to"] == date(2026, 3, 31)
    for bad in ("2026-13-01", "2026-3-1", "tomorrow", "2026-03-24T00:00"):
        with pytest.raises(InvalidRequest):
            validate({**query, "date_from": bad}, AVAILABILITY_QUERY)


@pytest.mark.parametrize("value", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_dates_outside_the_apps_calendar_are_refused(value):
    query = {"service_id": "color", "date_from": value, "date_to": "2026-03-31"}
    with pytest.raises(InvalidRequest, match="between 2000-01-01 and 2100-12-31"):
        validate(query, AVAILABILITY_QUERY)


@pytest.mark.parametrize("start", ["9999-12-31T23:59:00+14:00", "9999-12-31T23:59:00-14:00",
                                   "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00-14:00"])
def test_instants_at_the_ends_of_the_calendar_are_refused_before_any_conversion(start):
    with pytest.raises(InvalidRequest, match="start must be between"):
        validate({**GOOD, "start": start}, BOOKING_REQUEST)


@pytest.mark.parametrize("phone", ["12", "", "x" * 33, 12, None, ["+39 333 123 4567"]])
def test_every_unusable_phone_is_invalid_phone(phone):
    body = {**GOOD, "client": {"name": "Anna", "phone": phone}}
    with pytest.raises(InvalidRequest if phone is None else InvalidPhone):
        validate(body, BOOKING_REQUEST)


@pytest.mark.parametrize("raw", ["[" * 33 + "]" * 33, '{"a":' * 33 + "1" + "}" * 33, "[" * 10_000])
def test_json_nested_deeper_than_the_limit_is_refused_before_parsing(raw):
    with pytest.raises(InvalidRequest, match="nested too deeply"):
        parse_json(raw.encode())


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps({"notes": "[" * 100 + '\\"{' * 50, "list": [[1]]})
    assert parse_json(text.encode()) == json.loads(text)
    assert parse_json(("[" * 32 + "]" * 32).encode()) is not None
