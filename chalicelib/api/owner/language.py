"""The user's own language: the page /owner/language and its JSON twin /v1/admin/me/language.
Every owner page renders in it (auth/guard.py owner_locale); None follows the salon's language.
Routes of the owner_auth area, imported by it."""
from ...auth import accounts
from ...auth.guard import app_root, owner_page, translator
from ...domain.errors import InvalidRequest
from ...domain.text import N_
from ...web import forms
from ...web.i18n import LOCALES, supported
from ...web.render import redirect
from ..http import parse_json
from ..schema import validate
from .auth import FORM, guard, owner_auth

# Each language named in itself, so a user who cannot read the page's language still finds theirs.
LANGUAGE_NAMES = {"en": "English", "it": "Italiano", "pl": "Polski", "pt": "Português", "es": "Español",
                  "ru": "Русский"}
LANGUAGE_CHANGE = {
    "type": "object", "additionalProperties": False,
    "properties": {"locale": {"type": "string", "nullable": True, "maxLength": 2, "enum": list(LOCALES),
                              "description": "The language of your pages; null or absent: the salon's"}},
}
OPENAPI_SCHEMAS = {"LanguageChange": LANGUAGE_CHANGE}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
OPENAPI_PATHS = {"/v1/admin/me/language": {"put": {
    "operationId": "setOwnLanguage", "summary": "The language of your own pages (null: the salon's)",
    "security": [{"session": []}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/LanguageChange"}}}},
    "responses": {
        "200": {"description": "Saved: `{locale}` as stored (null: the salon's)", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"locale": {"type": "string", "nullable": True}}}}}},
        "400": {"description": "invalid_request", **_ERROR},
        "401": {"description": "unauthenticated", **_ERROR},
        "403": {"description": "csrf_failed", **_ERROR},
    }}}}


@owner_auth.route("/owner/language", methods=["GET"])
@guard.require()
def language_page():
    return _page(done=forms.query(owner_auth.current_request).get("done") == "1")


@owner_auth.route("/owner/language", methods=["POST"], content_types=[FORM])
@guard.require()
def language_submit():
    request = owner_auth.current_request
    choice = forms.fields(request.raw_body).get("locale") or ""
    if choice and choice not in LANGUAGE_NAMES:
        tr = translator(request)
        return _page(problem=tr.gettext("Choose one of the languages in the list."), status=400)
    accounts().set_user_locale(guard.principal().email, choice or None)
    # The next page reads the user again (every request does), so it is already in the new language.
    return redirect(app_root(request) + "/owner/language?done=1")


@owner_auth.route("/v1/admin/me/language", methods=["PUT"])
@guard.require(api=True)
def api_language():
    body = validate(parse_json(owner_auth.current_request.raw_body), LANGUAGE_CHANGE)
    locale = body.get("locale")
    if locale is not None and locale not in LANGUAGE_NAMES:
        raise InvalidRequest(N_("locale must be one of en, it, pl, pt, es, ru, or null (the salon's)."))
    accounts().set_user_locale(guard.principal().email, locale)
    return {"locale": locale}


def _page(problem: str | None = None, status: int = 200, done: bool = False):
    me = guard.principal()
    return owner_page(owner_auth.current_request, "owner/language.html", status, me=me, problem=problem, done=done,
                      languages=LANGUAGE_NAMES, chosen=me.locale or "",
                      salon_locale=supported(accounts().salon_locale(me.salon_id)))
