"""app.py declares every route from chalicelib/api/declared_routes.py and loads an area's module on
its first request (chalicelib/api/lazy.py). Each check runs in a fresh interpreter: what a module
import loads is process-wide, and these tests are about exactly that."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_declared_routes_match_what_the_area_modules_declare():
    done = subprocess.run([sys.executable, "-m", "chalicelib.api.lazy", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_importing_the_app_loads_no_view_and_no_database_client():
    loaded = _run("""
import json, sys
import app
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in
      ("chalicelib", "pynamodb", "botocore", "boto3", "jinja2", "babel", "phonenumbers", "argon2"))))
""")
    assert loaded == ["chalicelib", "chalicelib.api", "chalicelib.api.declared_routes", "chalicelib.api.errors",
                      "chalicelib.api.lazy", "chalicelib.domain", "chalicelib.domain.errors",
                      "chalicelib.domain.text", "chalicelib.domain.values"]  # domain.text imports nothing


def test_each_area_loads_on_its_first_request_and_answers_as_before():
    seen = _run("""
import json, sys
from chalice.test import Client
import app

OWNER_STORAGE = ("chalicelib.storage.owner_repository", "chalicelib.storage.accounts",
                 "chalicelib.storage.agenda_store", "chalicelib.storage.clients_store",
                 "chalicelib.storage.settings_store")

def state():
    return {"areas": sorted(app.areas.loaded), "owner_code": "chalicelib.auth" in sys.modules,
            "owner_storage": sorted(m for m in OWNER_STORAGE if m in sys.modules)}

with Client(app.app) as client:
    before = state()
    unknown = client.http.get("/v1/salons/not%20a%20salon")
    after_public = state()
    again = client.http.get("/v1/salons/not%20a%20salon")
    owner = client.http.get("/owner/agenda")
    after_owner = state()
    wrong_type = client.http.post("/owner/agenda/book", body="{}", headers={"Content-Type": "application/json"})
print(json.dumps({"before": before, "after_public": after_public, "after_owner": after_owner,
                  "unknown": [unknown.status_code, json.loads(unknown.body)],
                  "again": again.status_code, "owner": [owner.status_code, owner.headers.get("Location")],
                  "wrong_type": [wrong_type.status_code, json.loads(wrong_type.body)]}))
""")
    assert seen["before"] == {"areas": [], "owner_code": False, "owner_storage": []}
    assert seen["unknown"][0] == 404 and seen["unknown"][1]["error"]["code"] == "salon_not_found"
    # A client's first request reads the salon through the public repository: no owner store, no
    # accounts model is imported (they are the owner side's cold start, not a client's).
    assert seen["after_public"] == {"areas": ["public"], "owner_code": False, "owner_storage": []}
    assert seen["again"] == 404
    assert seen["owner"] == [303, "/owner/login?next=%2Fowner%2Fagenda"]
    assert seen["after_owner"]["areas"] == ["owner_agenda", "public"] and seen["after_owner"]["owner_code"]
    # Chalice still refuses a content type the route does not declare, before the area's view runs.
    assert seen["wrong_type"][0] == 415 and seen["wrong_type"][1]["error"]["code"] == "unsupported_media_type"


def test_every_declared_route_reaches_a_view_of_its_area():
    missing = _run("""
import json
import app
from chalicelib.api.declared_routes import DECLARED
from chalicelib.api.lazy import AREAS

missing = []
app.areas.load(*DECLARED)
for area, _, _ in AREAS:
    for route in DECLARED[area]:
        for method in route.methods:
            entry = app.areas._inner.routes.get(route.path, {}).get(method)
            if entry is None or entry.view_name != route.view:
                missing.append([area, method, route.path])
print(json.dumps(missing))
""")
    assert missing == []


def test_the_public_side_and_the_jobs_use_a_repository_without_the_owner_stores():
    seen = _run("""
import json, sys
import app
from chalicelib import wiring
from chalicelib.jobs import run

OWNER_STORAGE = ("chalicelib.storage.owner_repository", "chalicelib.storage.accounts",
                 "chalicelib.storage.agenda_store", "chalicelib.storage.clients_store",
                 "chalicelib.storage.settings_store")
app.areas.load("public", "pages")
public = wiring.public_repository()  # binds the models; no request is sent
before = sorted(m for m in OWNER_STORAGE if m in sys.modules)
owner = wiring.repository()
print(json.dumps({"public": type(public).__name__, "before": before,
                  "after": sorted(m for m in OWNER_STORAGE if m in sys.modules),
                  "owner": [type(owner).__name__, isinstance(owner, type(public))],
                  "one_connection": owner._connection is public._connection,
                  "owner_only": [hasattr(public, "set_client_access"), hasattr(owner, "set_client_access")]}))
""")
    assert seen["public"] == "PublicRepository" and seen["before"] == []
    assert seen["after"] == ["chalicelib.storage.accounts", "chalicelib.storage.agenda_store",
                             "chalicelib.storage.clients_store", "chalicelib.storage.owner_repository",
                             "chalicelib.storage.settings_store"]
    # The owner side's repository is the public one plus the owner stores, on the same bound client.
    assert seen["owner"] == ["Repository", True] and seen["one_connection"]
    assert seen["owner_only"] == [False, True]
