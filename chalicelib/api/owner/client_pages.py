"""/owner/clients: search and the client file, with its forms (no JavaScript; a form answers 303
back to the file, or the file again with the problem when the input was refused)."""
from datetime import timedelta
from urllib.parse import quote

from ...auth import accounts, roles
from ...auth.guard import N_, app_root, owner_locale, owner_page, translator
from ...domain.clock import local_today
from ...domain.errors import DomainError, IllegalTransition, NotFound
from ...services import exports, personal_messages, records
from ...services.client_area import channels as client_channels
from ...services.owner import clients as service
from ...web import forms
from ...web.localize import error_message
from ...web.owner.agenda import flash, formatter, labels, start_key
from ...web.owner.wording import Wording
from ...web.render import redirect
from ...wiring import now, repository
from . import client_channels as owner_client_channels
from . import records as owner_records
from .clients import guard, owner_clients, refusing

FORM = "application/x-www-form-urlencoded"
# Texts are English msgids of the `owner` domain (N_: extracted by `make messages`), shown through
# `labels()` in the reader's language.
DONE = {"contact": N_("Contact details saved."), "notes": N_("Private notes saved."), "consent": N_("Consent saved."),
        "access": N_("Online booking updated."), "reverted": N_("No-show reverted: the counters are back."),
        "erased": N_("The client's personal data was erased. The appointments stay, for the statistics."),
        "collected": N_("Fee collected from the card on file."),
        "declined": N_("The card was declined: collect at the desk or waive."),
        "authentication_required": N_("The bank wants the client to confirm this payment: they were sent a link "
                                      "to pay it."),
        "cash": N_("Recorded as paid at the desk."), "waived": N_("Fee waived."),
        "refunded": N_("Refunded: the client gets the money back on their card."),
        "reach": N_("Channel and consents saved."),
        "personal": N_("Message queued: it leaves inside the sending window.")}
STATUS_LABELS = {"awaiting_payment": N_("Awaiting the deposit"), "expired": N_("Deposit not paid (released)"),
                 "held": N_("Offered (waitlist)"), "booked": N_("Booked"), "confirmed": N_("Confirmed"),
                 "arrived": N_("Arrived"), "completed": N_("Completed"), "cancelled": N_("Cancelled"),
                 "no_show": N_("No-show")}
LANGUAGES = {"en": "English", "it": "Italiano", "pl": "Polski", "pt": "Português", "es": "Español", "ru": "Русский"}
ACCESS_LABELS = {"ok": N_("Can book online"), "restricted": N_("Restricted: phone bookings only"),
                 "banned": N_("Banned from online booking")}
MOVEMENT_LABELS = {"deposit": N_("Deposit"), "fee": N_("Fee"), "charge": N_("Charged to the card"),
                   "refund": N_("Refund"), "cash": N_("Paid at the desk"), "waived": N_("Waived")}


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
                      found=found, access_labels=labels(translator(), ACCESS_LABELS), phone=_readable,
                      erasure_requests=asked,
                      when=formatter(found.salon, owner_locale(guard.principal())).short_date,
                      problem=translator().ngettext("Type at least %(num)s digit of the phone number.",
                                                    "Type at least %(num)s digits of the phone number.",
                                                    service.MIN_DIGITS) if found.problem else None)


@owner_clients.route("/owner/clients/{client_id}", methods=["GET"])
@guard.require(roles.CLIENTS_OWN)
def client_page(client_id):
    file = service.open_file(repository(), guard.principal(), client_id)
    done = forms.query(owner_clients.current_request).get("done", "")
    return _file_page(file, done=flash(translator(), DONE, done))


@owner_clients.route("/owner/clients/{client_id}/contact", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def save_contact(client_id):
    return _save_fields(client_id, "contact", ("name", "phone", "email", "locale"))


@owner_clients.route("/owner/clients/{client_id}/notes", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS_OWN)
@refusing()
def save_notes(client_id):
    return _save_fields(client_id, "notes", ("notes", "allergies"))


def _save_fields(client_id: str, section: str, names: tuple[str, ...]):
    """A section of the client file saved from its form's text fields (kept as typed if refused)."""
    data = _form()
    changes = {name: data.get(name, "") for name in names}
    return _change(client_id, section, lambda repo, who: service.update(repo, accounts(), who, client_id, changes,
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
    """Collect the fee from the card on file, paid at the desk, or waive (services/owner/money.py)."""
    from ...services.owner import money as owner_money
    from ...wiring import base_url, payments

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
        return _file_page(service.open_file(repo, who, client_id), status, problem=error_message(error, translator()),
                          typed=typed, failed=done)
    root = app_root(owner_clients.current_request)
    return redirect(f"{root}/owner/clients/{quote(client_id, safe='')}?done={done}#{done}")


def _file_page(file: service.ClientFile, status: int = 200, **context):
    salon, tr = file.salon, translator()
    tz, fmt = salon.tz, formatter(salon, owner_locale(guard.principal()))

    def when(instant):
        return fmt.short_when(instant)

    tomorrow = local_today(now(), tz) + timedelta(days=1)
    upcoming = [a for a in file.appointments if a.status in exports.UPCOMING and a.start > now()]
    treatment = (records.for_file(repository(), owner_records.photos(), salon, file.catalog, file.client)
                 if file.rights.notes else [])
    response = owner_page(owner_clients.current_request, "owner/clients/file.html", status, me=guard.principal(),
                          salon_name=salon.name, file=file, client=file.client, rights=file.rights, when=when,
                          catalog=file.catalog, currency=salon.currency, status_labels=labels(tr, STATUS_LABELS),
                          money=_money(file, fmt), access_labels=labels(tr, ACCESS_LABELS), languages=LANGUAGES,
                          movement_labels=labels(tr, MOVEMENT_LABELS), say=Wording(tr), fmt=fmt,
                          tomorrow=tomorrow.isoformat(), phone=_readable, records=treatment, record_key=start_key,
                          upcoming_count=len(upcoming),
                          **owner_client_channels.file_context(file, context),
                          **{"typed": None, "failed": None, "done": None, "problem": None, **context})
    return owner_records.with_photo_origins(response, [p.url for r in treatment for p in r.photos])


def _money(file: service.ClientFile, fmt) -> dict:
    """What the file shows of money (in the reader's language): each appointment's movements, what
    it owes, and the total."""
    from ...domain.money import owed, paid_in

    per_appointment = {a.id: owed(a.movements) for a in file.appointments}
    return {"owed": per_appointment, "total": fmt.money_minor(sum(per_appointment.values())),
            "refundable": {a.id: paid_in(a.movements) for a in file.appointments},
            "amount": fmt.money_minor}


# --- how the client is reached, a personal message (client_channels.py) ---------------------

@owner_clients.route("/owner/clients/{client_id}/reach", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def save_reach(client_id):
    data = _form()
    reach = client_channels.Reach(data.get("channel") or None, data.get("email") or None,
                                  data.get("whatsapp_consent") == "1", data.get("marketing_consent") == "1")
    typed = {"channel": data.get("channel", ""), "email": data.get("email", ""),
             "whatsapp_consent": data.get("whatsapp_consent") == "1",
             "marketing_consent": data.get("marketing_consent") == "1"}
    return _change(client_id, "reach", lambda repo, who: client_channels.change_by_salon(
        repo, accounts(), who, client_id, reach, now()), typed=typed)


@owner_clients.route("/owner/clients/{client_id}/personal-message", methods=["POST"], content_types=[FORM])
@guard.require(roles.CLIENTS)
@refusing()
def send_personal_message(client_id):
    text = _form().get("text", "")
    return _change(client_id, "personal", lambda repo, who: personal_messages.send(
        repo, accounts(), who, client_id, text, now()), typed={"text": text})
