"""/owner/clients: search and the client file, with its forms (no JavaScript; a form answers 303
back to the file, or the file again with the problem when the input was refused)."""
from datetime import timedelta
from urllib.parse import quote

from ..auth import accounts, roles
from ..auth.guard import app_root, owner_page
from ..domain.clock import local_today
from ..domain.errors import DomainError, IllegalTransition, NotFound
from ..services import exports, records
from ..services import owner_clients as service
from ..web import forms
from ..web.owner_agenda import start_key
from ..web.render import redirect
from ..wiring import now, repository
from . import owner_records
from .owner_clients import guard, owner_clients, refusing

FORM = "application/x-www-form-urlencoded"
DONE = {"contact": "Contact details saved.", "notes": "Private notes saved.", "consent": "Consent saved.",
        "access": "Online booking updated.", "reverted": "No-show reverted: the counters are back.",
        "erased": "The client's personal data was erased. The appointments stay, for the statistics.",
        "collected": "Fee collected from the card on file.",
        "declined": "The card was declined: collect at the desk or waive.",
        "authentication_required": "The bank wants the client to confirm this payment: they were sent a link to "
                                   "pay it.",
        "cash": "Recorded as paid at the desk.", "waived": "Fee waived.",
        "refunded": "Refunded: the client gets the money back on their card."}
STATUS_LABELS = {"awaiting_payment": "Awaiting the deposit", "expired": "Deposit not paid (released)",
                 "held": "Offered (waitlist)", "booked": "Booked", "confirmed": "Confirmed", "arrived": "Arrived",
                 "completed": "Completed", "cancelled": "Cancelled", "no_show": "No-show"}
LANGUAGES = {"en": "English", "it": "Italiano", "pl": "Polski", "pt": "Português", "es": "Español", "ru": "Русский"}
ACCESS_LABELS = {"ok": "Can book online", "restricted": "Restricted: phone bookings only",
                 "banned": "Banned from online booking"}


@owner_clients.route("/owner/clients", methods=["GET"])
@guard.require(roles.CLIENTS_OWN)
def clients_page():
    request = owner_clients.current_request
    query = forms.query(request)
    found = service.search(repository(), guard.principal(), query.get("q", ""))
    # ?erasure=requested: the clients who asked to delete their data (the owner, who erases)
    asked = (exports.erasure_requests(repository(), guard.principal())
             if found.rights.data and query.get("erasure") == "requested" else None)
    return owner_page(request, "owner/clients/search.html", me=guard.principal(), salon_name=found.salon.name,
                      found=found, access_labels=ACCESS_LABELS, phone=_readable, erasure_requests=asked,
                      when=lambda instant: instant.astimezone(found.salon.tz).strftime("%a %d %b %Y"))


@owner_clients.route("/owner/clients/{client_id}", methods=["GET"])
@guard.require(roles.CLIENTS_OWN)
def client_page(client_id):
    file = service.open_file(repository(), guard.principal(), client_id)
    return _file_page(file, done=DONE.get(forms.query(owner_clients.current_request).get("done", "")))


@owner_clients.route("/owner/clients/{client_id}/contact", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def save_contact(client_id):
    data = _form()
    changes = {name: data.get(name, "") for name in ("name", "phone", "email", "locale")}
    return _change(client_id, "contact", lambda repo, who: service.update(repo, accounts(), who, client_id, changes,
                                                                          now()), typed=changes)


@owner_clients.route("/owner/clients/{client_id}/notes", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS_OWN)
@refusing()
def save_notes(client_id):
    data = _form()
    changes = {name: data.get(name, "") for name in ("notes", "allergies")}
    return _change(client_id, "notes", lambda repo, who: service.update(repo, accounts(), who, client_id, changes,
                                                                        now()), typed=changes)


@owner_clients.route("/owner/clients/{client_id}/consent", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def save_consent(client_id):
    changes = {"recall_consent": _form().get("recall_consent") == "1"}
    return _change(client_id, "consent", lambda repo, who: service.update(repo, accounts(), who, client_id, changes,
                                                                          now()))


@owner_clients.route("/owner/clients/{client_id}/access", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def save_access(client_id):
    data = _form()
    access, until = data.get("access", ""), forms.parse_day(data.get("until"))
    return _change(client_id, "access", lambda repo, who: service.change_access(repo, accounts(), who, client_id,
                                                                                access, until, now()))


@owner_clients.route("/owner/clients/{client_id}/appointments/{appointment_id}/revert-no-show", methods=["POST"],
                     content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def revert_no_show(client_id, appointment_id):
    return _change(client_id, "reverted", lambda repo, who: service.revert_no_show(repo, accounts(), who, client_id,
                                                                                   appointment_id, now()))


@owner_clients.route("/owner/clients/{client_id}/appointments/{appointment_id}/money", methods=["POST"],
                     content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def settle_fee(client_id, appointment_id):
    """Collect the fee from the card on file, paid at the desk, or waive (services/owner_money.py)."""
    from ..services import owner_money
    from ..wiring import base_url, payments

    outcome = {}

    def action(repo, who):
        outcome["done"] = owner_money.settle(repo, accounts(), payments(), who, client_id, appointment_id,
                                             _form().get("action", ""), now(), base_url()).outcome

    response = _change(client_id, "money", action)
    if "done" in outcome:  # the redirect says what happened
        root = app_root(owner_clients.current_request)
        return redirect(f"{root}/owner/clients/{quote(client_id, safe='')}?done={outcome['done']}#appointments")
    return response


def _readable(e164: str) -> str:
    """+393331234567 -> +39 333 123 4567, the way people read it back on the phone."""
    import phonenumbers

    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def _form() -> dict[str, str]:
    # Browsers send CRLF line ends in text areas: store plain LF.
    return {k: v.replace("\r\n", "\n") for k, v in forms.fields(owner_clients.current_request.raw_body).items()}


def _change(client_id: str, done: str, action, typed: dict | None = None):
    """Run the change; 303 back to the file, or the file again with the problem (and what was typed)."""
    repo, who = repository(), guard.principal()
    try:
        action(repo, who)
    except (NotFound, service.NotAllowed):
        raise
    except DomainError as error:
        status = 409 if isinstance(error, IllegalTransition) else 400
        return _file_page(service.open_file(repo, who, client_id), status, problem=error.message, typed=typed,
                          failed=done)
    root = app_root(owner_clients.current_request)
    return redirect(f"{root}/owner/clients/{quote(client_id, safe='')}?done={done}#{done}")


def _file_page(file: service.ClientFile, status: int = 200, **context):
    salon = file.salon
    tz = salon.tz

    def when(instant):
        return instant.astimezone(tz).strftime("%a %d %b %Y, %H:%M")

    tomorrow = local_today(now(), tz) + timedelta(days=1)
    upcoming = [a for a in file.appointments if a.status in exports.UPCOMING and a.start > now()]
    treatment = (records.for_file(repository(), owner_records.photos(), salon, file.catalog, file.client)
                 if file.rights.notes else [])
    response = owner_page(owner_clients.current_request, "owner/clients/file.html", status, me=guard.principal(),
                          salon_name=salon.name, file=file, client=file.client, rights=file.rights, when=when,
                          catalog=file.catalog, currency=salon.currency, status_labels=STATUS_LABELS,
                          money=_money(file), access_labels=ACCESS_LABELS, languages=LANGUAGES,
                          tomorrow=tomorrow.isoformat(), phone=_readable, records=treatment, record_key=start_key,
                          upcoming_count=len(upcoming),
                          **{"typed": None, "failed": None, "done": None, "problem": None, **context})
    return owner_records.with_photo_origins(response, [p.url for r in treatment for p in r.photos])


def _money(file: service.ClientFile) -> dict:
    """What the file shows of money: each appointment's movements, what it owes, and the total."""
    from ..domain.money import format_amount, owed, paid_in

    currency = file.salon.currency
    per_appointment = {a.id: owed(a.movements) for a in file.appointments}
    return {"owed": per_appointment, "total": format_amount(sum(per_appointment.values()), currency),
            "refundable": {a.id: paid_in(a.movements) for a in file.appointments},
            "amount": lambda minor, cur=currency: f"{format_amount(minor, cur)} {cur}"}
