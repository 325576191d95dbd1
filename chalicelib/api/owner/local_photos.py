"""The local photo store's routes (`make run`): the upload that the record page's form posts,
checked as S3 checks a presigned POST, and the signed, expiring view links. Where photos go to S3
(PHOTO_BUCKET set) both answer 404. No session: the signed policy or link is the credential."""
import email.parser
import email.policy

from chalice import Response

from ...domain.errors import InvalidRequest, NotFound
from ...domain.text import N_
from ...photos.local import UPLOAD_PATH, VIEW_PATH, LocalPhotoStore
from ...web import forms
from ..errors import error_response
from ..http import MAX_BODY_BYTES
from .clients import owner_clients
from .records import photos

MULTIPART = "multipart/form-data"


@owner_clients.route(UPLOAD_PATH, methods=["POST"], content_types=[MULTIPART])
def local_photo_upload():
    store = _local_store()
    if store is None:
        return error_response(404, "not_found", "There is no such page.")
    request = owner_clients.current_request
    try:
        fields, content = _multipart(request.headers.get("content-type", ""), request.raw_body or b"")
        target = store.accept_upload(fields, content)
    except InvalidRequest as error:
        # S3 answers a refused POST with 400 or 403; the page that posted shows the browser's error.
        return Response(body=error.message, status_code=400, headers={"Content-Type": "text/plain; charset=utf-8"})
    return Response(body="", status_code=303, headers={"Location": target})


@owner_clients.route(VIEW_PATH, methods=["GET"])
def local_photo_view():
    params, store = forms.query(owner_clients.current_request), _local_store()
    if store is None:
        return error_response(404, "not_found", "There is no such page.")
    try:
        body, kind = store.read(params.get("key", ""), params.get("expires", ""),
                                         params.get("signature", ""))
    except (NotFound, InvalidRequest):
        return Response(body="Not found", status_code=404, headers={"Content-Type": "text/plain"})
    return Response(body=body, status_code=200, headers={"Content-Type": kind, "Cache-Control": "private, no-store",
                                                          "X-Content-Type-Options": "nosniff"})


def _local_store() -> LocalPhotoStore | None:
    """The local twin, or None where photos go to S3 (the routes then answer 404)."""
    store = photos()
    return store if isinstance(store, LocalPhotoStore) else None


MAX_UPLOAD_BYTES = 10 * 1024 * 1024 + MAX_BODY_BYTES


def _multipart(content_type: str, raw: bytes) -> tuple[dict[str, str], bytes]:
    """A multipart/form-data body -> (its text fields, the `file` part's bytes)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise InvalidRequest(N_("The upload is too large."))
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        raise InvalidRequest(N_("Send the form as multipart/form-data."))
    fields, content = {}, b""
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "file":
            content = part.get_payload(decode=True) or b""
        elif name:
            fields[name] = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
    return fields, content
