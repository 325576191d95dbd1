"""`make repair-reports TABLE=... REGION=... [SALON=...] [APPLY=1]`: the repair command's AWS mode,
through its own entry point, on moto's DynamoDB: a dry run by default (prints, changes nothing),
every salon of the table without SALON, corrections only with --apply, texts counters kept, and
a correction never overwrites a counter a booking moved meanwhile."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import boto3
import pytest
from moto import mock_aws

from chalicelib import wiring
from chalicelib.services import booking
from chalicelib.services import reports as report_service
from chalicelib.storage.table import ensure_table
from local import env as local_env
from local.demo import seed
from local.repair_reports import main
from tests.conftest import MONDAY_MORNING

TABLE, REGION = "chairtime-prod", "eu-west-1"
TUESDAY_10 = datetime.combine(date(2026, 3, 24), time(10, 0), ZoneInfo("Europe/Rome")).astimezone(UTC)


@pytest.fixture
def aws_table(monkeypatch):
    """A table on moto in another region than the local default; the environment as the CLI leaves
    it is put back afterwards."""
    with mock_aws():
        local_env.apply("")
        for name in ("TABLE_NAME", "AWS_REGION", "AWS_DEFAULT_REGION"):
            monkeypatch.setenv(name, "unset-by-test")
        monkeypatch.delenv("DYNAMODB_ENDPOINT", raising=False)
        ensure_table(boto3.client("dynamodb", region_name=REGION), TABLE)
        monkeypatch.setenv("TABLE_NAME", TABLE)
        monkeypatch.setenv("AWS_REGION", REGION)
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        wiring.reset()
        repo = wiring.repository()
        for salon_id in ("bella", "demo"):
            seed(repo, salon_id)
            booking.book(repo, booking.BookingRequest(salon_id=salon_id, service_id="haircut", start=TUESDAY_10,
                                                      name="Anna", phone="+39 333 000 0001", staff_id="marco"),
                         MONDAY_MORNING)
        monkeypatch.setenv("TABLE_NAME", "not-this-table")  # the command's --table decides
        yield repo
        wiring.reset()


def counters(repo, salon_id: str) -> dict:
    return repo.report_counters(salon_id, "2026-03", "2026-03")


def test_the_aws_mode_is_a_dry_run_over_every_salon_until_apply(aws_table, capsys):
    repo = aws_table
    repo.set_report_counters("bella", "2026-03", None, {"appointments": 7, "messages_sent": 4}, MONDAY_MORNING)
    before = counters(repo, "bella")
    aws = ["--aws", "--table", TABLE, "--region", REGION]

    assert main(aws) == 1
    printed = capsys.readouterr().out
    assert f"2 salon(s) in table {TABLE} ({REGION}) (dry run)" in printed
    assert "bella 2026-03 salon                appointments           stored        7  recomputed        1" in printed
    assert "equal the recomputation" in printed and "demo" in printed  # the other salon was checked too
    assert "run again with APPLY=1" in printed
    assert counters(repo, "bella") == before  # a dry run writes nothing

    assert main([*aws, "--salon", "bella", "--apply"]) == 1
    assert "corrected" in capsys.readouterr().out
    fixed = counters(repo, "bella")[("2026-03", None)]
    assert fixed["appointments"] == 1 and fixed["messages_sent"] == 4  # the texts' counter is kept
    assert main(aws) == 0
    assert main([*aws, "--salon", "no-such-salon"]) == 2


def test_a_correction_is_not_written_over_a_counter_that_moved_meanwhile(aws_table):
    repo = aws_table
    repo.set_report_counters("bella", "2026-03", None, {"appointments": 7}, MONDAY_MORNING)
    stored = counters(repo, "bella")[("2026-03", None)]
    # A booking lands after the repair read the counters: its ADD must survive the correction.
    booking.book(repo, booking.BookingRequest(salon_id="bella", service_id="haircut", start=TUESDAY_10,
                                              name="Bruno", phone="+39 333 000 0002", staff_id="giulia"),
                 MONDAY_MORNING)
    assert not repo.correct_report_counters("bella", "2026-03", None, stored, {"appointments": 1},
                                            report_service.REPAIRED)
    assert counters(repo, "bella")[("2026-03", None)]["appointments"] == 8  # untouched
    assert report_service.repair(repo, "bella", MONDAY_MORNING, fix=True)  # reads again, then corrects
    assert counters(repo, "bella")[("2026-03", None)]["appointments"] == 2
