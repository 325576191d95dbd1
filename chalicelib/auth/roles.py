"""Who may do what on the owner side: a pure permission matrix, no I/O.

Three roles per salon. The owner does everything; the front desk runs the day (agenda, clients,
waitlist, messages) but not the salon's settings, its users, the audit log or exports; a staff
member sees their own agenda and their own clients, and the clients' private notes only when the
salon allows it (a salon-level flag, passed in as `staff_notes`). Unknown roles and permissions
are refused: the matrix fails closed.
"""

OWNER = "owner"
FRONT_DESK = "front_desk"
STAFF = "staff"
ROLES = (OWNER, FRONT_DESK, STAFF)

AGENDA_ALL = "agenda_all"  # every specialist's agenda
AGENDA_OWN = "agenda_own"  # the agenda of the user's own staff member
CLIENTS = "clients"  # every client file
CLIENTS_OWN = "clients_own"  # clients the user's staff member has served or will serve
CLIENT_NOTES = "client_notes"  # private notes on client files
WAITLIST = "waitlist"
MESSAGES = "messages"
SETTINGS = "settings"  # hours, services, staff, policies
USERS = "users"  # accounts and roles
AUDIT = "audit"
EXPORTS = "exports"
REPORTS = "reports"  # the salon's monthly figures
PERMISSIONS = (AGENDA_ALL, AGENDA_OWN, CLIENTS, CLIENTS_OWN, CLIENT_NOTES, WAITLIST, MESSAGES, SETTINGS, USERS,
               AUDIT, EXPORTS, REPORTS)

_FRONT_DESK = frozenset({AGENDA_ALL, AGENDA_OWN, CLIENTS, CLIENTS_OWN, CLIENT_NOTES, WAITLIST, MESSAGES, REPORTS})
MATRIX: dict[str, frozenset[str]] = {
    OWNER: frozenset(PERMISSIONS),
    FRONT_DESK: _FRONT_DESK,
    STAFF: frozenset({AGENDA_OWN, CLIENTS_OWN}),
}

LABELS = {OWNER: "Owner", FRONT_DESK: "Front desk", STAFF: "Staff"}


def can(role: str, permission: str, *, staff_notes: bool = False) -> bool:
    """True when `role` holds `permission`. `staff_notes`: the salon lets staff read private notes."""
    if role == STAFF and permission == CLIENT_NOTES:
        return staff_notes
    return permission in MATRIX.get(role, frozenset())


def is_role(value: str) -> bool:
    return value in MATRIX
