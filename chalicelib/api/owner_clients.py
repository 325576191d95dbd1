"""Owner side — Clients: search, the client file, access changes, exports and erasure.

HTML under /owner/..., the same as JSON under /v1/admin/...; every route behind the guard
(chalicelib/auth/guard.py)."""
from chalice import Blueprint

from ..auth.guard import Guard

owner_clients = Blueprint(__name__)
guard = Guard(owner_clients)

# Paths of this module's /v1/admin routes for /v1/openapi.json (merged by api/openapi.py).
OPENAPI_PATHS: dict = {}
OPENAPI_SCHEMAS: dict = {}
