"""Users and roles, and the audit log, on DynamoDB Local with real sessions (the authorization
matrix of these routes is in test_settings.py)."""
import re
from datetime import timedelta

import pytest

from chalicelib import auth
from chalicelib.auth import roles
from tests.owner.test_auth import PASSWORD, Browser, make_user, new_email, text
from tests.owner.test_settings import (  # noqa: F401 - autouse fixtures
    NOW,
    audit,
    error_of,
    field_error,
    own_address,
    pinned_clock,
    signed,
)

pytestmark = pytest.mark.dynamodb_local


@pytest.fixture
def owner(api, salon_id):
    return signed(api, salon_id)


def shown_password(response) -> str:
    match = re.search(r'<p class="secret">([^<]+)</p>', text(response))
    assert match, text(response)
    return match.group(1)


def user_id_of(email: str) -> str:
    return auth.accounts().get_user(email).id


def test_the_list_shows_the_salons_users_with_their_roles(owner, salon_id):
    auth.create_user(auth.accounts(), salon_id, new_email("giulia"), PASSWORD,
                     roles.STAFF, NOW["now"], name="Giulia R", staff_id="giulia")
    page = text(owner.get("/owner/users"))
    assert owner.user.email in page and "Giulia R" in page and "Staff (Giulia)" in page and "Owner" in page


def test_inviting_a_user_shows_the_password_once_and_it_signs_in(api, owner, salon_id):
    email = new_email("desk")
    response = owner.submit("/owner/users", email=email.upper(), name="Desk", role=roles.FRONT_DESK, staff_id="")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = shown_password(response)
    assert re.fullmatch(r"[a-z2-9]{5}(-[a-z2-9]{5}){3}", password)
    user = auth.accounts().get_user(email)
    assert user.role == roles.FRONT_DESK and user.name == "Desk" and user.salon_id == salon_id
    assert password not in text(owner.get(f"/owner/users/{user.id}"))  # never shown again
    assert Browser(api).sign_in(email, password).status_code == 303
    [created] = [e for e in audit(salon_id, "user_created") if e.target == f"user:{user.id}"]
    assert created.actor_user_id == owner.user.id and created.target == f"user:{user.id}"
    assert password not in str(created.details) and password not in str(audit(salon_id))


@pytest.mark.parametrize("values, field, problem", [
    ({"email": "not-an-email", "role": roles.FRONT_DESK}, "email", "not an email"),
    ({"email": "x@example.com", "role": "boss"}, "role", "Choose one of"),
    ({"email": "x@example.com", "role": roles.STAFF, "staff_id": ""}, "staff_id", "staff member"),
    ({"email": "x@example.com", "role": roles.STAFF, "staff_id": "nobody"}, "staff_id", "staff member"),
])
def test_bad_invitations_are_refused_beside_the_field(owner, values, field, problem):
    response = owner.submit("/owner/users", name="X", **values)
    assert response.status_code == 400 and problem in field_error(response, field)


def test_an_email_that_has_an_account_anywhere_is_refused(owner, salon_id):
    response = owner.submit("/owner/users", email=owner.user.email, role=roles.FRONT_DESK)
    assert response.status_code == 400 and "already has" in field_error(response, "email")


def test_a_changed_role_applies_to_the_users_next_request(api, owner, salon_id):
    other = signed(api, salon_id, roles.OWNER)
    assert other.get("/owner/settings").status_code == 200
    response = owner.submit(f"/owner/users/{other.user.id}/role", role=roles.FRONT_DESK)
    assert response.status_code == 303 and response.headers["Location"].endswith("?done=role")
    assert other.get("/owner/settings").status_code == 403  # same session, new role
    assert other.get("/owner/messages").status_code == 200
    [entry] = audit(salon_id, "user_role_changed")
    assert entry.details == {"email": other.user.email, "changes": {"role": "owner → front_desk"}}
    to_staff = owner.submit(f"/owner/users/{other.user.id}/role", role=roles.STAFF, staff_id="marco")
    assert to_staff.status_code == 303
    assert auth.accounts().get_user(other.user.email).staff_id == "marco"
    assert other.get("/owner/messages").status_code == 403


def test_a_disabled_users_session_stops_working_and_enabling_does_not_revive_it(api, owner, salon_id):
    desk = signed(api, salon_id, roles.FRONT_DESK)
    assert desk.get("/owner/messages").status_code == 200
    response = owner.submit(f"/owner/users/{desk.user.id}/active", active="0")
    assert response.status_code == 303 and response.headers["Location"].endswith("?done=disabled")
    assert desk.get("/owner/messages").headers["Location"].startswith("/owner/login")
    assert Browser(api).sign_in(desk.user.email).status_code == 401  # nor can they sign in again
    assert owner.submit(f"/owner/users/{desk.user.id}/active", active="1").status_code == 303
    assert desk.get("/owner/messages").status_code == 303  # the old session stays dead
    assert Browser(api).sign_in(desk.user.email).status_code == 303
    assert [e.action for e in audit(salon_id) if e.action.startswith("user_")].count("user_disabled") == 1


def test_the_last_owner_can_neither_step_down_nor_be_disabled(api, owner, salon_id):
    me = owner.user.id
    demote = owner.submit(f"/owner/users/{me}/role", role=roles.FRONT_DESK)
    assert demote.status_code == 409 and "needs an active owner" in text(demote)
    disable = owner.submit(f"/owner/users/{me}/active", active="0")
    assert disable.status_code == 409
    patch = owner.json("PATCH", f"/v1/admin/users/{me}", {"active": False})
    assert patch.status_code == 409 and error_of(patch)["code"] == "last_owner"
    assert auth.accounts().get_user(owner.user.email).role == roles.OWNER and owner.get("/owner").status_code == 200
    # A disabled second owner does not count; an active one does.
    second = signed(api, salon_id, roles.OWNER)
    owner.submit(f"/owner/users/{second.user.id}/active", active="0")
    assert owner.submit(f"/owner/users/{me}/role", role=roles.FRONT_DESK).status_code == 409
    owner.submit(f"/owner/users/{second.user.id}/active", active="1")
    assert owner.submit(f"/owner/users/{me}/role", role=roles.FRONT_DESK).status_code == 303
    assert owner.get("/owner/users").status_code == 403  # stepped down: no longer manages users
    assert second.get("/owner/users").status_code == 303  # disabled once: its old session ended


def test_a_change_that_counts_on_another_owner_fails_if_that_owner_just_stepped_down(repo, salon_id):
    from chalicelib.storage.errors import OwnerChanged
    from chalicelib.storage.settings_store import OWNER_ROLE

    assert OWNER_ROLE == roles.OWNER
    anna, bea = (make_user(salon_id, roles.OWNER) for _ in range(2))
    assert repo.update_user(salon_id, bea.email, role=roles.FRONT_DESK)  # Bea steps down first...
    with pytest.raises(OwnerChanged):  # ...so Anna, who read the list before that, cannot too
        repo.update_user(salon_id, anna.email, role=roles.FRONT_DESK, keep_owner=bea.email)
    assert auth.accounts().get_user(anna.email).role == roles.OWNER
    assert repo.update_user(salon_id, "nobody@example.com", active=False, keep_owner=anna.email) is False


def test_two_owners_demoting_each_other_at_once_leave_one_owner(repo, salon_id):
    """Both read the user list (two owners) before either writes: one change commits, the other
    is refused with last_owner."""
    import threading
    from types import SimpleNamespace

    from chalicelib.domain.errors import IllegalTransition
    from chalicelib.services.owner import users as owner_users

    anna, bea = (make_user(salon_id, roles.OWNER) for _ in range(2))
    both_read = threading.Barrier(2, timeout=30)

    class ReadThenWait:
        """Accounts whose user-list read waits for the other thread's, so both decide on the same list
        before either writes."""

        def __init__(self, accounts):
            self._accounts = accounts

        def __getattr__(self, name):
            return getattr(self._accounts, name)

        def users_of_salon(self, salon):
            users = self._accounts.users_of_salon(salon)
            both_read.wait()
            return users

    outcomes = {}

    def demote(me, other):
        who = SimpleNamespace(salon_id=salon_id, user_id=me.id)
        try:
            owner_users.change_role(repo, ReadThenWait(auth.accounts()), who, other.id,
                                    {"role": roles.FRONT_DESK}, NOW["now"])
            outcomes[me.email] = "done"
        except IllegalTransition as error:
            outcomes[me.email] = error.code

    threads = [threading.Thread(target=demote, args=pair) for pair in ((anna, bea), (bea, anna))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes.values()) == ["done", "last_owner"]
    owners = [u for u in (auth.accounts().get_user(anna.email), auth.accounts().get_user(bea.email))
              if u.role == roles.OWNER]
    assert len(owners) == 1


def test_a_reset_password_is_shown_once_and_ends_the_users_sessions(api, owner, salon_id):
    desk = signed(api, salon_id, roles.FRONT_DESK)
    response = owner.submit(f"/owner/users/{desk.user.id}/password")
    assert response.status_code == 200
    password = shown_password(response)
    assert desk.get("/owner/messages").status_code == 303
    assert Browser(api).sign_in(desk.user.email, PASSWORD).status_code == 401
    assert Browser(api).sign_in(desk.user.email, password).status_code == 303
    [entry] = audit(salon_id, "user_password_reset")
    assert entry.details == {"email": desk.user.email}


def test_users_as_json(api, owner, salon_id):
    me = owner.json("GET", "/v1/admin/me").json_body
    assert me == {"id": owner.user.id, "email": owner.user.email, "name": "", "role": "owner", "staff_id": None,
                  "salon": salon_id, "csrf_token": owner.csrf}
    email = new_email("json")
    created = owner.json("POST", "/v1/admin/users", {"email": email, "role": "staff", "staff_id": "giulia"})
    assert created.status_code == 201 and created.json_body["user"]["staff_id"] == "giulia"
    user_id, password = created.json_body["user"]["id"], created.json_body["password"]
    assert Browser(api).sign_in(email, password).status_code == 303
    assert user_id in [u["id"] for u in owner.json("GET", "/v1/admin/users").json_body["users"]]
    changed = owner.json("PATCH", f"/v1/admin/users/{user_id}", {"role": "front_desk", "active": False})
    assert changed.json_body["role"] == "front_desk" and changed.json_body["staff_id"] is None
    assert changed.json_body["active"] is False
    bad = owner.json("PATCH", f"/v1/admin/users/{user_id}", {"role": "staff", "staff_id": "ghost"})
    assert bad.status_code == 400 and "staff_id" in error_of(bad)["fields"]
    reset = owner.json("POST", f"/v1/admin/users/{user_id}/password")
    assert reset.status_code == 200 and reset.json_body["password"] != password


# --- the audit log ------------------------------------------------------------------------------------

def test_the_audit_log_is_newest_first_and_pages_back(api, owner, salon_id):
    accounts = auth.accounts()
    for n in range(35):
        NOW["now"] += timedelta(minutes=1)
        accounts.record_audit(salon_id, owner.user.id, "settings_changed", "settings:booking",
                              {"section": "booking", "changes": {"slot_minutes": f"{n} → {n + 1}"}}, NOW["now"])
    first = owner.json("GET", "/v1/admin/audit").json_body
    assert len(first["entries"]) == 30 and first["entries"][0]["details"]["changes"]["slot_minutes"] == "34 → 35"
    second = owner.json("GET", f"/v1/admin/audit?before={first['next_before']}").json_body
    seen = [e["id"] for e in first["entries"] + second["entries"]]
    assert len(seen) == len(set(seen)) == len(audit(salon_id))  # nothing twice, nothing lost
    assert second["next_before"] is None
    page = owner.get("/owner/audit")
    assert "Start times every (minutes)" in text(page) and "34 → 35" in text(page) and "Older entries" in text(page)
    older = owner.get("/owner/audit?before=" + first["next_before"])
    assert "0 → 1" in text(older) and "34 → 35" not in text(older)
    bad = owner.json("GET", "/v1/admin/audit?before=yesterday")
    assert bad.status_code == 400 and error_of(bad)["code"] == "invalid_request"
