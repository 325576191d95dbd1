"""/owner/exports and a client's data rights, owner only (EXPORTS): clients and appointments as CSV,
one client's data as JSON (right of access), erasure with a confirmation step."""
import json
from urllib.parse import quote

from chalice import Response

from ...auth import accounts, roles
from ...auth.guard import app_root, owner_page, owner_translator
from ...domain.clock import local_today
from ...domain.errors import DomainError, InvalidRequest, NotFound
from ...domain.text import N_
from ...services import exports
from ...services.owner import clients as service
from ...services.salons import load_salon
from ...web import forms
from ...web.localize import error_message
from ...web.render import redirect
from ...wiring import now, repository
from . import records as owner_records
from .clients import guard, owner_clients, refusing

FORM = "application/x-www-form-urlencoded"


@owner_clients.route("/owner/exports", methods=["GET"])
@guard.require(roles.EXPORTS)
def exports_page():
    me = guard.principal()
    salon, _ = load_salon(repository(), me.salon_id)
    today = local_today(now(), salon.tz)
    return owner_page(owner_clients.current_request, "owner/clients/exports.html", me=me, salon_name=salon.name,
                      first=today.replace(day=1).isoformat(), last=today.isoformat(),
                      max_days=exports.MAX_RANGE_DAYS)


@owner_clients.route("/owner/exports/clients.csv", methods=["GET"])
@guard.require(roles.EXPORTS)
@refusing()
def clients_csv():
    return _download(exports.clients_csv(repository(), accounts(), guard.principal(), now()))


@owner_clients.route("/owner/exports/appointments.csv", methods=["GET"])
@guard.require(roles.EXPORTS)
@refusing()
def appointments_csv():
    q = forms.query(owner_clients.current_request)
    first, last = forms.parse_day(q.get("from")), forms.parse_day(q.get("to"))
    if first is None or last is None:
        raise InvalidRequest(N_("Choose the first and the last day (from and to, like 2026-03-31)."))
    return _download(exports.appointments_csv(repository(), accounts(), guard.principal(), first, last, now()))


@owner_clients.route("/owner/clients/{client_id}/export.json", methods=["GET"])
@guard.require(roles.EXPORTS)
@refusing()
def client_json(client_id):
    document = exports.client_export(repository(), accounts(), guard.principal(), client_id, now(),
                                     photos=owner_records.photos())
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return _attachment(f"client-{document['client']['id']}.json", body, "application/json; charset=utf-8")


@owner_clients.route("/owner/clients/{client_id}/erase", methods=["GET"])
@guard.require(roles.EXPORTS)
@refusing()
def erase_page(client_id):
    return _erase_page(service.open_file(repository(), guard.principal(), client_id))


@owner_clients.route("/owner/clients/{client_id}/erase", methods=["POST"], content_types=[FORM])
@guard.require(roles.EXPORTS)
@refusing()
def erase_submit(client_id):
    request, repo, who = owner_clients.current_request, repository(), guard.principal()
    confirm = forms.fields(request.raw_body).get("confirm", "")
    try:
        exports.erase(repo, accounts(), who, client_id, confirm, now(), photos=owner_records.photos())
    except (NotFound, service.NotAllowed):
        raise
    except DomainError as error:
        status = 400 if isinstance(error, InvalidRequest) else 409
        return _erase_page(service.open_file(repo, who, client_id), status,
                           error_message(error, owner_translator(who)))
    return redirect(f"{app_root(request)}/owner/clients/{quote(client_id, safe='')}?done=erased")


def _erase_page(file: service.ClientFile, status: int = 200, problem: str | None = None):
    return owner_page(owner_clients.current_request, "owner/clients/erase.html", status, me=guard.principal(),
                      salon_name=file.salon.name, client=file.client, problem=problem)


def _download(download: exports.Download) -> Response:
    return _attachment(download.filename, download.body, "text/csv; charset=utf-8")


def _attachment(filename: str, body: str, content_type: str) -> Response:
    """A private download: never cached, never sniffed."""
    return Response(body=body, status_code=200, headers={
        "Content-Type": content_type, "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"})

