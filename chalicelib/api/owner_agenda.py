"""Owner side — Agenda: the day and week per staff, and what can be done to an appointment.

HTML under /owner/..., the same as JSON under /v1/admin/...; every route behind the guard
(chalicelib/auth/guard.py)."""
from chalice import Blueprint

from ..auth.guard import Guard

owner_agenda = Blueprint(__name__)
guard = Guard(owner_agenda)

# Paths of this module's /v1/admin routes for /v1/openapi.json (merged by api/openapi.py).
OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
