"""What the settings, users and messages routes share: pages with a notice, form and JSON bodies,
field errors in both shapes."""
import functools
from urllib.parse import urlencode

from chalice import Response

from ...auth.guard import app_root, owner_page, owner_translator, principal
from ...domain.errors import InvalidRequest, NotFound
from ...domain.salon import WEEKDAYS
from ...domain.text import N_
from ...services.owner.settings_fields import FieldErrors
from ...web import forms
from ...web.localize import error_message, localize, localize_fields
from ...web.owner.wording import Wording
from ...web.render import redirect
from ..errors import error_response
from ..http import parse_json

FORM = "application/x-www-form-urlencoded"
DAY_NAMES = dict(zip(WEEKDAYS, (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                                N_("Saturday"), N_("Sunday")), strict=True))

# ?done=<code> after a redirect: fixed texts, so a link cannot make the page say anything else.
NOTICES = {
    "saved": N_("Saved."), "unchanged": N_("Nothing changed."), "created": N_("Created."),
    "deactivated": N_("Deactivated: it is no longer offered."), "activated": N_("Active again."),
    "clipped": N_("Saved. Hours outside the salon's opening hours were left out."),
    "role": N_("Role changed."), "disabled": N_("Disabled: this user's sessions have ended."),
    "enabled": N_("Enabled."), "added": N_("Added to the waitlist."), "removed": N_("Removed from the waitlist."),
}


def page(request, template: str, status: int = 200, **context) -> Response:
    """An owner page of these areas; the notice, the field problems and the page's problem in the
    reader's language (they come from services in English, web/localize.py)."""
    me = principal()
    tr = owner_translator(me)
    notice = NOTICES.get(forms.query(request).get("done", "")) if status == 200 else None
    for name in ("errors", "problem"):
        if context.get(name):
            context[name] = localize_fields(context[name], tr) if name == "errors" else localize(context[name], tr)
    say = Wording(tr)
    if "days" in context:
        context["days"] = {key: tr.gettext(label) for key, label in context["days"].items()}
    if "labels" in context:  # role codes -> the reader's words
        context["labels"] = {code: say.role(code) for code in context["labels"]}
    return owner_page(request, template, status, me=me, notice=localize(notice, tr), say=say, **context)


def done(request, path: str, code: str, **params: str) -> Response:
    """303 to an owner page that then says what happened."""
    return redirect(f"{app_root(request)}{path}?{urlencode({'done': code, **params})}")


def form_values(request) -> dict[str, str]:
    return forms.fields(request.raw_body)


def ident(value: str | None) -> str:
    """An id from the path; one that cannot exist is simply not found."""
    checked = forms.ident(value)
    if checked is None:
        raise NotFound(N_("There is nothing here."), "not_found")
    return checked


def json_in(request):
    return parse_json(request.raw_body, empty={})


def answer(body: dict, status: int = 200) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json",
                                                             "Cache-Control": "no-store"})


def json_fields(view):
    """JSON routes: FieldErrors become 400 with every field's problem under error.fields."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except FieldErrors as error:
            tr = owner_translator(principal())
            response = error_response(400, error.code, error_message(error, tr))
            response.body["error"]["fields"] = localize_fields(error.errors, tr)
            return response
    return wrapper


def query_value(request, name: str, limit: int = 100) -> str | None:
    value = forms.query(request).get(name)
    if value is not None and len(value) > limit:
        raise InvalidRequest(N_("%(name)s is too long.", name=name))
    return value or None
