"""The owner side's door: sign in, sign out, and the home page every owner page links back to.
Pages are in the user's language (auth/guard.py owner_locale; the sign-in page: the browser's);
no JavaScript, forms answer 303."""
import re

from chalice import Blueprint

from ...auth import accounts, roles, sessions
from ...auth.guard import (
    N_,
    Guard,
    app_root,
    client_address,
    identify,
    owner_locale,
    owner_page,
    safe_next,
    translator,
)
from ...domain.errors import InvalidRequest
from ...web import forms
from ...web.localize import error_message
from ...web.owner.wording import Wording
from ...web.render import redirect
from ...wiring import now, repository

owner_auth = Blueprint(__name__)
guard = Guard(owner_auth)

FORM = "application/x-www-form-urlencoded"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

# The home page's links, each shown to the roles that may open it (the pages come later).
SECTIONS = ((N_("Agenda"), "/owner/agenda", roles.AGENDA_OWN),
            (N_("Clients"), "/owner/clients", roles.CLIENTS_OWN),
            (N_("Messages"), "/owner/messages", roles.MESSAGES), (N_("Reports"), "/owner/reports", roles.REPORTS),
            (N_("Settings"), "/owner/settings", roles.SETTINGS))


@owner_auth.route("/owner/login", methods=["GET"])
def login_page():
    request = owner_auth.current_request
    q = forms.query(request)
    target = safe_next(q.get("next"))
    if identify(request) is not None:
        return redirect(app_root(request) + target)
    return _login_form(target, signed_out=q.get("signed_out") == "1")


@owner_auth.route("/owner/login", methods=["POST"], content_types=[FORM])
def login_submit():
    request = owner_auth.current_request
    try:
        data = forms.fields(request.raw_body)
    except InvalidRequest as error:
        return _login_form("/owner", problem=error_message(error, translator(request)), status=400)
    target, email = safe_next(data.get("next")), (data.get("email") or "").strip()[:254]
    if not sessions.login_form_ok(_nonce(), data.get("csrf")):
        return _login_form(target, email, translator(request).gettext("This sign-in form has expired. Please sign in "
                                                                       "again."), 403)
    store, instant = accounts(), now()
    try:
        cookie, _, expires = sessions.sign_in(store, email, data.get("password") or "", client_address(request),
                                              instant)
    except sessions.LoginLocked as error:
        retry = max(1, int((error.until - instant).total_seconds()))
        return _login_form(target, email, error_message(error, translator(request)), 429, {"Retry-After": str(retry)})
    except sessions.InvalidCredentials:
        return _login_form(target, email, translator(request).gettext("The email or the password is not right."),
                           401)
    sessions.end_cookie_session(store, sessions.read_cookie(request, sessions.SESSION_COOKIE))
    response = redirect(app_root(request) + target)
    response.headers["Set-Cookie"] = [
        sessions.set_cookie(request, sessions.SESSION_COOKIE, cookie, expires, instant),
        sessions.clear_cookie(request, sessions.LOGIN_COOKIE),
    ]
    return response


@owner_auth.route("/owner/logout", methods=["POST"], content_types=[FORM])
@guard.require()
def logout():
    request = owner_auth.current_request
    everywhere = forms.fields(request.raw_body).get("everywhere") == "1"
    sessions.sign_out(accounts(), guard.principal(), now(), everywhere)
    response = redirect(app_root(request) + "/owner/login?signed_out=1")
    response.headers["Set-Cookie"] = sessions.clear_cookie(request, sessions.SESSION_COOKIE)
    return response


@owner_auth.route("/owner", methods=["GET"])
@guard.require()
def home():
    from .language import LANGUAGE_NAMES

    me, tr = guard.principal(), translator()
    loaded = repository().load_salon(me.salon_id)
    sections = [(tr.gettext(label), path) for label, path, permission in SECTIONS if me.can(permission)]
    budget_reached = None
    if loaded and me.can(roles.SETTINGS):  # the owner is told once the month's message budget is used up
        budget_reached = repository().budget_reached_on(me.salon_id, now().astimezone(loaded[0].tz).strftime("%Y-%m"))
    return owner_page(owner_auth.current_request, "owner/home.html", me=me,
                      salon_name=loaded[0].name if loaded else me.salon_id,
                      role_label=Wording(tr).role(me.role),
                      sections=sections, language_name=LANGUAGE_NAMES[owner_locale(me)],
                      budget_reached=budget_reached)


def _nonce() -> str | None:
    value = sessions.read_cookie(owner_auth.current_request, sessions.LOGIN_COOKIE)
    return value if value and _NONCE.match(value) else None


def _login_form(target: str, email: str = "", problem: str | None = None, status: int = 200,
                headers: dict | None = None, signed_out: bool = False):
    """The form with a CSRF token bound to the nonce cookie; an existing nonce is kept, so a
    second open tab does not spoil the first one's form."""
    request, instant = owner_auth.current_request, now()
    nonce = _nonce() or sessions.new_nonce()
    response = owner_page(request, "owner/login.html", status, email=email, problem=problem, next=target,
                          csrf=sessions.login_form_token(nonce), signed_out=signed_out)
    response.headers.update(headers or {})
    response.headers["Set-Cookie"] = sessions.set_cookie(request, sessions.LOGIN_COOKIE, nonce,
                                                         instant + sessions.LOGIN_NONCE_TTL, instant)
    return response


# Changing one's own password registers its routes on `owner_auth` (imported last: it imports it from here).
from . import language, password  # noqa: E402, F401
