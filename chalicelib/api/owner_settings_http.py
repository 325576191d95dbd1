"""What the settings, users and messages routes share: pages with a notice, form and JSON bodies,
field errors in both shapes."""
import functools
from urllib.parse import urlencode

from chalice import Response

from ..auth.guard import app_root, owner_page, principal
from ..domain.errors import InvalidRequest, NotFound
from ..domain.salon import WEEKDAYS
from ..services.owner_settings_fields import FieldErrors
from ..web import forms
from ..web.render import redirect
from .errors import error_response
from .http import parse_json

FORM = "application/x-www-form-urlencoded"
DAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
                     strict=True))

# ?done=<code> after a redirect: fixed texts, so a link cannot make the page say anything else.
NOTICES = {
    "saved": "Saved.", "unchanged": "Nothing changed.", "created": "Created.",
    "deactivated": "Deactivated: it is no longer offered.", "activated": "Active again.",
    "clipped": "Saved. Hours outside the salon's opening hours were left out.",
    "role": "Role changed.", "disabled": "Disabled: this user's sessions have ended.", "enabled": "Enabled.",
    "added": "Added to the waitlist.", "removed": "Removed from the waitlist.",
}


def page(request, template: str, status: int = 200, **context) -> Response:
    notice = NOTICES.get(forms.query(request).get("done", "")) if status == 200 else None
    return owner_page(request, template, status, me=principal(), notice=notice, **context)


def done(request, path: str, code: str, **params: str) -> Response:
    """303 to an owner page that then says what happened."""
    return redirect(f"{app_root(request)}{path}?{urlencode({'done': code, **params})}")


def form_values(request) -> dict[str, str]:
    return forms.fields(request.raw_body)


def ident(value: str | None) -> str:
    """An id from the path; one that cannot exist is simply not found."""
    checked = forms.ident(value)
    if checked is None:
        raise NotFound("There is nothing here.", "not_found")
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
            response = error_response(400, error.code, error.message)
            response.body["error"]["fields"] = error.errors
            return response
    return wrapper


def query_value(request, name: str, limit: int = 100) -> str | None:
    value = forms.query(request).get(name)
    if value is not None and len(value) > limit:
        raise InvalidRequest(f"{name} is too long.")
    return value or None
