"""The guard of owner routes, HTML (`/owner/...`) and JSON (`/v1/admin/...`) alike.

    guard = Guard(my_blueprint)

    @my_blueprint.route("/owner/agenda", methods=["GET"])
    @guard.require(roles.AGENDA_OWN)              # JSON routes: guard.require(roles.CLIENTS, api=True)
    def agenda():
        me = guard.principal()                     # user_id, email, salon_id, role, staff_id, csrf_token
        ...

In order, a guarded request must: carry a valid session (else HTML: 303 to /owner/login?next=...,
JSON: 401 `unauthenticated`); carry the session's CSRF token when it changes something (a form
field `csrf`, or the `X-CSRF-Token` header; else 403 `csrf_failed`); hold the permission (else
HTML: a 403 page, JSON: 403 `forbidden`). Domain errors raised by the view become their status
(a 404 page or the JSON error shape).

Owner URLs never name the salon: every query uses `principal().salon_id`, so reaching another
salon's data is impossible by construction. Where an id from the request carries its own salon
(an item loaded by id), check it with `same_salon(principal, item_salon_id)`: a mismatch is a 404,
exactly like an id that does not exist, so nothing is confirmed to a prying user.
"""
import functools
import logging
from contextvars import ContextVar
from urllib.parse import quote, urlencode, urlparse

from chalice import Response

from ..api.errors import STATUS, error_response, from_domain
from ..api.http import base_url
from ..domain.errors import DomainError, NotFound
from ..domain.text import N_
from ..web import forms
from ..web.catalogs import Translator
from ..web.i18n import Texts, from_accept_language, supported
from ..web.localize import error_message, localize
from ..web.render import page, redirect
from ..wiring import config, now
from . import accounts, csrf, signing_key
from .sessions import SESSION_COOKIE, Principal, clear_cookie, read_cookie, resolve

__all__ = ["Guard", "Principal", "principal", "same_salon", "identify", "client_address", "owner_page", "app_root",
           "safe_next", "owner_locale", "translator", "owner_translator", "N_"]

log = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOGIN_PATH = "/owner/login"
HOME_PATH = "/owner"
_current: ContextVar[Principal | None] = ContextVar("owner_principal", default=None)
# The salon's language, read once per request for a user who follows it: (salon_id, locale).
_salon_locale: ContextVar[tuple[str, str] | None] = ContextVar("owner_salon_locale", default=None)


class Guard:
    def __init__(self, blueprint):
        self._blueprint = blueprint

    def require(self, permission: str | None = None, *, api: bool = False):
        """Decorate a view (under its @route). `permission` None: any signed-in user of the salon."""
        def decorate(view):
            @functools.wraps(view)
            def guarded(*args, **kwargs):
                request = self._blueprint.current_request
                who = identify(request)
                if who is None:
                    return _unauthenticated(request, api)
                if request.method not in SAFE_METHODS and not _csrf_ok(request, who, api):
                    return _refuse(request, api, "csrf_failed",
                                   N_("This form has expired. Go back, reload the page and try again."), who)
                if permission is not None and not who.can(permission):
                    return _refuse(request, api, "forbidden", N_("Your role does not allow this."), who)
                token = _current.set(who)
                _salon_locale.set(None)
                try:
                    return view(*args, **kwargs)
                except DomainError as error:
                    if api:  # the code stays English and stable; the message is the reader's
                        return from_domain(error, error_message(error, owner_translator(who)))
                    return _error_page(request, error)
                except Exception:  # noqa: BLE001 - a person is reading: answer in HTML, keep the details in the log
                    if api:
                        raise
                    log.exception("owner page failed")
                    return _error_page(request, None)
                finally:
                    _current.reset(token)
            return guarded
        return decorate

    @staticmethod
    def principal() -> Principal:
        return principal()

    @staticmethod
    def said(refusal) -> str:
        """A refusal (a DomainError or an English text) in the signed-in reader's language."""
        tr = owner_translator(principal())
        return error_message(refusal, tr) if isinstance(refusal, DomainError) else localize(refusal, tr)


def principal() -> Principal:
    """The signed-in user of the request a guarded view is answering."""
    who = _current.get()
    if who is None:
        raise RuntimeError("principal() is only available inside a view decorated with Guard.require")
    return who


def same_salon(who: Principal, salon_id: str | None) -> None:
    """Raise NotFound unless `salon_id` is the principal's salon."""
    if salon_id != who.salon_id:
        raise NotFound(N_("There is nothing here."), "not_found")


def identify(request) -> Principal | None:
    """The principal behind the request's session cookie, or None."""
    cookie = read_cookie(request, SESSION_COOKIE)
    return resolve(accounts(), cookie, now()) if cookie else None


def client_address(request) -> str | None:
    """API Gateway's view of the caller (X-Forwarded-For is not trusted: anyone can write it)."""
    return ((request.context or {}).get("identity") or {}).get("sourceIp")


# --- pages and links ------------------------------------------------------------------------------

def app_root(request) -> str:
    """The public URL's path prefix (an API Gateway stage) that every owner link starts with."""
    return urlparse(base_url(request, config().public_base_url)).path.rstrip("/")


def safe_next(value: str | None) -> str:
    """Where to go after signing in: an owner path of this site, never another site."""
    if (value and len(value) <= 500 and value.startswith(HOME_PATH) and not value.startswith("//")
            and "\\" not in value and value.isascii() and value.isprintable()):
        return value
    return HOME_PATH


def owner_locale(who: Principal | None, request=None) -> str:
    """The language of an owner page: the user's own choice, else their salon's; with nobody signed
    in (the sign-in page), the browser's Accept-Language."""
    if who is None:
        return from_accept_language(request.headers.get("accept-language") if request is not None else None)
    if who.locale:
        return supported(who.locale)
    known = _salon_locale.get()
    if known is None or known[0] != who.salon_id:
        known = (who.salon_id, supported(accounts().salon_locale(who.salon_id)))
        _salon_locale.set(known)
    return known[1]


def translator(request=None, who: Principal | None = None) -> Translator:
    """The `owner` texts in the language of the page being answered (Python-side flashes, labels)."""
    return Translator(owner_locale(who or _current.get(), request), "owner")


def owner_translator(reader) -> Translator:
    """translator() for a reader given either as the signed-in principal or as the request."""
    if isinstance(reader, Principal):
        return translator(who=reader)
    return translator(request=reader)


def owner_page(request, template: str, status: int = 200, *, reader: Principal | None = None,
               **context) -> Response:
    """An owner page in its reader's language (owner_locale; `reader`: before the view runs, the
    guard's refusals), never cached (private)."""
    locale = owner_locale(reader or _current.get(), request)
    return page(template, Texts(locale), status, private=True, root=app_root(request), **context)


def _here(request) -> str:
    path = request.path
    for name, value in (request.uri_params or {}).items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    params = request.query_params or {}
    query = urlencode([(name, value) for name in params for value in params.getlist(name)])
    return path + (f"?{query}" if query else "")


def _unauthenticated(request, api: bool) -> Response:
    stale = read_cookie(request, SESSION_COOKIE) is not None
    headers = {"Set-Cookie": clear_cookie(request, SESSION_COOKIE)} if stale else {}
    if api:
        message = owner_translator(request).gettext("Sign in first, or sign in again: the session has ended.")
        return error_response(401, "unauthenticated", message, headers)
    target = app_root(request) + LOGIN_PATH
    if request.method in SAFE_METHODS and _here(request) != HOME_PATH:
        target += "?" + urlencode({"next": _here(request)})
    response = redirect(target)
    response.headers.update(headers)
    return response


def _csrf_ok(request, who: Principal, api: bool) -> bool:
    if api:
        presented = request.headers.get("x-csrf-token")
    else:
        try:
            presented = forms.fields(request.raw_body).get("csrf")
        except DomainError:
            presented = None
    return csrf.valid(signing_key(), f"session:{who.session_id}", presented)


def _refuse(request, api: bool, code: str, message: str, who: Principal | None = None) -> Response:
    tr = translator(request, who)
    if api:
        return error_response(403, code, localize(message, tr))
    return owner_page(request, "owner/error.html", 403, reader=who, title=tr.gettext(N_("Not allowed")),
                      message=localize(message, tr))


def _error_page(request, error: DomainError | None) -> Response:
    tr = translator(request)
    if error is None:
        return owner_page(request, "owner/error.html", 500, title=tr.gettext(N_("Something went wrong")),
                          message=tr.gettext(N_("Something went wrong on our side; nothing was changed. "
                                                "Please try again.")))
    status = next((s for cls, s in STATUS.items() if isinstance(error, cls)), 400)
    title = N_("Not found") if isinstance(error, NotFound) else N_("That did not work")
    # A domain error's message is English; the owner catalog holds its pattern (web/localize.py).
    return owner_page(request, "owner/error.html", status, title=tr.gettext(title), message=error_message(error, tr))
