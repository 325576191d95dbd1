"""`local.create_salon`: how a salon and its first owner start on a deployed stage (DynamoDB Local)."""
import io
import json
import re
import uuid
from contextlib import redirect_stderr, redirect_stdout
from datetime import time

import pytest

from local import create_salon
from tests.conftest import TEST_TABLE
from tests.owner.test_auth import Browser, new_email, text

pytestmark = pytest.mark.dynamodb_local


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = create_salon.main([*args, "--table", TEST_TABLE])
    return code, out.getvalue(), err.getvalue()


def salon_args(salon_id: str, email: str, *extra: str) -> list[str]:
    return ["--salon", salon_id, "--name", "Studio Bella", "--phone", "+39 06 1234 5678",
            "--timezone", "Europe/Rome", "--country", "it", "--locale", "it", "--currency", "eur",
            "--email", email, *extra]


def new_id() -> str:
    return f"bella-{uuid.uuid4().hex[:8]}"


def test_a_new_salon_and_its_owner_can_be_used_at_once(api, repo, clock):
    salon_id, email = new_id(), new_email("bella")
    code, out, err = run(*salon_args(salon_id, email, "--hours", "tue-fri 09:00-13:00, 14:00-19:00",
                                      "--hours", "Sat 09:00-14:00", "--address", "Via Giulia 1, 00186 Roma"))
    assert (code, err) == (0, "")
    assert f"Salon '{salon_id}' (Studio Bella) created" in out and "open: tue, wed, thu, fri, sat" in out
    salon, catalog = repo.load_salon(salon_id)
    assert (salon.name, salon.timezone, salon.country, salon.locale, salon.currency, salon.address) == (
        "Studio Bella", "Europe/Rome", "IT", "it", "EUR", "Via Giulia 1, 00186 Roma")
    assert [str(r) for r in salon.hours[1]] == ["09:00-13:00", "14:00-19:00"]
    assert salon.hours[5][0].end == time(14, 0) and 0 not in salon.hours and 6 not in salon.hours
    assert catalog.services == () and catalog.staff == ()

    public = api.http.get(f"/v1/salons/{salon_id}")
    assert public.status_code == 200 and json.loads(public.body)["name"] == "Studio Bella"
    password = re.search(r"Password \(shown only now\): (\S+)", out).group(1)
    browser = Browser(api)
    assert browser.sign_in(email, password).status_code == 303
    assert "Studio Bella" in text(browser.get("/owner/settings/salon"))


def test_an_existing_salon_is_never_overwritten(api, repo, clock):
    salon_id = new_id()
    assert run(*salon_args(salon_id, new_email()))[0] == 0
    code, out, err = run("--salon", salon_id, "--name", "Someone Else", "--phone", "+39 06 7654 3210",
                         "--timezone", "Europe/Rome", "--country", "IT", "--email", new_email())
    assert code == 1 and "already a salon" in err and out == ""
    assert repo.load_salon(salon_id)[0].name == "Studio Bella"


def test_wrong_fields_are_named_and_nothing_is_created(api, repo, clock):
    salon_id = new_id()
    code, out, err = run("--salon", salon_id, "--name", "Studio", "--phone", "12", "--timezone", "Mars/Base",
                         "--country", "IT", "--currency", "EURO", "--hours", "mon 19:00-09:00",
                         "--email", new_email())
    assert code == 2 and out == ""
    for flag in ("--timezone:", "--currency:", "--phone:", "--hours (mon):"):
        assert flag in err
    assert repo.load_salon(salon_id) is None
    code, _, err = run(*salon_args("Not An Id!", new_email()))
    assert code == 2 and "--salon:" in err and "lowercase letters" in err


def test_hours_read_day_ranges():
    assert create_salon.hours_fields(["mon-wed 09:00-13:00", "fri 10:00-12:00, 15:00-18:00"]) == {
        "hours_mon": "09:00-13:00", "hours_tue": "09:00-13:00", "hours_wed": "09:00-13:00",
        "hours_fri": "10:00-12:00, 15:00-18:00"}
    for wrong in ("sat-mon 09:00-12:00", "someday 09:00-12:00", "09:00-12:00"):
        with pytest.raises(SystemExit, match="--hours"):
            create_salon.hours_fields([wrong])
