"""Change one's own password: the page /owner/password and its JSON twin /v1/admin/me/password
(rules in chalicelib/auth/own_password.py). Routes of the owner_auth area, imported by it."""
from chalice import Response

from ...auth import accounts, own_password, passwords, sessions
from ...auth.guard import app_root, client_address, owner_page, translator
from ...domain.errors import InvalidRequest
from ...web import forms
from ...web.localize import error_message
from ...web.render import redirect
from ...wiring import now
from ..errors import error_response
from ..http import parse_json
from ..schema import validate
from .auth import FORM, guard, owner_auth

_PASSWORD = {"type": "string", "maxLength": passwords.MAX_LENGTH}
PASSWORD_CHANGE = {
    "type": "object", "additionalProperties": False, "required": ["current_password", "new_password"],
    "properties": {"current_password": _PASSWORD,
                   "new_password": {**_PASSWORD, "description": f"At least {passwords.MIN_LENGTH} characters"}},
}
OPENAPI_SCHEMAS = {"PasswordChange": PASSWORD_CHANGE}
_ERROR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
OPENAPI_PATHS = {"/v1/admin/me/password": {"post": {
    "operationId": "changeOwnPassword", "summary": "Change your own password; your other sessions end",
    "security": [{"session": []}],
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "$ref": "#/components/schemas/PasswordChange"}}}},
    "responses": {
        "204": {"description": "Changed: this session goes on, every other one of the user has ended"},
        "400": {"description": "invalid_request (the new password's rules), wrong_password", **_ERROR},
        "401": {"description": "unauthenticated", **_ERROR},
        "403": {"description": "csrf_failed", **_ERROR},
        "409": {"description": "account_changed: the password or the sessions changed meanwhile", **_ERROR},
        "429": {"description": "login_locked: too many wrong passwords (Retry-After)", **_ERROR},
    }}}}


@owner_auth.route("/owner/password", methods=["GET"])
@guard.require()
def password_page():
    return _page(done=forms.query(owner_auth.current_request).get("done") == "1")


@owner_auth.route("/owner/password", methods=["POST"], content_types=[FORM])
@guard.require()
def password_submit():
    request, instant = owner_auth.current_request, now()
    data = forms.fields(request.raw_body)
    try:
        own_password.change(accounts(), guard.principal(), data.get("current") or "", data.get("new") or "",
                            data.get("again") or "", client_address(request), instant)
    except sessions.LoginLocked as error:
        return _page(problem=error_message(error, translator()), status=429, headers=_retry_after(error, instant))
    except InvalidRequest as error:
        return _page(problem=error_message(error, translator()), status=400)
    return redirect(app_root(request) + "/owner/password?done=1")


@owner_auth.route("/v1/admin/me/password", methods=["POST"])
@guard.require(api=True)
def api_password():
    request, instant = owner_auth.current_request, now()
    body = _json_body(request.raw_body)
    try:
        own_password.change(accounts(), guard.principal(), body["current_password"], body["new_password"],
                            body["new_password"], client_address(request), instant)
    except sessions.LoginLocked as error:
        return error_response(429, error.code, guard.said(error), _retry_after(error, instant))
    return _no_content()


def _page(problem: str | None = None, status: int = 200, headers: dict | None = None, done: bool = False):
    response = owner_page(owner_auth.current_request, "owner/password.html", status, me=guard.principal(),
                          problem=problem, done=done, min_length=passwords.MIN_LENGTH)
    response.headers.update(headers or {})
    return response


def _retry_after(error: sessions.LoginLocked, instant) -> dict:
    return {"Retry-After": str(max(1, int((error.until - instant).total_seconds())))}


def _json_body(raw: bytes | None) -> dict:
    return validate(parse_json(raw), PASSWORD_CHANGE)  # size and nesting checked before json.loads


def _no_content() -> Response:
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
