"""Utilisation of past months uses the hours that were in force then: a change of the salon's hours
(or of a specialist's) freezes every reported month's open minutes up to the day before, and the
reports page still reads it all with its one Query. On DynamoDB Local, through the owner's JSON."""
from datetime import UTC, datetime

import pytest

from bench.counting import RequestCounter, pynamodb_clients
from chalicelib.services import reports as report_service
from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    NOW,
    own_address,
    pinned_clock,
    signed,
)

pytestmark = pytest.mark.dynamodb_local

WEEKDAYS_9_17 = {d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")}  # 480 minutes a weekday
MORNINGS = {d: ["09:00-13:00"] for d in ("mon", "tue", "wed", "thu", "fri")}  # 240 minutes a weekday


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def open_minutes(repo, salon_id: str) -> dict:
    """month -> {"salon": minutes, staff id: minutes} as the report shows them today."""
    report = report_service.load_report(repo, salon_id, NOW["now"])
    shown = {m.month: {"salon": m.open_minutes} for m in report.salon_line.months}
    for line in report.staff_lines:
        for m in line.months:
            shown[m.month][line.staff.id] = m.open_minutes
    return shown


def test_past_months_keep_the_hours_they_were_open_with(api, repo, salon_id):
    owner = signed(api, salon_id)
    NOW["now"] = at("2025-12-10T10:00+01:00")
    assert owner.json("PATCH", "/v1/admin/settings/hours", {"hours": WEEKDAYS_9_17}).status_code == 200
    NOW["now"] = at("2026-01-15T10:00+01:00")  # a Thursday, in the middle of the history
    assert owner.json("PATCH", "/v1/admin/settings/hours", {"hours": MORNINGS}).status_code == 200
    NOW["now"] = at("2026-02-16T10:00+01:00")  # a Monday: Marco now works Monday to Wednesday only
    marco = {"hours": {d: ["09:00-13:00"] for d in ("mon", "tue", "wed")}}
    assert owner.json("PATCH", "/v1/admin/settings/staff/marco", marco).status_code == 200, "staff hours"
    NOW["now"] = at("2026-03-23T09:00+01:00")

    shown = open_minutes(repo, salon_id)
    # January: 1-14 at 09-17 (10 weekdays x 480), 15-31 mornings only (12 weekdays x 240); each specialist.
    assert shown["2026-01"] == {"salon": 2 * 7680, "giulia": 7680, "marco": 7680}
    # February: mornings (20 weekdays x 240); Marco from the 16th on Monday to Wednesday only (10 + 6 days).
    assert shown["2026-02"] == {"salon": 4800 + 3840, "giulia": 4800, "marco": 3840}
    # March, after every change: today's hours throughout (22 weekdays; Marco 14 of them).
    assert shown["2026-03"] == {"salon": 5280 + 3360, "giulia": 5280, "marco": 3360}
    # Without the frozen months, January would read today's hours: 22 weekdays x 240 each.
    assert shown["2026-01"]["giulia"] != 5280


def test_the_reports_page_still_costs_two_requests(api, repo, salon_id):
    owner = signed(api, salon_id)
    NOW["now"] = at("2026-01-15T10:00+01:00")
    owner.json("PATCH", "/v1/admin/settings/hours", {"hours": MORNINGS})
    NOW["now"] = at("2026-03-23T09:00+01:00")
    counter = RequestCounter()
    for client in pynamodb_clients(repo):
        counter.attach(client)
    with counter.measure() as counted:
        report = report_service.load_report(repo, salon_id, NOW["now"])
    assert counted.total == 2 and dict(counted.calls) == {"Query": 2}
    # January: 1-14 the demo's hours (10 days Tuesday to Saturday x 540), then mornings (12 weekdays x 240).
    assert report.salon_line.months[-3].open_minutes == 2 * (10 * 540 + 12 * 240)


def test_a_second_change_on_the_same_day_leaves_what_was_frozen(api, repo, salon_id):
    owner = signed(api, salon_id)
    NOW["now"] = at("2026-01-15T10:00+01:00")
    owner.json("PATCH", "/v1/admin/settings/hours", {"hours": MORNINGS})
    before = open_minutes(repo, salon_id)
    owner.json("PATCH", "/v1/admin/settings/hours", {"hours": WEEKDAYS_9_17})  # changed again, same day
    after = open_minutes(repo, salon_id)
    assert after["2025-12"] == before["2025-12"]  # frozen with the demo hours by the first change
    assert after["2026-01"]["giulia"] == 10 * 540 + 12 * 480  # 1-14 demo hours; from today, the newest hours
