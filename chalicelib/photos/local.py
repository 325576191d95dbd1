"""The local twin of the photo bucket (`make run`): files under `.data/photos`. Its upload form
is signed like a presigned POST (key, size limit, image type, redirect, expiry, under an HMAC of
the session key) and posted to the app's `/local-photos` route, which checks it as S3 would;
its view links are signed and expire like presigned GETs."""
import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from urllib.parse import urlencode

from ..domain.errors import InvalidRequest, NotFound
from ..domain.text import N_
from .base import DEFAULT_TYPE, MAX_BYTES, UPLOAD_SECONDS, VIEW_SECONDS, StoredPhoto, UploadForm

UPLOAD_PATH = "/local-photos"
VIEW_PATH = "/local-photos/view"
_TYPE_SUFFIX = ".type"


class LocalPhotoStore:
    def __init__(self, root: str, key: bytes, base_url: str):
        self._root = Path(root)
        self._key = key
        self._base = base_url.rstrip("/")

    # --- what the record page uses --------------------------------------------------------------
    def upload_form(self, key: str, redirect_url: str) -> UploadForm:
        policy = _encode({"key": key, "redirect": redirect_url, "max": MAX_BYTES,
                          "expires": int(time.time()) + UPLOAD_SECONDS})
        return UploadForm(f"{self._base}{UPLOAD_PATH}", {
            "key": key, "Content-Type": DEFAULT_TYPE, "x-amz-server-side-encryption": "AES256",
            "success_action_redirect": redirect_url, "policy": policy, "signature": self._sign(policy)})

    def photos(self, prefix: str) -> list[StoredPhoto]:
        folder = self._path(prefix.rstrip("/")) if prefix.rstrip("/") else self._root
        if not folder.is_dir():
            return []
        found = [StoredPhoto(p.relative_to(self._root).as_posix(), p.stat().st_size)
                 for p in folder.rglob("*") if p.is_file() and not p.name.endswith(_TYPE_SUFFIX)]
        return sorted(found, key=lambda p: p.key)

    def view_url(self, key: str) -> str:
        expires = str(int(time.time()) + VIEW_SECONDS)
        return f"{self._base}{VIEW_PATH}?" + urlencode({"key": key, "expires": expires,
                                                      "signature": self._sign(f"{key}\n{expires}")})

    def delete(self, key: str) -> None:
        for path in (self._path(key), self._path(key + _TYPE_SUFFIX)):
            path.unlink(missing_ok=True)

    def delete_all(self, prefix: str) -> int:
        found = self.photos(prefix)
        for photo in found:
            self.delete(photo.key)
        return len(found)

    # --- what the /local-photos routes use ----------------------------------------------------------
    def accept_upload(self, fields: dict[str, str], content: bytes) -> str:
        """Checks the signed policy as S3 checks a presigned POST; stores the file; answers where
        to redirect. InvalidRequest for anything S3 would refuse."""
        policy = fields.get("policy", "")
        if not hmac.compare_digest(self._sign(policy), fields.get("signature", "")):
            raise InvalidRequest(N_("The upload form's signature does not match."), "signature_mismatch")
        terms = json.loads(base64.urlsafe_b64decode(policy.encode()))
        if time.time() > terms["expires"]:
            raise InvalidRequest(N_("The upload form has expired. Reload the page and try again."), "form_expired")
        if fields.get("key") != terms["key"] or fields.get("success_action_redirect") != terms["redirect"]:
            raise InvalidRequest(N_("The upload form was changed."), "policy_mismatch")
        if not fields.get("Content-Type", "").startswith("image/"):
            raise InvalidRequest(N_("Only images can be uploaded."), "wrong_type")
        if not 0 < len(content) <= terms["max"]:
            raise InvalidRequest(N_("A photo must be 1 byte to %(most)s MB.", most=terms["max"] // (1024 * 1024)),
                                 "wrong_size")
        path = self._path(terms["key"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self._path(terms["key"] + _TYPE_SUFFIX).write_text(fields["Content-Type"])
        return terms["redirect"]

    def read(self, key: str, expires: str, signature: str) -> tuple[bytes, str]:
        """A photo behind a view link: (bytes, content type). NotFound when the link is wrong or old."""
        fresh = expires.isdigit() and time.time() <= int(expires)
        if not (fresh and hmac.compare_digest(self._sign(f"{key}\n{expires}"), signature)):
            raise NotFound(N_("This photo link has expired. Reload the record."), "photo_not_found")
        path = self._path(key)
        if not path.is_file():
            raise NotFound(N_("This photo no longer exists."), "photo_not_found")
        kind = self._path(key + _TYPE_SUFFIX)
        return path.read_bytes(), kind.read_text() if kind.is_file() else DEFAULT_TYPE

    # --- helpers ----------------------------------------------------------------------------------
    def _sign(self, text: str) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()

    def _path(self, key: str) -> Path:
        parts = key.split("/")
        if not key or any(p in ("", ".", "..") for p in parts):
            raise InvalidRequest(N_("Not a photo key."))
        return self._root.joinpath(*parts)


def _encode(terms: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(terms, sort_keys=True).encode()).decode()
