"""The owner side's permission matrix, every role against every permission."""
import pytest

from chalicelib.auth import roles

EXPECTED = {
    roles.OWNER: set(roles.PERMISSIONS),
    roles.FRONT_DESK: {roles.AGENDA_ALL, roles.AGENDA_OWN, roles.CLIENTS, roles.CLIENTS_OWN, roles.CLIENT_NOTES,
                       roles.WAITLIST, roles.MESSAGES, roles.REPORTS},
    roles.STAFF: {roles.AGENDA_OWN, roles.CLIENTS_OWN},
}


@pytest.mark.parametrize("role", roles.ROLES)
@pytest.mark.parametrize("permission", roles.PERMISSIONS)
def test_matrix(role, permission):
    assert roles.can(role, permission) is (permission in EXPECTED[role])


def test_front_desk_never_touches_settings_users_audit_or_exports():
    for permission in (roles.SETTINGS, roles.USERS, roles.AUDIT, roles.EXPORTS):
        assert not roles.can(roles.FRONT_DESK, permission)


def test_staff_read_private_notes_only_when_the_salon_allows_it():
    assert not roles.can(roles.STAFF, roles.CLIENT_NOTES)
    assert roles.can(roles.STAFF, roles.CLIENT_NOTES, staff_notes=True)
    # The flag widens nothing else, and takes nothing from the others.
    assert not roles.can(roles.STAFF, roles.CLIENTS, staff_notes=True)
    assert roles.can(roles.FRONT_DESK, roles.CLIENT_NOTES, staff_notes=False)
    assert roles.can(roles.OWNER, roles.CLIENT_NOTES, staff_notes=False)


def test_unknown_roles_and_permissions_are_refused():
    assert not roles.can("admin", roles.AGENDA_OWN)
    assert not roles.can("", roles.AGENDA_OWN)
    assert not roles.can(roles.OWNER, "delete_everything")
    assert not roles.is_role("admin") and all(roles.is_role(r) for r in roles.ROLES)


def test_every_role_has_a_label():
    assert set(roles.LABELS) == set(roles.ROLES)
