"""Request validation: every kind of bad input becomes InvalidRequest with a usable message."""
from datetime import date, datetime

import pytest

from chalicelib.api.schema import AVAILABILITY_QUERY, BOOKING_REQUEST, validate
from chalicelib.domain.errors import InvalidRequest

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
