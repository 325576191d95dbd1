"""The one place where errors become HTTP answers: {"error": {"code", "message"}}."""
import json

from chalice import Response

from ..domain import errors

STATUS = {
    errors.InvalidRequest: 400,
    errors.InvalidPhone: 400,
    errors.BookingRestricted: 403,
    errors.NotFound: 404,
    errors.SlotTaken: 409,
    errors.IllegalTransition: 409,
    errors.SlotNotOffered: 422,
    errors.IdempotencyKeyReused: 422,
    errors.PaymentUnavailable: 503,
    errors.RateLimited: 429,
}

# Chalice's own refusals (before any view runs) in the same shape, with stable codes.
CHALICE_CODES = {
    "BadRequestError": "invalid_request",
    "BadRequest": "invalid_request",
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "NotFoundError": "not_found",
    "InternalServerError": "internal_error",
}


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    return Response(body={"error": {"code": code, "message": message}}, status_code=status,
                    headers={"Content-Type": "application/json", **(headers or {})})


def from_domain(error: errors.DomainError, message: str | None = None) -> Response:
    """`message`: the error's message in the reader's language, where the edge knows the reader."""
    status = next((s for cls, s in STATUS.items() if isinstance(error, cls)), 400)
    return error_response(status, error.code, message or error.message, retry_headers(error))


def retry_headers(error: errors.DomainError) -> dict:
    """A refusal that passes with time says when to come back (HTTP's Retry-After, in seconds)."""
    retry_after = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after else {}


def normalize_chalice_error(response: Response) -> Response:
    """Rewrite Chalice's {"Code", "Message"} bodies into the API's error shape."""
    body = response.body
    if isinstance(body, (str, bytes)) and response.status_code >= 400:
        try:
            body = json.loads(body)
        except ValueError:
            return response
    if isinstance(body, dict) and "Code" in body and "Message" in body:
        code = CHALICE_CODES.get(body["Code"], "error")
        message = body["Message"]
        if code == "internal_error":
            message = "Something went wrong on our side; nothing was changed. Please try again."
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
        return error_response(response.status_code, code, message, headers)
    return response
